import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';

export type DatabaseKind = 'sqlite' | 'postgres';

/** What a migration needs to write one schema for both backends. */
export interface MigrationContext {
  kind: DatabaseKind;
  /** The column type for milliseconds since the epoch (past 2^31, so BIGINT in PostgreSQL). */
  time: 'integer' | 'bigint';
  /** Adds an auto-numbered `id` primary key: SQLite's rowid alias, PostgreSQL's identity column. */
  id<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'>;
}

export interface Migration {
  version: number;
  name: string;
  // Migrations see the schema as it was, not as `Tables` describes it now.
  up(db: Kysely<any>, t: MigrationContext): Promise<void>;
}

export function migrationContext(kind: DatabaseKind): MigrationContext {
  return {
    kind,
    time: kind === 'postgres' ? 'bigint' : 'integer',
    id: (table) =>
      kind === 'postgres'
        ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
        : table.addColumn('id', 'integer', (c) => c.primaryKey()),
  };
}

const notNull = (c: ColumnDefinitionBuilder) => c.notNull();

/**
 * Numbered, append-only: a released migration is never edited, a change is a
 * new entry. Written with Kysely's schema builder so both backends get the same
 * tables from the same code. Each runs in its own transaction with its row in
 * `migrations`.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'daily brief: guild settings, brief log, documents seen',
    async up(db, t) {
      await db.schema
        .createTable('guild_settings')
        .addColumn('guild_id', 'text', (c) => c.primaryKey())
        .addColumn('channel_id', 'text', notNull)
        .addColumn('time', 'text', notNull)
        .addColumn('timezone', 'text', notNull)
        .addColumn('topics', 'text')
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('updated_at', t.time, notNull)
        .addColumn('updated_by', 'text')
        .execute();
      await t
        .id(db.schema.createTable('brief_log'))
        .addColumn('guild_id', 'text', notNull)
        .addColumn('local_date', 'text', notNull)
        .addColumn('channel_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('claimed', 'sent', 'failed', 'skipped')`))
        .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('message_ids', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('error_code', 'integer')
        .addColumn('error_message', 'text')
        .addColumn('scheduled_at', t.time)
        .addColumn('claimed_at', t.time, notNull)
        .addColumn('finished_at', t.time)
        .addUniqueConstraint('brief_log_guild_date', ['guild_id', 'local_date'])
        .execute();
      await db.schema
        .createTable('documents_seen')
        .addColumn('slug', 'text', (c) => c.primaryKey())
        .addColumn('first_seen_at', t.time, notNull)
        .execute();
    },
  },
  {
    version: 2,
    name: 'daily brief: what each server was told (briefs, quoted sentences, reported documents), first seen by content, quiet days',
    async up(db, t) {
      // guild_id '' is "no server": the CLI's and the local console's own brief history.
      await t
        .id(db.schema.createTable('briefs'))
        .addColumn('guild_id', 'text', notNull)
        // 'day:YYYY-MM-DD' (scheduled), 'now:…' (/digest now), 'cli:…'
        .addColumn('key', 'text', notNull)
        // "New" is measured from here.
        .addColumn('composed_at', t.time, notNull)
        // The composed brief as JSON, so a resumed post is the same post.
        .addColumn('brief', 'text', notNull)
        .addColumn('posted', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('briefs_guild_key', ['guild_id', 'key'])
        .execute();
      // The id column's type, for references to it.
      const ref = t.kind === 'postgres' ? 'bigint' : 'integer';
      // Every sentence a server's briefs quoted, by its text: never quoted twice.
      await db.schema
        .createTable('brief_quotes')
        .addColumn('guild_id', 'text', notNull)
        .addColumn('text_hash', 'text', notNull)
        .addColumn('citation', 'text', notNull)
        .addColumn('brief_id', ref, (c) => c.notNull().references('briefs.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('brief_quotes_pk', ['guild_id', 'text_hash'])
        .execute();
      // Documents a server's briefs reported as new, by owning library ('' = shared) and content hash.
      await db.schema
        .createTable('brief_documents')
        .addColumn('guild_id', 'text', notNull)
        .addColumn('owner', 'text', notNull)
        .addColumn('hash', 'text', notNull)
        .addColumn('slug', 'text', notNull)
        .addColumn('brief_id', ref, (c) => c.notNull().references('briefs.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('brief_documents_pk', ['guild_id', 'owner', 'hash'])
        .execute();
      await db.schema.createIndex('brief_quotes_brief').on('brief_quotes').column('brief_id').execute();
      await db.schema.createIndex('brief_documents_brief').on('brief_documents').column('brief_id').execute();
      // Slugs are unique only within what one server sees, and a renamed file is not news:
      // first-seen times are kept by owning library and content hash.
      await db.schema
        .createTable('document_first_seen')
        .addColumn('owner', 'text', notNull)
        .addColumn('hash', 'text', notNull)
        .addColumn('slug', 'text', notNull)
        .addColumn('first_seen_at', t.time, notNull)
        .addPrimaryKeyConstraint('document_first_seen_pk', ['owner', 'hash'])
        .execute();
      await db.schema
        .alterTable('guild_settings')
        .addColumn('quiet', 'text', (c) => c.notNull().defaultTo('short').check(sql`quiet IN ('short', 'skip')`))
        .execute();
    },
  },
  {
    version: 3,
    name: 'feeds: each server’s followed feeds, their validators and errors, and every item seen',
    async up(db, t) {
      // A feed's id as other tables refer to it: the type of `t.id`.
      const ref = t.kind === 'postgres' ? 'bigint' : 'integer';
      await t
        .id(db.schema.createTable('feeds'))
        // '' = the shared library (the operator's CLI without --guild).
        .addColumn('guild_id', 'text', notNull)
        // The feed itself (found from a page's <link rel="alternate"> when a page was given).
        .addColumn('url', 'text', notNull)
        .addColumn('title', 'text', notNull)
        .addColumn('site_url', 'text')
        .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('added_by', 'text', notNull)
        .addColumn('added_at', t.time, notNull)
        .addColumn('etag', 'text')
        .addColumn('last_modified', 'text')
        .addColumn('last_checked_at', t.time)
        .addColumn('last_new_at', t.time)
        .addColumn('items_added', 'integer', (c) => c.notNull().defaultTo(0))
        // Failed checks in a row: the backoff doubles with each.
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        // In words, for /feed list.
        .addColumn('last_error', 'text')
        .addColumn('next_check_at', t.time, notNull)
        .addUniqueConstraint('feeds_guild_url', ['guild_id', 'url'])
        .execute();
      await db.schema.createIndex('feeds_due').on('feeds').column('next_check_at').execute();
      // Every item a feed has shown, so neither a repeat nor a restart adds one twice.
      await db.schema
        .createTable('feed_items')
        .addColumn('feed_id', ref, (c) => c.notNull().references('feeds.id').onDelete('cascade'))
        // guid / id, else link.
        .addColumn('item_key', 'text', notNull)
        .addColumn('link', 'text')
        .addColumn('title', 'text')
        // ISO 8601.
        .addColumn('published', 'text')
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('pending', 'added', 'duplicate', 'old', 'failed')`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('slug', 'text')
        .addColumn('error', 'text')
        .addColumn('seen_at', t.time, notNull)
        .addPrimaryKeyConstraint('feed_items_pk', ['feed_id', 'item_key'])
        .execute();
      await db.schema.createIndex('feed_items_status').on('feed_items').columns(['feed_id', 'status']).execute();
    },
  },
  {
    version: 4,
    name: 'documents: the library as the system of record (with DATABASE_URL), and a change log other processes follow',
    async up(db, t) {
      // owner '' is the shared library; otherwise the owning Discord server.
      await db.schema
        .createTable('documents')
        .addColumn('path', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', notNull)
        .addColumn('raw', 'text', notNull)
        .addColumn('hash', 'text', notNull)
        .addColumn('updated_at', t.time, notNull)
        .execute();
      await t
        .id(db.schema.createTable('document_changes'))
        .addColumn('path', 'text', notNull)
        .addColumn('owner', 'text', notNull)
        .addColumn('op', 'text', (c) => c.notNull().check(sql`op IN ('put', 'delete')`))
        .addColumn('hash', 'text', notNull)
        .addColumn('at', t.time, notNull)
        .execute();
      await db.schema.createIndex('document_changes_path').on('document_changes').columns(['path', 'id']).execute();
    },
  },
  {
    version: 5,
    name: 'feeds: when each item was last in its feed, so items long gone from it can be pruned',
    async up(db, t) {
      await db.schema.alterTable('feed_items').addColumn('last_seen_at', t.time, (c) => c.notNull().defaultTo(0)).execute();
      // Until its next check, an item was last seen when it was first seen.
      await db.updateTable('feed_items').set((eb) => ({ last_seen_at: eb.ref('seen_at') })).execute();
      await db.schema.createIndex('feed_items_last_seen').on('feed_items').columns(['feed_id', 'last_seen_at']).execute();
    },
  },
  {
    version: 6,
    name: 'feeds: a check’s claim on its feed (two processes never fetch one at once) and feeds paused while the bot is out of their server; brief: when a server first set its brief up',
    async up(db, t) {
      // Who is checking the feed and until when: a claim past its time was left by a process that died.
      await db.schema.alterTable('feeds').addColumn('claimed_by', 'text').execute();
      await db.schema.alterTable('feeds').addColumn('claimed_until', t.time).execute();
      // When the bot left the feed's server (NULL: it is there, or was never seen to leave).
      await db.schema.alterTable('feeds').addColumn('paused_at', t.time).execute();
      // The first /digest set; NULL for schedules from before this column (their first brief looks back 24 hours).
      await db.schema.alterTable('guild_settings').addColumn('configured_at', t.time).execute();
    },
  },
];
