import { sql, type Selectable } from 'kysely';
import type { Database } from '../db/index.js';
import type { Tables } from '../db/schema.js';
import type { FeedItem } from './parse.js';

/** `guild_id` for the shared library's feeds (the operator's CLI without --guild). */
const SHARED = '';

export interface Feed {
  id: number;
  /** null: the shared library. */
  guildId: string | null;
  url: string;
  title: string;
  siteUrl?: string;
  tags: string[];
  addedBy: string;
  addedAt: number;
  etag?: string;
  lastModified?: string;
  lastCheckedAt?: number;
  lastNewAt?: number;
  itemsAdded: number;
  /** Failed checks in a row. */
  failures: number;
  lastError?: string;
  nextCheckAt: number;
  /** When the bot left the feed's server: the feed is not polled until the bot is back. */
  pausedAt?: number;
}

export type ItemStatus = 'pending' | 'added' | 'duplicate' | 'old' | 'failed';

export interface StoredItem {
  feedId: number;
  key: string;
  link?: string;
  title?: string;
  published?: string;
  status: ItemStatus;
  attempts: number;
  slug?: string;
  error?: string;
}

type FeedRow = Selectable<Tables['feeds']>;
type ItemRow = Selectable<Tables['feed_items']>;

const feedOf = (r: FeedRow): Feed => ({
  id: r.id,
  guildId: r.guild_id === SHARED ? null : r.guild_id,
  url: r.url,
  title: r.title,
  siteUrl: r.site_url ?? undefined,
  tags: JSON.parse(r.tags) as string[],
  addedBy: r.added_by,
  addedAt: r.added_at,
  etag: r.etag ?? undefined,
  lastModified: r.last_modified ?? undefined,
  lastCheckedAt: r.last_checked_at ?? undefined,
  lastNewAt: r.last_new_at ?? undefined,
  itemsAdded: r.items_added,
  failures: r.failures,
  lastError: r.last_error ?? undefined,
  nextCheckAt: r.next_check_at,
  pausedAt: r.paused_at ?? undefined,
});

const itemOf = (r: ItemRow): StoredItem => ({
  feedId: r.feed_id,
  key: r.item_key,
  link: r.link ?? undefined,
  title: r.title ?? undefined,
  published: r.published ?? undefined,
  status: r.status,
  attempts: r.attempts,
  slug: r.slug ?? undefined,
  error: r.error ?? undefined,
});

/** What one check of a feed changes about it. */
export interface CheckOutcome {
  at: number;
  nextCheckAt: number;
  /** Undefined leaves the stored validator as it is (a 304 repeats none). */
  etag?: string | null;
  lastModified?: string | null;
  title?: string;
  added: number;
  /** Undefined: the check succeeded. */
  error?: string;
}

/**
 * Feeds' persistent state, in SQLite or PostgreSQL alike: every database
 * statement about feeds is here, so the rest never sees a query. A feed
 * belongs to one server; its items are keyed by the feed, so two servers
 * following the same source each get their own copy.
 */
export class FeedStore {
  private readonly db: Database['db'];

  constructor(database: Database) {
    this.db = database.db;
  }

  async add(
    f: Pick<Feed, 'guildId' | 'url' | 'title' | 'siteUrl' | 'tags' | 'addedBy' | 'nextCheckAt' | 'etag' | 'lastModified'> & {
      at: number;
      /** Claimed from the start (see `claim`): the new feed's backfill is its first check. */
      claim?: { owner: string; until: number };
    },
  ): Promise<Feed> {
    const row = await this.db
      .insertInto('feeds')
      .values({
        guild_id: f.guildId ?? SHARED,
        url: f.url,
        title: f.title,
        site_url: f.siteUrl ?? null,
        tags: JSON.stringify(f.tags),
        added_by: f.addedBy,
        added_at: f.at,
        etag: f.etag ?? null,
        last_modified: f.lastModified ?? null,
        last_checked_at: f.at,
        last_new_at: null,
        last_error: null,
        next_check_at: f.nextCheckAt,
        ...(f.claim ? { claimed_by: f.claim.owner, claimed_until: f.claim.until } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return feedOf(row);
  }

  async get(id: number): Promise<Feed | undefined> {
    const row = await this.db.selectFrom('feeds').selectAll().where('id', '=', id).executeTakeFirst();
    return row && feedOf(row);
  }

  async byUrl(guildId: string | null, url: string): Promise<Feed | undefined> {
    const row = await this.db.selectFrom('feeds').selectAll().where('guild_id', '=', guildId ?? SHARED).where('url', '=', url).executeTakeFirst();
    return row && feedOf(row);
  }

  async list(guildId: string | null): Promise<Feed[]> {
    const rows = await this.db.selectFrom('feeds').selectAll().where('guild_id', '=', guildId ?? SHARED).orderBy(sql`lower(title)`).orderBy('id').execute();
    return rows.map(feedOf);
  }

  async count(guildId: string | null): Promise<number> {
    const row = await this.db.selectFrom('feeds').select((eb) => eb.fn.countAll().as('n')).where('guild_id', '=', guildId ?? SHARED).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Every feed not paused whose next check is due by `now`, soonest first; only one server's when `guildId` is given. */
  async due(now: number, guildId?: string | null): Promise<Feed[]> {
    let q = this.db.selectFrom('feeds').selectAll().where('next_check_at', '<=', now).where('paused_at', 'is', null);
    if (guildId !== undefined) q = q.where('guild_id', '=', guildId ?? SHARED);
    return (await q.orderBy('next_check_at').orderBy('id').execute()).map(feedOf);
  }

  /** Moves a check, e.g. to spread overdue feeds over the interval after a restart. */
  async reschedule(id: number, nextCheckAt: number): Promise<void> {
    await this.db.updateTable('feeds').set({ next_check_at: nextCheckAt }).where('id', '=', id).execute();
  }

  /**
   * Takes a feed for one check: only if no other claim on it is alive (and,
   * with `dueBy`, only if it is still due then, so a feed another process has
   * just checked is not fetched again). One conditional UPDATE, so of two
   * processes racing for a feed exactly one wins, on SQLite and PostgreSQL
   * alike. Returns the feed as it is now, or undefined when someone else has it.
   */
  async claim(id: number, c: { owner: string; now: number; until: number; dueBy?: number }): Promise<Feed | undefined> {
    let q = this.db
      .updateTable('feeds')
      .set({ claimed_by: c.owner, claimed_until: c.until })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', c.now)]));
    if (c.dueBy !== undefined) q = q.where('next_check_at', '<=', c.dueBy).where('paused_at', 'is', null);
    const row = await q.returningAll().executeTakeFirst();
    return row && feedOf(row);
  }

  /** Extends this owner's claim (a check adding many items); false when the claim was lost meanwhile. */
  async renew(id: number, owner: string, until: number): Promise<boolean> {
    const r = await this.db.updateTable('feeds').set({ claimed_until: until }).where('id', '=', id).where('claimed_by', '=', owner).executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  /** Gives the feed back after a check. */
  async release(id: number, owner: string): Promise<void> {
    await this.db.updateTable('feeds').set({ claimed_by: null, claimed_until: null }).where('id', '=', id).where('claimed_by', '=', owner).execute();
  }

  /** The bot left these servers: their feeds are not polled (nor due) until resumed. Returns how many feeds were paused. */
  async pause(guildIds: readonly string[], at: number): Promise<number> {
    if (guildIds.length === 0) return 0;
    const r = await this.db.updateTable('feeds').set({ paused_at: at }).where('guild_id', 'in', [...guildIds]).where('paused_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** The paused feeds of these servers, for resuming. */
  async paused(guildIds?: readonly string[]): Promise<Feed[]> {
    let q = this.db.selectFrom('feeds').selectAll().where('paused_at', 'is not', null);
    if (guildIds) {
      if (guildIds.length === 0) return [];
      q = q.where('guild_id', 'in', [...guildIds]);
    }
    return (await q.orderBy('id').execute()).map(feedOf);
  }

  /** Polls a paused feed again, from `nextCheckAt`. */
  async resume(id: number, nextCheckAt: number): Promise<boolean> {
    const r = await this.db.updateTable('feeds').set({ paused_at: null, next_check_at: nextCheckAt }).where('id', '=', id).where('paused_at', 'is not', null).executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  /** The servers (not the shared library) that have feeds. */
  async guilds(): Promise<string[]> {
    const rows = await this.db.selectFrom('feeds').select('guild_id').distinct().where('guild_id', '!=', SHARED).execute();
    return rows.map((r) => r.guild_id);
  }

  /** Stops following; the feed's items go with it (ON DELETE CASCADE). */
  async remove(id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('feeds').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows === 1n;
  }

  /** Records a check: success resets the failure count, a failure adds one. */
  async checked(id: number, o: CheckOutcome): Promise<void> {
    await this.db
      .updateTable('feeds')
      .set((eb) => ({
        last_checked_at: o.at,
        next_check_at: o.nextCheckAt,
        ...(o.etag !== undefined ? { etag: o.etag } : {}),
        ...(o.lastModified !== undefined ? { last_modified: o.lastModified } : {}),
        ...(o.title !== undefined ? { title: o.title } : {}),
        ...(o.added > 0 ? { items_added: eb('items_added', '+', o.added), last_new_at: o.at } : {}),
        failures: o.error === undefined ? 0 : eb('failures', '+', 1),
        last_error: o.error ?? null,
      }))
      .where('id', '=', id)
      .execute();
  }

  /**
   * Records the items a check saw; those never seen before go in as `status`
   * (pending: to be added; old: there when the feed was followed, never added),
   * and every one is stamped as seen now. Returns how many were new.
   */
  async see(feedId: number, items: readonly FeedItem[], status: 'pending' | 'old', at: number): Promise<number> {
    let fresh = 0;
    // In slices: one statement per item would be a round trip each in PostgreSQL.
    for (let i = 0; i < items.length; i += 200) {
      const slice = items.slice(i, i + 200);
      await this.db
        .updateTable('feed_items')
        .set({ last_seen_at: at })
        .where('feed_id', '=', feedId)
        .where('item_key', 'in', slice.map((item) => item.key))
        .execute();
      const rows = slice.map((item) => ({
        feed_id: feedId,
        item_key: item.key,
        link: item.link ?? null,
        title: item.title ?? null,
        published: item.published ?? null,
        status,
        slug: null,
        error: null,
        seen_at: at,
        last_seen_at: at,
      }));
      const r = await this.db
        .insertInto('feed_items')
        .values(rows)
        .onConflict((oc) => oc.columns(['feed_id', 'item_key']).doNothing())
        .executeTakeFirst();
      fresh += Number(r.numInsertedOrUpdatedRows ?? 0n);
    }
    return fresh;
  }

  /**
   * Forgets items the feed stopped showing: those last seen before `before`,
   * then, past `keep` records, the longest gone. Never an item still waiting to
   * be added, nor one the feed showed at its last check (last seen at or after
   * `current`): forgetting those would make them new again at the next check.
   * Returns how many records went.
   */
  async prune(feedId: number, o: { before: number; current: number; keep: number }): Promise<number> {
    const gone = this.db.selectFrom('feed_items').where('feed_id', '=', feedId).where('status', '!=', 'pending').where('last_seen_at', '<', o.current);
    const aged = await this.db
      .deleteFrom('feed_items')
      .where('feed_id', '=', feedId)
      .where('status', '!=', 'pending')
      .where('last_seen_at', '<', Math.min(o.before, o.current))
      .executeTakeFirst();
    let removed = Number(aged.numDeletedRows);
    const excess = (await this.itemCount(feedId)) - o.keep;
    if (excess > 0) {
      const oldest = gone.select('item_key').orderBy('last_seen_at').orderBy('seen_at').orderBy('item_key').limit(excess);
      const r = await this.db.deleteFrom('feed_items').where('feed_id', '=', feedId).where('item_key', 'in', oldest).executeTakeFirst();
      removed += Number(r.numDeletedRows);
    }
    return removed;
  }

  /** How many item records a feed holds (for tests and the operator). */
  async itemCount(feedId: number): Promise<number> {
    const row = await this.db.selectFrom('feed_items').select((eb) => eb.fn.countAll().as('n')).where('feed_id', '=', feedId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Items still to be added (new, or failed fewer than the allowed times), oldest first. */
  async pending(feedId: number, limit: number): Promise<StoredItem[]> {
    const rows = await this.db
      .selectFrom('feed_items')
      .selectAll()
      .where('feed_id', '=', feedId)
      .where('status', '=', 'pending')
      .orderBy(sql`coalesce(published, '')`)
      .orderBy('seen_at')
      .orderBy('item_key')
      .limit(limit)
      .execute();
    return rows.map(itemOf);
  }

  async item(feedId: number, key: string): Promise<StoredItem | undefined> {
    const row = await this.db.selectFrom('feed_items').selectAll().where('feed_id', '=', feedId).where('item_key', '=', key).executeTakeFirst();
    return row && itemOf(row);
  }

  async itemDone(feedId: number, key: string, status: 'added' | 'duplicate', slug: string): Promise<void> {
    await this.db
      .updateTable('feed_items')
      .set((eb) => ({ status, slug, error: null, attempts: eb('attempts', '+', 1) }))
      .where('feed_id', '=', feedId)
      .where('item_key', '=', key)
      .execute();
  }

  /** A failed attempt; after `maxAttempts` the item is given up on. */
  async itemFailed(feedId: number, key: string, error: string, maxAttempts: number): Promise<StoredItem> {
    await this.db
      .updateTable('feed_items')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        error,
        status: eb.case().when('attempts', '>=', maxAttempts - 1).then(sql<'failed'>`'failed'`).else(eb.ref('status')).end(),
      }))
      .where('feed_id', '=', feedId)
      .where('item_key', '=', key)
      .execute();
    return (await this.item(feedId, key))!;
  }

  /** Items waiting and items given up on, per feed, for /feed list. */
  async itemCounts(feedIds: readonly number[]): Promise<Map<number, { pending: number; failed: number }>> {
    const counts = new Map(feedIds.map((id) => [id, { pending: 0, failed: 0 }]));
    if (feedIds.length === 0) return counts;
    const rows = await this.db
      .selectFrom('feed_items')
      .select((eb) => ['feed_id', 'status', eb.fn.countAll().as('n')])
      .where('feed_id', 'in', feedIds)
      .where('status', 'in', ['pending', 'failed'])
      .groupBy(['feed_id', 'status'])
      .execute();
    for (const r of rows) {
      const c = counts.get(Number(r.feed_id));
      if (c) c[r.status as 'pending' | 'failed'] = Number(r.n);
    }
    return counts;
  }
}
