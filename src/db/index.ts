import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { MIGRATIONS, migrationContext, type DatabaseKind, type Migration } from './migrations.js';
import type { Tables } from './schema.js';
import { redactUrl } from './url.js';

export type { DatabaseKind } from './migrations.js';

/** Where the state lives: a SQLite file (the zero-setup default) or a PostgreSQL server (`DATABASE_URL`). */
export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/**
 * An open database, either backend, behind one typed query builder. The
 * stores take this and never ask which backend it is, except where SQL
 * itself differs.
 */
export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Tables>;
  /** For messages and logs: the file, or the URL without its password. */
  readonly location: string;
  /** The better-sqlite3 handle under a SQLite database (the readiness check takes its write lock directly). */
  readonly sqlite?: BetterSqlite3.Database;
  /**
   * PostgreSQL only: LISTEN on `channel` over a connection of its own, kept
   * open through outages (reconnecting with backoff). `onConnect` runs after
   * every (re)connection, so a follower can catch up on what it missed.
   */
  subscribe?(channel: string, handlers: SubscribeHandlers): Subscription;
  close(): Promise<void>;
}

export interface SubscribeHandlers {
  onNotify(payload: string | undefined): void;
  onConnect(): void;
  onDisconnect?(err: unknown): void;
}

export interface Subscription {
  close(): Promise<void>;
}

/**
 * The database could not be opened, checked or migrated. The message names the
 * variable and the place and says what to do, because the operator sees it at
 * start-up; it never contains a password.
 */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

/** Session-level advisory lock key for migrations (any constant; "dossier" in ASCII). */
const MIGRATION_LOCK = 0x646f7373696572n;

export interface OpenOptions {
  migrations?: readonly Migration[];
  /** PostgreSQL pool size per process. */
  poolSize?: number;
}

/**
 * Opens the database, refuses a damaged or too-new one, and brings the schema
 * up to date. Never recreates or truncates existing data: a bad database is the
 * operator's to inspect, not ours to overwrite.
 */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  return target.kind === 'sqlite' ? openSqlite(target.file, options) : openPostgres(target.url, options);
}

async function openSqlite(file: string, { migrations = MIGRATIONS }: OpenOptions): Promise<Database> {
  let handle: BetterSqlite3.Database | undefined;
  let db: Kysely<Tables> | undefined;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    handle = new BetterSqlite3(file);
    handle.pragma('busy_timeout = 5000');
    const check = handle.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = NORMAL');
    handle.pragma('foreign_keys = ON');
    db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: handle }) });
    await migrate(db, 'sqlite', migrations);
    const kysely = db;
    return { kind: 'sqlite', db: kysely, location: file, sqlite: handle, close: () => kysely.destroy() };
  } catch (err) {
    if (db) await db.destroy().catch(() => {});
    else handle?.close();
    throw new DatabaseError(
      `DATABASE_PATH: cannot use the database at ${file} (${reason(err)}). ` +
        'Check that the folder is writable and the file is a Dossier SQLite database; restore it from a backup or move it aside to start afresh.',
    );
  }
}

/** BIGINT (times in ms, counts) as JS numbers: every value Dossier stores is far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

async function openPostgres(url: string, { migrations = MIGRATIONS, poolSize = 10 }: OpenOptions): Promise<Database> {
  const location = redactUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: 10_000, application_name: 'dossier' });
  // An idle client losing its server is reported here; without a listener it would crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db, 'postgres', migrations);
  } catch (err) {
    await db.destroy().catch(() => {});
    throw new DatabaseError(
      `DATABASE_URL: cannot use the PostgreSQL database at ${location} (${reason(err)}). ` +
        'Check that the server is running and reachable, and that the user, password and database name are right.',
    );
  }
  const subscriptions = new Set<Subscription>();
  return {
    kind: 'postgres',
    db,
    location,
    subscribe(channel, handlers) {
      const sub = listen(url, channel, handlers);
      subscriptions.add(sub);
      return {
        close: async () => {
          subscriptions.delete(sub);
          await sub.close();
        },
      };
    },
    async close() {
      await Promise.all([...subscriptions].map((s) => s.close()));
      await db.destroy();
    },
  };
}

const RECONNECT_MS = [250, 500, 1_000, 2_000, 5_000];

/** A LISTEN connection that comes back by itself after the server or network goes away. */
function listen(url: string, channel: string, handlers: SubscribeHandlers): Subscription {
  let client: pg.Client | undefined;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  const retry = (err: unknown) => {
    if (closed || timer) return;
    handlers.onDisconnect?.(err);
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, RECONNECT_MS[Math.min(attempt++, RECONNECT_MS.length - 1)]);
  };

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: 5_000, application_name: 'dossier-listen', keepAlive: true });
    client = c;
    // Only the current client may start a reconnection: an old one's late 'end' must not start a second.
    c.on('error', (err) => client === c && retry(err));
    c.on('end', () => client === c && retry(new Error('connection ended')));
    c.on('notification', (n) => {
      if (n.channel === channel) handlers.onNotify(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
    } catch (err) {
      client = undefined;
      await c.end().catch(() => {});
      retry(err);
      return;
    }
    if (closed) return void (await c.end().catch(() => {}));
    attempt = 0;
    handlers.onConnect();
  }

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}

function reason(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return reason(err.errors[0]);
  const e = err as { message?: string; code?: string };
  return e?.message || e?.code || String(err);
}

/**
 * Applies the migrations not yet recorded, one transaction each. In
 * PostgreSQL an advisory lock makes processes that start together take turns,
 * so each migration runs once; in SQLite `BEGIN IMMEDIATE` does the same, and
 * the list of applied versions is re-read inside each transaction.
 */
async function migrate(db: Kysely<Tables>, kind: DatabaseKind, migrations: readonly Migration[]): Promise<void> {
  const t = migrationContext(kind);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  await db.connection().execute(async (conn) => {
    if (kind === 'postgres') await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await conn.schema
        .createTable('migrations')
        .ifNotExists()
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('applied_at', t.time, (c) => c.notNull())
        .execute();
      const applied = async () => new Set((await conn.selectFrom('migrations').select('version').execute()).map((r) => r.version));
      const newest = Math.max(0, ...(await applied()));
      if (newest > known) throw new Error(`schema version ${newest} is newer than this Dossier (knows up to ${known})`);
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        await sql.raw(kind === 'postgres' ? 'BEGIN' : 'BEGIN IMMEDIATE').execute(conn);
        try {
          if (!(await applied()).has(m.version)) {
            await m.up(conn, t);
            await conn.insertInto('migrations').values({ version: m.version, name: m.name, applied_at: Date.now() }).execute();
          }
          await sql`COMMIT`.execute(conn);
        } catch (err) {
          await sql`ROLLBACK`.execute(conn).catch(() => {});
          throw err;
        }
      }
    } finally {
      if (kind === 'postgres') await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn).catch(() => {});
    }
  });
}
