import type { Generated } from 'kysely';

/**
 * The tables as the code sees them, for both backends. Times are milliseconds
 * since the epoch (BIGINT in PostgreSQL, read back as numbers); flags are 0/1
 * integers in both, so a row reads the same whichever database it came from.
 */
export interface Tables {
  migrations: {
    version: number;
    name: string;
    applied_at: number;
  };
  guild_settings: {
    guild_id: string;
    channel_id: string;
    /** HH:MM, local to timezone. */
    time: string;
    /** IANA zone. */
    timezone: string;
    /** JSON array of topic names, NULL = all. */
    topics: string | null;
    enabled: Generated<number>;
    /** Runs scheduled before it are not owed. */
    updated_at: number;
    updated_by: string | null;
    /** A day with nothing new: 'short' (a one-line note) or 'skip' (no post). */
    quiet: Generated<'short' | 'skip'>;
    /** The first /digest set (NULL on schedules older than the column). */
    configured_at: Generated<number | null>;
  };
  brief_log: {
    id: Generated<number>;
    guild_id: string;
    /** YYYY-MM-DD in the guild's zone. */
    local_date: string;
    channel_id: string | null;
    status: 'claimed' | 'sent' | 'failed' | 'skipped';
    late: Generated<number>;
    attempts: Generated<number>;
    /** JSON array of message ids. */
    message_ids: Generated<string>;
    error_code: number | null;
    error_message: string | null;
    scheduled_at: number | null;
    claimed_at: number;
    finished_at: number | null;
  };
  documents_seen: {
    slug: string;
    first_seen_at: number;
  };
  /** Each brief composed for a server ('' = no server: the CLI and console), with what it said. */
  briefs: {
    id: Generated<number>;
    guild_id: string;
    key: string;
    composed_at: number;
    /** The composed brief as JSON. */
    brief: string;
    posted: Generated<number>;
  };
  brief_quotes: {
    guild_id: string;
    text_hash: string;
    citation: string;
    brief_id: number;
  };
  brief_documents: {
    guild_id: string;
    owner: string;
    hash: string;
    slug: string;
    brief_id: number;
  };
  document_first_seen: {
    owner: string;
    hash: string;
    slug: string;
    first_seen_at: number;
  };
  feeds: {
    id: Generated<number>;
    /** '' = the shared library. */
    guild_id: string;
    url: string;
    title: string;
    site_url: string | null;
    /** JSON array. */
    tags: Generated<string>;
    added_by: string;
    added_at: number;
    etag: string | null;
    last_modified: string | null;
    last_checked_at: number | null;
    last_new_at: number | null;
    items_added: Generated<number>;
    failures: Generated<number>;
    last_error: string | null;
    next_check_at: number;
    /** The process checking the feed now, until `claimed_until`. */
    claimed_by: Generated<string | null>;
    claimed_until: Generated<number | null>;
    /** When the bot left the feed's server: not polled until it is back. */
    paused_at: Generated<number | null>;
  };
  feed_items: {
    feed_id: number;
    item_key: string;
    link: string | null;
    title: string | null;
    published: string | null;
    status: 'pending' | 'added' | 'duplicate' | 'old' | 'failed';
    attempts: Generated<number>;
    slug: string | null;
    error: string | null;
    /** When the feed first showed it. */
    seen_at: number;
    /** When a check last found it in the feed: items gone from it for long enough are pruned. */
    last_seen_at: number;
  };
  /** Documents by path under DATA_DIR (with DATABASE_URL): the file's full text, front matter included. */
  documents: {
    path: string;
    /** '' = the shared library, else the owning server's id. */
    owner: string;
    /** The file as text; a binary format (PDF) as base64 of its bytes (src/documents/mirror.ts). */
    raw: string;
    /** sha256 of the file (of a text file's text). */
    hash: string;
    updated_at: number;
  };
  /** Every put and delete, in order: processes apply the ones past the last they saw. */
  document_changes: {
    id: Generated<number>;
    path: string;
    owner: string;
    op: 'put' | 'delete';
    /** The content's hash (for a delete, the content deleted). */
    hash: string;
    at: number;
  };
}
