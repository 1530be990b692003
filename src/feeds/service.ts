import { randomUUID } from 'node:crypto';
import { UserError } from '../errors.js';
import { HttpStatusRefusal } from '../ingest/errors.js';
import { fetchLimited, type Fetched } from '../ingest/fetch.js';
import { checkLiteralHost } from '../ingest/guard.js';
import type { IngestService, IngestSettings, IngestSource } from '../ingest/service.js';
import type { Logger } from '../log.js';
import { FEED_ACCEPT, FeedRefusal, discoverFeeds, looksLikeHtml, parseFeedBytes, type FeedItem, type ParsedFeed } from './parse.js';
import type { Feed, FeedStore, StoredItem } from './store.js';

export const MAX_BACKFILL = 20;
/** An item whose article cannot be added is tried at this many polls, then given up on. */
export const MAX_ITEM_ATTEMPTS = 3;
/** A failing feed is asked again after twice the interval, then four times… never later than this. */
export const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;
/** Articles added per check: a feed that suddenly shows hundreds of new items catches up over a few polls. */
const ITEMS_PER_CHECK = 20;
/**
 * Item records are what keeps a feed from adding an article twice, so they are
 * kept while the feed shows the item and for this long after; an item that
 * comes back later still meets the library's duplicate check by content.
 */
export const ITEM_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
/** And at most this many per feed (past it, the longest gone go first): a feed that churns hundreds a day stays bounded. */
export const ITEMS_KEPT_PER_FEED = 1000;
/**
 * How long a check holds its feed before another process may take it over (the
 * holder died mid-check). Renewed before each item, so only one item's fetch
 * and ingest must fit in it.
 */
export const CLAIM_MS = 10 * 60 * 1000;
/** What /feed add shows of a feed's latest items. */
const LATEST_SHOWN = 5;

/** Who adds feed items: the front matter says `added_by: feed`. */
const FEED_USER = { id: 'feed', name: 'feed' };

export interface FeedSettings {
  pollMinutes: number;
  perServer: number;
}

export interface FeedServiceOptions {
  store: FeedStore;
  /** The library a server's feeds fill (the shared library for null): its ingest service. */
  ingestFor(guildId: string | null): Promise<IngestService>;
  /** Fetch limits and the private-address guard, as for /ingest. */
  fetch: Pick<IngestSettings, 'maxBytes' | 'allowPrivateUrls' | 'timeoutMs' | 'resolve' | 'isAllowed'>;
  settings: FeedSettings;
  logger?: Logger;
  now?: () => number;
  /** How long, and how many, item records are kept once the feed stops showing them (FEED_ITEM_RETENTION_DAYS, FEED_ITEMS_KEPT; default 90 days, 1,000 per feed). */
  itemRetention?: { ms: number; perFeed: number };
  /** False where nothing polls in the background (the local console): replies say how new items arrive instead. */
  polls?: boolean;
  /** Whether this process polls a server's feeds (with shards, the process that runs its shard does; default all). */
  owns?: (guildId: string | null) => boolean;
}

/** What happened to one item. */
export interface ItemReport {
  key: string;
  title?: string;
  link?: string;
  status: 'added' | 'duplicate' | 'retry' | 'failed';
  slug?: string;
  error?: string;
}

/** One check of one feed. */
export interface CheckReport {
  feedId: number;
  guildId: string | null;
  title: string;
  url: string;
  /**
   * `not-modified`: the server said 304, so nothing was downloaded or parsed.
   * `busy`: another check (in this process or another one) had the feed, or had just checked it: nothing was fetched.
   */
  outcome: 'checked' | 'not-modified' | 'failed' | 'busy';
  /** Items seen for the first time. */
  newItems: number;
  items: ItemReport[];
  error?: string;
  nextCheckAt: number;
}

export interface FollowResult {
  feed: Feed;
  format: ParsedFeed['format'];
  /** The feed's newest items, whether added or not. */
  latest: FeedItem[];
  /** The backfilled items. */
  items: ItemReport[];
  /** The page the address pointed to, when the feed was found through it. */
  discoveredFrom?: string;
}

export interface FeedListing extends Feed {
  pendingItems: number;
  failedItems: number;
}

/** The feed's error in the words /feed list shows ("The feed answered 500…", "The feed is malformed…"). */
export function describeFetchError(err: unknown): string {
  if (err instanceof HttpStatusRefusal) return `The feed address answered ${err.message.replace(/^The server answered /, '').replace(/ instead of the document\.$/, '')}.`;
  if (err instanceof UserError) return err.message.replace(/^That file/, 'The feed').replace(/that link/g, 'the feed address');
  return 'An unexpected error stopped the check (see the bot’s log).';
}

/**
 * Where in the poll interval a feed's first check falls, as a fraction in
 * [0.05, 1): its id times the golden ratio, so feeds followed one after another
 * (ids n, n+1, …) land far apart and any number of them cover the interval
 * evenly, never all due at once. Each check then schedules the next one
 * interval later, so the spread lasts.
 */
export function spreadFraction(feedId: number): number {
  return 0.05 + 0.95 * ((feedId * 0.6180339887498949) % 1);
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), if it says anything usable. */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Following sources: a server subscribes to RSS, Atom, RDF or JSON feeds, and
 * every new item's article goes through the same ingest path as /ingest (the
 * private-address guard on every hop, the size limit, Readability, dedupe by
 * content hash, the atomic write) into that server's library. Every decision
 * (seen, added, failed, when to look again) is in the database first.
 */
export class FeedService {
  private readonly checking = new Set<number>();
  private stopping = false;
  /** This service's name on the feeds it claims. */
  private readonly owner = `${process.pid}:${randomUUID()}`;

  constructor(private readonly opts: FeedServiceOptions) {}

  get settings(): FeedSettings {
    return this.opts.settings;
  }

  /** Whether a poller checks these feeds in the background (the bot), or only `dossier feed poll` does (the console). */
  get polls(): boolean {
    return this.opts.polls ?? true;
  }

  get store(): FeedStore {
    return this.opts.store;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private get intervalMs(): number {
    return this.opts.settings.pollMinutes * 60_000;
  }

  /** Checks that need no download, so /feed add can refuse before deferring. */
  async precheck(guildId: string | null, raw: string): Promise<URL> {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      throw new UserError('That is not a web address. Give the feed’s full link, such as `https://example.com/feed.xml`, or the page that advertises it.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError('Only http and https feeds can be followed.');
    checkLiteralHost(url, this.opts.fetch.allowPrivateUrls);
    const max = this.opts.settings.perServer;
    if (max === 0) throw new UserError('Following feeds is turned off on this bot (its operator set FEEDS_PER_SERVER to 0).');
    if ((await this.store.count(guildId)) >= max) {
      throw new UserError(`This server already follows ${max} feeds, the most it may (FEEDS_PER_SERVER). Remove one with \`/feed remove\` first.`);
    }
    return url;
  }

  private fetch(url: string, validators?: { etag?: string; lastModified?: string }): Promise<Fetched> {
    const f = this.opts.fetch;
    const conditional: Record<string, string> = {};
    if (validators?.etag) conditional['if-none-match'] = validators.etag;
    if (validators?.lastModified) conditional['if-modified-since'] = validators.lastModified;
    return fetchLimited(url, {
      maxBytes: f.maxBytes,
      timeoutMs: f.timeoutMs,
      guard: true,
      allowPrivate: f.allowPrivateUrls,
      resolve: f.resolve,
      isAllowed: f.isAllowed,
      headers: { accept: FEED_ACCEPT, 'user-agent': 'Dossier (feed reader)', ...conditional },
      notModified: Object.keys(conditional).length > 0,
    });
  }

  /** Fetches and parses a feed, following a web page's `<link rel="alternate">` once. */
  private async fetchFeed(raw: string): Promise<{ url: string; fetched: Fetched; parsed: ParsedFeed; page?: string }> {
    const first = await this.fetch(raw).catch((err: unknown) => {
      throw new UserError(describeFetchError(err));
    });
    if (!looksLikeHtml(first.bytes)) return { url: first.url, fetched: first, parsed: parseFeedBytes(first.bytes, first.url) };
    const [advertised] = discoverFeeds(first.bytes.toString('utf8'), first.url);
    if (!advertised) parseFeedBytes(first.bytes, first.url); // throws the "page without a feed" refusal
    const fetched = await this.fetch(advertised!).catch((err: unknown) => {
      throw new UserError(describeFetchError(err));
    });
    if (looksLikeHtml(fetched.bytes)) throw new FeedRefusal('The page advertises a feed, but that address is a web page too.');
    return { url: fetched.url, fetched, parsed: parseFeedBytes(fetched.bytes, fetched.url), page: first.url };
  }

  /**
   * Follows a feed for a server: reads it now (so a bad address is refused at
   * once, with the reason), remembers every item it shows, and adds the newest
   * `backfill` of them; the rest count as already seen.
   */
  async follow(guildId: string | null, raw: string, opts: { tags?: string[]; backfill?: number; addedBy: { id: string; name: string } }): Promise<FollowResult> {
    await this.precheck(guildId, raw);
    const backfill = Math.max(0, Math.min(MAX_BACKFILL, opts.backfill ?? 0));
    const { url, fetched, parsed, page } = await this.fetchFeed(raw);
    const existing = await this.store.byUrl(guildId, url);
    if (existing) throw new UserError(`This server already follows **${existing.title}** (${url}).`);
    // Checked again: another /feed add may have finished while this one downloaded.
    await this.precheck(guildId, raw);
    const now = this.now();
    const feed = await this.store.add({
      guildId,
      url,
      title: parsed.title.slice(0, 200),
      siteUrl: parsed.siteUrl,
      tags: opts.tags ?? [],
      addedBy: /^\d{17,20}$/.test(opts.addedBy.id) ? `${opts.addedBy.name} (${opts.addedBy.id})` : opts.addedBy.name,
      at: now,
      nextCheckAt: now + this.intervalMs,
      ...validators(fetched),
      // Held while its backfill is added, as a check holds it.
      claim: { owner: this.owner, until: now + CLAIM_MS },
    });
    // Just read: the next check falls within the interval, at the feed’s own place in it.
    const nextCheckAt = now + Math.round(this.intervalMs * spreadFraction(feed.id));
    await this.store.see(feed.id, parsed.items.slice(0, backfill), 'pending', now);
    await this.store.see(feed.id, parsed.items.slice(backfill), 'old', now);
    let items: ItemReport[];
    try {
      items = backfill ? await this.addPending(feed, parsed.items, backfill) : [];
    } finally {
      await this.store.release(feed.id, this.owner);
    }
    const added = items.filter((i) => i.status === 'added').length;
    await this.store.checked(feed.id, { at: now, nextCheckAt, added });
    this.opts.logger?.info({ guildId, feedId: feed.id, url, items: parsed.items.length, backfilled: added }, 'feed followed');
    return { feed: (await this.store.get(feed.id))!, format: parsed.format, latest: parsed.items.slice(0, LATEST_SHOWN), items, discoveredFrom: page };
  }

  /** Stops following (documents already added stay). Only the server's own feeds can be removed. */
  async unfollow(guildId: string | null, id: number): Promise<Feed> {
    const feed = await this.store.get(id);
    if (!feed || feed.guildId !== guildId) throw new UserError('This server follows no such feed. `/feed list` shows the ones it does.');
    await this.store.remove(id);
    this.opts.logger?.info({ guildId, feedId: id, url: feed.url }, 'feed removed');
    return feed;
  }

  async list(guildId: string | null): Promise<FeedListing[]> {
    const feeds = await this.store.list(guildId);
    const counts = await this.store.itemCounts(feeds.map((f) => f.id));
    return feeds.map((f) => ({ ...f, pendingItems: counts.get(f.id)?.pending ?? 0, failedItems: counts.get(f.id)?.failed ?? 0 }));
  }

  /** One server's feed, for autocomplete and the CLI: by id, or by its exact address. */
  async find(guildId: string | null, idOrUrl: string): Promise<Feed | undefined> {
    const feed = /^\d+$/.test(idOrUrl) ? await this.store.get(Number(idOrUrl)) : await this.store.byUrl(guildId, idOrUrl.trim());
    return feed && feed.guildId === guildId ? feed : undefined;
  }

  /**
   * Checks one feed: a conditional request (a 304 costs nothing more), the new
   * items recorded before any is fetched, then the pending ones added. A failed
   * check backs off: twice the interval, then four times…, at most a day, and
   * never sooner than the server's Retry-After.
   */
  async check(feed: Feed, o: { due?: boolean } = {}): Promise<CheckReport> {
    const base = { feedId: feed.id, guildId: feed.guildId, title: feed.title, url: feed.url };
    const busy: CheckReport = { ...base, outcome: 'busy', newItems: 0, items: [], nextCheckAt: feed.nextCheckAt };
    if (this.checking.has(feed.id)) return busy;
    this.checking.add(feed.id);
    let claimed: Feed | undefined;
    try {
      const now = this.now();
      // The database decides who checks: a bot and `dossier feed poll --force` (or two bots) never fetch one feed at once.
      claimed = await this.store.claim(feed.id, { owner: this.owner, now, until: now + CLAIM_MS, dueBy: o.due ? now : undefined });
      if (!claimed) {
        this.opts.logger?.debug({ feedId: feed.id }, 'feed skipped: another check has it, or has just checked it');
        return busy;
      }
      return await this.checkClaimed(claimed);
    } finally {
      this.checking.delete(feed.id);
      if (claimed) await this.store.release(feed.id, this.owner).catch((err: unknown) => this.opts.logger?.warn({ err, feedId: feed.id }, 'feed claim not released; it lapses'));
    }
  }

  /** The check itself, on the feed as the claim read it (validators another process stored meanwhile included). */
  private async checkClaimed(feed: Feed): Promise<CheckReport> {
    const base = { feedId: feed.id, guildId: feed.guildId, title: feed.title, url: feed.url };
    const at = this.now();
    let fetched: Fetched;
    let parsed: ParsedFeed;
    try {
      fetched = await this.fetch(feed.url, { etag: feed.etag, lastModified: feed.lastModified });
      parsed = fetched.status === 304 ? { format: 'rss', title: feed.title, items: [] } : parseFeedBytes(fetched.bytes, feed.url);
    } catch (err) {
      const error = describeFetchError(err);
      if (!(err instanceof UserError)) this.opts.logger?.error({ err, feedId: feed.id }, 'feed check failed unexpectedly');
      const failures = feed.failures + 1;
      const backoff = Math.min(this.intervalMs * 2 ** failures, MAX_BACKOFF_MS);
      const asked = err instanceof HttpStatusRefusal ? retryAfterMs(err.retryAfter, at) : undefined;
      const nextCheckAt = at + Math.min(Math.max(backoff, asked ?? 0), MAX_BACKOFF_MS);
      await this.store.checked(feed.id, { at, nextCheckAt, added: 0, error });
      this.opts.logger?.warn({ feedId: feed.id, url: feed.url, failures, error, nextCheckAt }, 'feed check failed; backing off');
      return { ...base, outcome: 'failed', newItems: 0, items: [], error, nextCheckAt };
    }
    const newItems = await this.store.see(feed.id, parsed.items, 'pending', at);
    // Only after a full answer: a 304 says nothing about which items the feed still shows.
    if (fetched.status !== 304) {
      const { ms, perFeed } = this.opts.itemRetention ?? { ms: ITEM_RETENTION_MS, perFeed: ITEMS_KEPT_PER_FEED };
      const pruned = await this.store.prune(feed.id, { before: at - ms, current: at, keep: perFeed });
      if (pruned) this.opts.logger?.debug({ feedId: feed.id, pruned }, 'feed items no longer in the feed forgotten');
    }
    // Items that failed at an earlier poll are tried again even when the feed itself is unchanged.
    const items = await this.addPending(feed, parsed.items, ITEMS_PER_CHECK);
    const added = items.filter((i) => i.status === 'added').length;
    const nextCheckAt = at + this.intervalMs;
    const fresh = validators(fetched);
    // A 304 leaves the validators and title as they were; a full answer replaces them, absent ones included.
    const changed = fetched.status === 304 ? {} : { etag: fresh.etag ?? null, lastModified: fresh.lastModified ?? null, title: parsed.title.slice(0, 200) };
    await this.store.checked(feed.id, { at, nextCheckAt, added, ...changed });
    if (newItems || items.length) this.opts.logger?.info({ feedId: feed.id, guildId: feed.guildId, newItems, added }, 'feed checked');
    return { ...base, title: fetched.status === 304 ? feed.title : parsed.title, outcome: fetched.status === 304 ? 'not-modified' : 'checked', newItems, items, nextCheckAt };
  }

  /** Adds up to `limit` of the feed's pending items to its server's library, oldest first. */
  private async addPending(feed: Feed, current: readonly FeedItem[], limit: number): Promise<ItemReport[]> {
    const pending = await this.store.pending(feed.id, limit);
    if (pending.length === 0) return [];
    const byKey = new Map(current.map((i) => [i.key, i]));
    const ingest = await this.opts.ingestFor(feed.guildId);
    const reports: ItemReport[] = [];
    for (const stored of pending) {
      if (this.stopping) break;
      // Each item may take a while (a slow article page): the claim is extended first, and a lost claim stops here.
      if (!(await this.store.renew(feed.id, this.owner, this.now() + CLAIM_MS))) break;
      reports.push(await this.addItem(feed, stored, byKey.get(stored.key), ingest));
    }
    return reports;
  }

  private async addItem(feed: Feed, stored: StoredItem, item: FeedItem | undefined, ingest: IngestService): Promise<ItemReport> {
    const link = item?.link ?? stored.link;
    const title = item?.title ?? stored.title;
    const published = item?.published ?? stored.published;
    const report = { key: stored.key, title, link };
    // The feed's own full text when it carries it; otherwise the article page, fetched like /ingest url:.
    const source: IngestSource | undefined = item?.content
      ? { kind: 'content', html: item.content, url: link ?? feed.url }
      : link
        ? { kind: 'url', url: link }
        : undefined;
    try {
      if (!source) throw new UserError('The item has neither a link nor any text of its own.');
      const result = await ingest.ingest({
        source,
        title,
        tags: feed.tags,
        addedBy: FEED_USER,
        front: { source: link, published: published?.slice(0, 10), feed: feed.url },
      });
      await this.store.itemDone(feed.id, stored.key, result.status, result.doc.slug);
      return { ...report, status: result.status, slug: result.doc.slug };
    } catch (err) {
      if (!(err instanceof UserError)) this.opts.logger?.error({ err, feedId: feed.id, item: stored.key }, 'feed item failed unexpectedly');
      const error = err instanceof UserError ? err.message : 'An unexpected error stopped it (see the bot’s log).';
      const after = await this.store.itemFailed(feed.id, stored.key, error, MAX_ITEM_ATTEMPTS);
      this.opts.logger?.warn({ feedId: feed.id, item: stored.key, attempts: after.attempts, error }, 'feed item not added');
      return { ...report, status: after.status === 'failed' ? 'failed' : 'retry', error };
    }
  }

  /**
   * Checks every due feed (one server's, when given), at most `concurrency`
   * at a time. Feeds already being checked are skipped. With `force` (the
   * operator's `dossier feed poll --force`) every feed is checked now, whatever
   * its schedule or backoff; a failure backs off from now, as any check does.
   */
  async pollDue(opts: { guildId?: string | null; concurrency?: number; force?: boolean } = {}): Promise<CheckReport[]> {
    const due = (await this.store.due(opts.force ? Number.MAX_SAFE_INTEGER : this.now(), opts.guildId)).filter((f) => !this.checking.has(f.id) && this.owns(f));
    const reports: CheckReport[] = [];
    let next = 0;
    const worker = async () => {
      while (next < due.length && !this.stopping) {
        const i = next++;
        // Unforced, a feed is checked only if still due when claimed: another process may have checked it since the list was read.
        reports[i] = await this.check(due[i]!, { due: !opts.force });
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 3, due.length) }, worker));
    // In the order they fell due, whichever finished first; unstarted ones (a stop) are left out.
    return reports.filter(Boolean);
  }

  /**
   * After a restart every overdue feed would be due at once: their checks are
   * spread evenly over the next interval instead, in the order they fell due.
   */
  async spreadOverdue(): Promise<void> {
    const now = this.now();
    const overdue = (await this.store.due(now)).filter((f) => this.owns(f));
    const step = this.intervalMs / Math.max(1, overdue.length);
    for (const [i, f] of overdue.entries()) await this.store.reschedule(f.id, Math.round(now + i * step));
  }

  /** The bot was removed from a server: its feeds are not polled until it is back (they stay, as do their documents). */
  async leftServer(guildId: string): Promise<number> {
    const paused = await this.store.pause([guildId], this.now());
    if (paused) this.opts.logger?.info({ guildId, feeds: paused }, 'feeds paused: the bot is no longer in their server');
    return paused;
  }

  /** The bot is in the server (again): its paused feeds are polled again, each from its own place in the interval. */
  async joinedServer(guildId: string): Promise<number> {
    return this.resume(await this.store.paused([guildId]));
  }

  /**
   * Once the gateway says which servers this process is in: the feeds of the
   * servers it runs (`owns`) but is no longer in are paused (it was removed
   * while down), and paused feeds of servers it is in again are resumed.
   */
  async syncServers(isPresent: (guildId: string) => boolean): Promise<{ paused: number; resumed: number }> {
    const servers = (await this.store.guilds()).filter((g) => this.opts.owns?.(g) ?? true);
    const gone = servers.filter((g) => !isPresent(g));
    const paused = await this.store.pause(gone, this.now());
    if (paused) this.opts.logger?.info({ servers: gone.length, feeds: paused }, 'feeds paused: the bot is no longer in their servers');
    const resumed = await this.resume(await this.store.paused(servers.filter(isPresent)));
    return { paused, resumed };
  }

  private async resume(feeds: readonly Feed[]): Promise<number> {
    const now = this.now();
    let resumed = 0;
    for (const f of feeds) if (await this.store.resume(f.id, now + Math.round(this.intervalMs * spreadFraction(f.id)))) resumed++;
    if (resumed) this.opts.logger?.info({ guildIds: [...new Set(feeds.map((f) => f.guildId))], feeds: resumed }, 'feeds resumed: the bot is back in their server');
    return resumed;
  }

  private owns(feed: Feed): boolean {
    return this.opts.owns?.(feed.guildId) ?? true;
  }

  /** No new check or item starts after this; the one in progress finishes its current download. */
  stop(): void {
    this.stopping = true;
  }
}

function header(fetched: Fetched, name: string): string | undefined {
  const v = fetched.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function validators(fetched: Fetched): { etag?: string; lastModified?: string } {
  return { etag: header(fetched, 'etag')?.slice(0, 500), lastModified: header(fetched, 'last-modified')?.slice(0, 100) };
}
