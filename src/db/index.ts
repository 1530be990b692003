import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

/**
 * The database could not be opened, checked or migrated. The message names the
 * path and says what to do, because the operator sees it at start-up.
 */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

/**
 * Opens (creating if needed) the SQLite file, refuses a damaged one, and brings
 * the schema up to date. Never recreates or truncates an existing file: a bad
 * file is the operator's to inspect, not ours to overwrite.
 */
export function openDatabase(file: string, { migrations = MIGRATIONS }: { migrations?: readonly Migration[] } = {}): Db {
  let db: Db | undefined;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    return db;
  } catch (err) {
    db?.close();
    const reason = err instanceof Error ? err.message : String(err);
    throw new DatabaseError(
      `DATABASE_PATH: cannot use the database at ${file} (${reason}). ` +
        'Check that the folder is writable and the file is a Dossier SQLite database; restore it from a backup or move it aside to start afresh.',
    );
  }
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set(db.prepare('SELECT version FROM migrations').pluck().all() as number[]);
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known) throw new Error(`schema version ${newest} is newer than this Dossier (knows up to ${known})`);
  const record = db.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      m.up(db);
      record.run(m.version, m.name, Date.now());
    }).immediate();
  }
}
