import { sql } from 'kysely';
import type { Database } from '../db/index.js';
import type { ReadinessCheck } from './health.js';

/** The slice of a better-sqlite3 handle the check needs (kept structural so tests can pass a real one). */
interface SqliteHandle {
  readonly open: boolean;
  readonly readonly: boolean;
  exec(sql: string): unknown;
  pragma(source: string, options: { simple: true }): unknown;
}

/**
 * Ready only if the database takes a write lock: a full disk, a read-only
 * mount or a stuck writer shows up here before a brief fails to record.
 */
export function databaseWritable(db: SqliteHandle): ReadinessCheck {
  return {
    name: 'database',
    check: () => {
      if (!db.open) return { ok: false, detail: 'closed' };
      if (db.readonly) return { ok: false, detail: 'opened read-only' };
      // better-sqlite3 is synchronous: waiting on a lock here would freeze every interaction, so don't wait.
      const timeout = Number(db.pragma('busy_timeout', { simple: true }));
      db.pragma('busy_timeout = 0', { simple: true });
      try {
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
      } finally {
        db.pragma(`busy_timeout = ${timeout}`, { simple: true });
      }
      return { ok: true };
    },
  };
}

/** How long the PostgreSQL probe may take before the database counts as unreachable. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * The database check for either backend: SQLite must take its write lock;
 * PostgreSQL must answer a query within two seconds (a lost server shows here
 * while searches keep answering from memory).
 */
export function databaseReady(database: Database): ReadinessCheck {
  if (database.sqlite) return databaseWritable(database.sqlite);
  return {
    name: 'database',
    check: async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from ${database.location} within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
      });
      try {
        await Promise.race([sql`SELECT 1`.execute(database.db), timeout]);
        return { ok: true };
      } catch (err) {
        const e = err as { message?: string; code?: string };
        return { ok: false, detail: `PostgreSQL unreachable: ${e.message || e.code || String(err)}` };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
