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
