import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/**
 * Numbered, append-only: a released migration is never edited, a change is a
 * new entry. Each runs in its own transaction with its row in `migrations`.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'daily brief: guild settings, brief log, documents seen',
    up(db) {
      db.exec(`
        CREATE TABLE guild_settings (
          guild_id    TEXT PRIMARY KEY,
          channel_id  TEXT NOT NULL,
          time        TEXT NOT NULL,            -- HH:MM, local to timezone
          timezone    TEXT NOT NULL,            -- IANA zone
          topics      TEXT,                     -- JSON array of topic names, NULL = all
          enabled     INTEGER NOT NULL DEFAULT 1,
          updated_at  INTEGER NOT NULL,         -- ms since epoch; runs scheduled before it are not owed
          updated_by  TEXT
        );
        CREATE TABLE brief_log (
          id            INTEGER PRIMARY KEY,
          guild_id      TEXT NOT NULL,
          local_date    TEXT NOT NULL,          -- YYYY-MM-DD in the guild's zone
          channel_id    TEXT,
          status        TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'skipped')),
          late          INTEGER NOT NULL DEFAULT 0,
          attempts      INTEGER NOT NULL DEFAULT 1,
          message_ids   TEXT NOT NULL DEFAULT '[]',
          error_code    INTEGER,
          error_message TEXT,
          scheduled_at  INTEGER,
          claimed_at    INTEGER NOT NULL,
          finished_at   INTEGER,
          UNIQUE (guild_id, local_date)
        );
        CREATE TABLE documents_seen (
          slug           TEXT PRIMARY KEY,
          first_seen_at  INTEGER NOT NULL
        );
      `);
    },
  },
];
