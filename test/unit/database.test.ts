import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DatabaseError, openDatabase, type Database, type DatabaseTarget } from '../../src/db/index.js';
import { MIGRATIONS, type Migration } from '../../src/db/migrations.js';
import { COUNTING } from '../fixtures/open-database.js';
import { DigestStore } from '../../src/digest/store.js';
import { BACKENDS, emptyDatabase } from '../helpers/databases.js';
import { freshDatabase } from '../helpers/postgres.js';
import { raceProcesses } from '../helpers/race.js';
import { freePort } from '../helpers/postgres-server.js';

const GUILD = '111111111111111111';
const CHANNEL = '222222222222222222';

let dir: string;
const opened: Database[] = [];
async function open(target: DatabaseTarget, migrations?: readonly Migration[]): Promise<Database> {
  const db = await openDatabase(target, { migrations });
  opened.push(db);
  return db;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-db-'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close().catch(() => {})));
  await rm(dir, { recursive: true, force: true });
});

async function appliedVersions(db: Database): Promise<number[]> {
  return (await db.db.selectFrom('migrations').select('version').orderBy('version').execute()).map((r) => r.version);
}

describe.each(BACKENDS)('the %s database', (kind) => {
  it('GIVEN a fresh database THEN every migration is applied once, and reopening applies none again and keeps the data', async () => {
    const target = await emptyDatabase(kind, dir);
    const a = await open(target);
    expect(await appliedVersions(a)).toEqual(MIGRATIONS.map((m) => m.version));
    await new DigestStore(a).saveSettings({ guildId: GUILD, channelId: CHANNEL, time: '08:00', timezone: 'UTC', quiet: 'skip', updatedAt: 1_764_000_000_000 });
    await a.close();
    const b = await open(target);
    expect(await appliedVersions(b)).toEqual(MIGRATIONS.map((m) => m.version));
    // Times past 2^31 ms come back as the same numbers (BIGINT in PostgreSQL).
    expect(await new DigestStore(b).settings(GUILD)).toMatchObject({ channelId: CHANNEL, enabled: true, quiet: 'skip', updatedAt: 1_764_000_000_000 });
  });

  it('GIVEN four processes starting together on one empty database THEN each migration runs exactly once and all four open', async () => {
    const target = await emptyDatabase(kind, dir);
    expect(await raceProcesses('test/fixtures/open-database.ts', [JSON.stringify(target)], 4)).toEqual(Array(4).fill('ready\nopened\n'));
    const db = await open(target, [...MIGRATIONS, COUNTING]);
    const runs = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM migration_runs`.execute(db.db);
    expect(Number(runs.rows[0]!.n)).toBe(1);
    expect(await appliedVersions(db)).toEqual([...MIGRATIONS.map((m) => m.version), COUNTING.version]);
  });

  it('GIVEN a database written by a newer Dossier THEN it is refused with the variable named, and left as it was', async () => {
    const target = await emptyDatabase(kind, dir);
    await (await open(target, [...MIGRATIONS, COUNTING])).close();
    const error = await openDatabase(target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toMatch(kind === 'sqlite' ? /^DATABASE_PATH: / : /^DATABASE_URL: /);
    expect((error as Error).message).toContain(`schema version ${COUNTING.version} is newer than this Dossier`);
    expect(await appliedVersions(await open(target, [...MIGRATIONS, COUNTING]))).toContain(COUNTING.version);
  });
});

describe('the SQLite file', () => {
  it('GIVEN a corrupt file THEN a start-up error names the path and the file is left as it was', async () => {
    const file = path.join(dir, 'broken.db');
    await writeFile(file, 'this is not a database, it is a text file '.repeat(200));
    const error = await openDatabase({ kind: 'sqlite', file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toContain(`DATABASE_PATH: cannot use the database at ${file}`);
    expect(await readFile(file, 'utf8')).toMatch(/^this is not a database/);
  });

  it('GIVEN a path whose folder cannot be created THEN a start-up error names the path', async () => {
    // A file where the folder should be fails for every user, root included (chmod would not stop root).
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const file = path.join(blocker, 'dossier.db');
    await expect(openDatabase({ kind: 'sqlite', file })).rejects.toThrow(`DATABASE_PATH: cannot use the database at ${file}`);
  });

  it('GIVEN a file made by the Dossier before the query builder THEN it opens as it is, in WAL mode, and its rows read back', async () => {
    const file = path.join(dir, 'old.db');
    const old = new Sqlite(file);
    // Migration 1 exactly as the previous release wrote it, with one brief on record.
    old.exec(`
      CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
      CREATE TABLE guild_settings (guild_id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, time TEXT NOT NULL, timezone TEXT NOT NULL,
        topics TEXT, enabled INTEGER NOT NULL DEFAULT 1, updated_at INTEGER NOT NULL, updated_by TEXT);
      CREATE TABLE brief_log (id INTEGER PRIMARY KEY, guild_id TEXT NOT NULL, local_date TEXT NOT NULL, channel_id TEXT,
        status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'skipped')), late INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 1, message_ids TEXT NOT NULL DEFAULT '[]', error_code INTEGER, error_message TEXT,
        scheduled_at INTEGER, claimed_at INTEGER NOT NULL, finished_at INTEGER, UNIQUE (guild_id, local_date));
      CREATE TABLE documents_seen (slug TEXT PRIMARY KEY, first_seen_at INTEGER NOT NULL);
      INSERT INTO migrations VALUES (1, 'daily brief: guild settings, brief log, documents seen', 1);
      INSERT INTO brief_log (guild_id, local_date, channel_id, status, claimed_at, finished_at) VALUES ('${GUILD}', '2026-11-27', '${CHANNEL}', 'sent', 5, 6);
    `);
    old.close();
    const db = await open({ kind: 'sqlite', file });
    const store = new DigestStore(db);
    expect(await store.entry(GUILD, '2026-11-27')).toMatchObject({ status: 'sent', channelId: CHANNEL });
    expect(await store.claim({ guildId: GUILD, date: '2026-11-27', channelId: CHANNEL, late: false, scheduledAt: 1, now: 7 })).toBe(false);
    expect(await store.claim({ guildId: GUILD, date: '2026-11-28', channelId: CHANNEL, late: false, scheduledAt: 1, now: 7 })).toBe(true);
    expect(db.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});

describe('DATABASE_URL', () => {
  const SECRET = 'correct-horse-battery-staple';

  it.each([
    ['not a url at all', /must be a URL/],
    [`mysql://dossier:${SECRET}@db.internal/dossier`, /must start with postgres:\/\//],
    [`postgres://dossier:${SECRET}@db.internal:5432`, /names no database/],
    [`postgres://dossier:${SECRET}@db.internal:5432/`, /names no database/],
  ])('GIVEN %s THEN start-up stops with a message naming DATABASE_URL and never the password', (value, message) => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/DATABASE_URL: /);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('GIVEN a PostgreSQL URL THEN it is the target; without one, the SQLite file under DATA_DIR', () => {
    const url = `postgresql://dossier:${SECRET}@db.internal:5432/dossier?sslmode=require`;
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url });
    expect(loadConfig({ DATA_DIR: '/srv/dossier' }, '/').database).toEqual({ kind: 'sqlite', file: '/srv/dossier/.dossier/dossier.db' });
  });

  it('GIVEN a server that is not there THEN the error names DATABASE_URL and the host, with the password hidden', async () => {
    const port = await freePort();
    const error = await openDatabase({ kind: 'postgres', url: `postgres://dossier:${SECRET}@127.0.0.1:${port}/dossier` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    const message = (error as Error).message;
    expect(message).toContain(`DATABASE_URL: cannot use the PostgreSQL database at postgres://dossier:***@127.0.0.1:${port}/dossier`);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toContain(SECRET);
  });

  it('GIVEN a wrong password THEN the error says so without repeating it', async () => {
    const real = new URL(await freshDatabase());
    real.password = SECRET;
    const error = await openDatabase({ kind: 'postgres', url: real.toString() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toMatch(/^DATABASE_URL: .*password authentication failed/);
    expect((error as Error).message).not.toContain(SECRET);
  });
});
