import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * A new, empty database on the run's PostgreSQL server (started once by
 * test/setup/postgres.ts), so test files running in parallel never see each
 * other's rows. Returns its URL, as an operator would set DATABASE_URL.
 */
export async function freshDatabase(serverUrl: string = inject('postgresUrl')): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
