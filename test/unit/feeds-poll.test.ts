import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database, type DatabaseTarget } from '../../src/db/index.js';
import { MIGRATIONS } from '../../src/db/migrations.js';
import { CLAIM_MS, FeedService, ITEM_RETENTION_MS, MAX_BACKOFF_MS, spreadFraction, type FeedServiceOptions } from '../../src/feeds/service.js';
import { feedFromCli } from '../../src/feeds/cli.js';
import { createFeedService } from '../../src/feeds/index.js';
import { loadConfig } from '../../src/config.js';
import { FeedStore } from '../../src/feeds/store.js';
import type { IngestSettings } from '../../src/ingest/service.js';
import { Library } from '../../src/library.js';
import { librariesFor, tempDataDir } from '../helpers/bot.js';
import { BACKENDS, emptyDatabase } from '../helpers/databases.js';
import { startNewsSite, type Article, type NewsSite } from '../helpers/feeds.js';
import { LibraryManager } from '../../src/ingest/manager.js';
import { Libraries } from '../../src/tenancy/libraries.js';

const A = '300000000000000001';
const B = '300000000000000002';
const MINUTE = 60_000;
const POLL_MINUTES = 30;

/** The private-address guard stays on: the site's host name resolves to 127.0.0.1, the only address let through. */
const guarded = (): Partial<IngestSettings> => ({
  allowPrivateUrls: false,
  resolve: async (host) => (host.endsWith('.test') ? ['127.0.0.1'] : []),
  isAllowed: (address) => address === '127.0.0.1',
});

const article = (id: string, title: string, words: string, day: number): Article => ({
  id,
  title,
  published: new Date(Date.UTC(2026, 10, day, 8)).toISOString(),
  paragraphs: [
    `${title}: ${words} were the talk of the regional chamber this week, as ministers weighed the figures.`,
    `Officials said the ${words} would be reviewed again before the winter session, and traders expect a decision soon.`,
    `Analysts noted that the ${words} had not been discussed at this level for several years, which made the meeting unusual.`,
    `Provincial governors asked for the ${words} to be published in full, so that farmers and merchants could plan the coming season.`,
    `The chamber's committee will hear evidence from exporters, hauliers and bankers before it reports to the ministry in the spring.`,
  ],
});

interface World {
  dataDir: string;
  target: DatabaseTarget;
  database: Database;
  libraries: Libraries;
  feeds: FeedService;
  clock: { now: number };
}

async function world(dataDir: string, target: DatabaseTarget, clock: { now: number }, settings = guarded()): Promise<World> {
  const database = await openDatabase(target);
  const library = await Library.load(dataDir);
  const libraries = new Libraries(new LibraryManager(library), { settings: { dataDir, maxBytes: 10 * 1024 * 1024, allowPrivateUrls: false, ...settings } });
  const feeds = new FeedService({
    store: new FeedStore(database),
    ingestFor: async (guildId) => (guildId === null ? libraries.shared.ingest : (await libraries.server(guildId)).ingest),
    fetch: { maxBytes: 10 * 1024 * 1024, allowPrivateUrls: false, ...settings },
    settings: { pollMinutes: POLL_MINUTES, perServer: 3 },
    now: () => clock.now,
  });
  return { dataDir, target, database, libraries, feeds, clock };
}

/** Another FeedService on the same world's database and libraries (another process, or other options). */
const serviceOn = (w: World, options: Partial<FeedServiceOptions>) =>
  new FeedService({
    store: w.feeds.store,
    ingestFor: async (guildId) => (await w.libraries.server(guildId!)).ingest,
    fetch: { maxBytes: 10 * 1024 * 1024, ...guarded(), allowPrivateUrls: false },
    settings: { pollMinutes: POLL_MINUTES, perServer: 3 },
    now: () => w.clock.now,
    ...options,
  });

const searchIn = async (w: World, guildId: string, query: string) => (await w.libraries.server(guildId)).library().search(query, { limit: 5 }).hits.map((h) => h.point.citation);
const adder = { id: '400000000000000001', name: 'analyst' };

describe.each(BACKENDS)('following feeds (%s)', (kind) => {
  let site: NewsSite;
  let w: World;
  let dir: string;

  beforeAll(async () => {
    site = await startNewsSite();
  });
  afterAll(async () => {
    await site.close();
  });
  beforeEach(async () => {
    dir = await tempDataDir();
    w = await world(dir, await emptyDatabase(kind, dir), { now: Date.UTC(2026, 10, 29, 9) });
  });
  afterEach(async () => {
    await w.database.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN RSS, Atom and JSON feeds that change between polls THEN each new article is added once, searchable in the subscribing server only, and a restart re-adds nothing', async () => {
    site.publish(article('a1', 'Lentil tariffs in Aktobe', 'lentil tariffs', 1));
    const rss = await w.feeds.follow(A, `${site.base}/rss.xml`, { addedBy: adder });
    expect(rss.feed.title).toBe('Steppe Desk');
    expect(rss.latest.map((i) => i.title)).toEqual(['Lentil tariffs in Aktobe']);
    expect(rss.items).toEqual([]); // backfill 0: nothing old is added
    const atom = await w.feeds.follow(A, `${site.base}/atom.xml`, { addedBy: adder, tags: ['caspian'] });
    const json = await w.feeds.follow(A, `${site.base}/feed.json`, { addedBy: adder });
    expect([atom.format, json.format, rss.format]).toEqual(['atom', 'json', 'rss']);
    expect(await searchIn(w, A, 'lentil tariffs')).toEqual([]);

    site.publish(article('a2', 'Barley quotas near Atyrau', 'barley quotas', 2));
    w.clock.now += POLL_MINUTES * MINUTE;
    // One at a time, in the order they fall due (spread over the interval): the first adds the article.
    const reports = await w.feeds.pollDue({ concurrency: 1 });
    expect(reports.map((r) => [r.title, r.outcome, r.newItems]).sort()).toEqual([
      ['Caspian Review', 'checked', 1],
      ['Grain Ledger', 'checked', 1],
      ['Steppe Desk', 'checked', 1],
    ]);
    const addedBy = reports.find((r) => r.items.some((i) => i.status === 'added'))!;
    expect(addedBy).toBe(reports[0]);
    // The RSS item is a teaser, so its page was fetched; Atom and JSON Feed carried the full text.
    expect(site.count('/articles/a2.html')).toBe(1);
    const statuses = reports.flatMap((r) => r.items.map((i) => i.status));
    // The same article through three feeds: added once, the other two recognised by its content hash.
    expect(statuses.filter((s) => s === 'added')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(2);
    const found = await searchIn(w, A, 'barley quotas Atyrau');
    expect(found[0]).toMatch(/^barley-quotas-near-atyrau#p/);
    expect(await searchIn(w, B, 'barley quotas Atyrau')).not.toContain(found[0]);
    expect((await w.libraries.server(B)).documents).toEqual([]);

    // The file: front matter says where it came from, and it is in A's folder.
    const files = await readdir(path.join(dir, 'guilds', A));
    expect(files).toEqual(['barley-quotas-near-atyrau.txt']);
    const raw = await readFile(path.join(dir, 'guilds', A, files[0]!), 'utf8');
    expect(raw).toContain(`source: ${site.base}/articles/a2.html`);
    expect(raw).toContain('published: 2026-11-02');
    expect(raw).toContain(`feed: ${addedBy.url}`);
    expect(raw).toContain('added_by: feed');
    expect(raw).not.toContain('Subscribe to our newsletter'); // Readability kept the article, not the page chrome

    // Unchanged feeds: 304s, nothing downloaded, parsed or added.
    const before = site.count('/articles/a2.html');
    w.clock.now += POLL_MINUTES * MINUTE;
    const again = await w.feeds.pollDue();
    expect(again.map((r) => r.outcome)).toEqual(['not-modified', 'not-modified', 'not-modified']);
    expect(site.count('/articles/a2.html')).toBe(before);

    // A restart, and a server that now ignores validators: every item is seen again, none is re-added.
    await w.database.close();
    w = await world(dir, w.target, w.clock);
    site.conditional = false;
    try {
      w.clock.now += POLL_MINUTES * MINUTE;
      const afterRestart = await w.feeds.pollDue();
      expect(afterRestart.map((r) => [r.outcome, r.newItems, r.items.length])).toEqual([
        ['checked', 0, 0],
        ['checked', 0, 0],
        ['checked', 0, 0],
      ]);
    } finally {
      site.conditional = true;
    }
    expect(await readdir(path.join(dir, 'guilds', A))).toEqual(['barley-quotas-near-atyrau.txt']);
    const listed = await w.feeds.list(A);
    expect(listed.map((f) => [f.title, f.itemsAdded])).toEqual(['Caspian Review', 'Grain Ledger', 'Steppe Desk'].map((t) => [t, t === addedBy.title ? 1 : 0]));
    expect(listed.find((f) => f.title === addedBy.title)!.lastNewAt).toBeDefined();
  });

  it('GIVEN a database from before migration 5 THEN each item record is taken as last seen when it was first seen', async () => {
    const target = await emptyDatabase(kind, path.join(dir, 'older'));
    const older = await openDatabase(target, { migrations: MIGRATIONS.filter((m) => m.version < 5) });
    const feed = await new FeedStore(older).add({ guildId: A, url: 'https://feeds.example/a.xml', title: 'A', tags: [], addedBy: 'seed', at: 1000, nextCheckAt: 2000 });
    await older.db.insertInto('feed_items').values({ feed_id: feed.id, item_key: 'k1', link: null, title: null, published: null, status: 'added', slug: 'k1', error: null, seen_at: 1234 } as never).execute();
    await older.close();
    const current = await openDatabase(target);
    try {
      expect(await current.db.selectFrom('feed_items').select(['item_key', 'seen_at', 'last_seen_at']).execute()).toEqual([{ item_key: 'k1', seen_at: 1234, last_seen_at: 1234 }]);
    } finally {
      await current.close();
    }
  });

  it('GIVEN items a feed stopped showing THEN their records stay 90 days (a 304 prunes nothing), then go, at most the per-feed cap are kept, a returning article is not added twice, and removing the feed removes its records', async () => {
    const own = await startNewsSite('pruning.test');
    try {
      const svc = serviceOn(w, { itemRetention: { ms: ITEM_RETENTION_MS, perFeed: 4 } });
      const keys = async (id: number) => (await w.database.db.selectFrom('feed_items').select('item_key').where('feed_id', '=', id).orderBy('item_key').execute()).map((r) => r.item_key.replace('steppe-', ''));
      const poll = async (after = POLL_MINUTES * MINUTE) => {
        w.clock.now += after;
        return svc.pollDue();
      };
      own.publish(article('p1', 'Barley quotas in Atyrau', 'barley quotas', 20));
      own.publish(article('p2', 'Melon exports from Khiva', 'melon exports', 21));
      const { feed } = await svc.follow(A, `${own.base}/rss.xml`, { addedBy: adder });
      own.publish(article('p3', 'Copper tolls at Termez', 'copper tolls', 22));
      expect((await poll())[0]!.items.map((i) => i.status)).toEqual(['added']);
      const documents = (await w.libraries.server(A)).library().docs.length;

      // Gone from the feed, but not for long: kept.
      own.unpublish('p1');
      own.unpublish('p3');
      expect((await poll())[0]!.outcome).toBe('checked');
      expect(await keys(feed.id)).toEqual(['p1', 'p2', 'p3']);
      // Ninety days on, the feed unchanged: a 304 says nothing about what it shows, so nothing goes.
      expect((await poll(ITEM_RETENTION_MS))[0]!.outcome).toBe('not-modified');
      expect(await keys(feed.id)).toEqual(['p1', 'p2', 'p3']);
      // The next full answer forgets what has been gone for ninety days; what it shows stays.
      own.publish(article('p4', 'Salt levies in Aralsk', 'salt levies', 23));
      expect((await poll())[0]!.items.map((i) => [i.status, i.slug])).toEqual([['added', 'salt-levies-in-aralsk']]);
      expect(await keys(feed.id)).toEqual(['p2', 'p4']);

      // A forgotten article that comes back is seen as new, and the library's duplicate check keeps it out.
      own.publish(article('p3', 'Copper tolls at Termez', 'copper tolls', 22));
      expect((await poll())[0]!.items.map((i) => [i.status, i.slug])).toEqual([['duplicate', 'copper-tolls-at-termez']]);
      expect((await w.libraries.server(A)).library().docs.length).toBe(documents + 1);

      // Past the cap (4 here), the items gone longest go first; what the feed shows is never pruned.
      for (const id of ['p2', 'p3', 'p4']) own.unpublish(id);
      own.publish(article('p5', 'Wool prices in Osh', 'wool prices', 24));
      own.publish(article('p6', 'Cotton credits in Fergana', 'cotton credits', 25));
      await poll();
      expect(await keys(feed.id)).toEqual(['p3', 'p4', 'p5', 'p6']);

      await svc.unfollow(A, feed.id);
      expect(await w.feeds.store.itemCount(feed.id)).toBe(0);
    } finally {
      await own.close();
    }
  });

  it('GIVEN FEED_ITEM_RETENTION_DAYS and FEED_ITEMS_KEPT THEN the bot keeps item records that long and that many (defaults 90 days, 1,000)', async () => {
    expect(loadConfig({}, '/srv').feeds).toMatchObject({ itemRetentionDays: 90, itemsKept: 1000 });
    const feeds = createFeedService({
      database: w.database,
      libraries: w.libraries,
      settings: { dataDir: dir, maxBytes: 10 * 1024 * 1024, ...guarded(), allowPrivateUrls: false },
      feeds: loadConfig({ FEED_ITEM_RETENTION_DAYS: '7', FEED_ITEMS_KEPT: '10' }, '/srv').feeds,
      now: () => w.clock.now,
    });
    const own = await startNewsSite('retention.test');
    try {
      own.publish(article('r1', 'Barley quotas in Atyrau', 'barley quotas', 20));
      own.publish(article('r2', 'Melon exports from Khiva', 'melon exports', 21));
      const { feed } = await feeds.follow(A, `${own.base}/rss.xml`, { addedBy: adder });
      own.unpublish('r1');
      w.clock.now += 6 * 24 * 60 * MINUTE;
      own.publish(article('r3', 'Copper tolls at Termez', 'copper tolls', 22));
      await feeds.pollDue({ force: true });
      expect(await feeds.store.item(feed.id, 'steppe-r1')).toBeDefined();
      // Gone for more than seven days: forgotten at the next full answer.
      w.clock.now += 2 * 24 * 60 * MINUTE;
      own.publish(article('r4', 'Salt levies in Aralsk', 'salt levies', 23));
      await feeds.pollDue({ force: true });
      expect(await feeds.store.item(feed.id, 'steppe-r1')).toBeUndefined();
      expect(await feeds.store.item(feed.id, 'steppe-r2')).toBeDefined();
    } finally {
      await own.close();
    }
  });

  it('GIVEN feeds followed at the same moment THEN their next checks are spread over the interval, not all due at once, and stay spread poll after poll', async () => {
    const servers = Array.from({ length: 8 }, (_, i) => `30000000000000010${i}`);
    for (const g of servers) await w.feeds.follow(g, `${site.base}/rss.xml`, { addedBy: adder });
    const interval = POLL_MINUTES * MINUTE;
    const start = w.clock.now;
    const dueTimes = async () => (await Promise.all(servers.map(async (g) => (await w.feeds.list(g))[0]!.nextCheckAt))).sort((a, b) => a - b);
    /** The widest stretch of the interval with no check in it (wrapping around). */
    const widestGap = (times: number[]) => Math.max(...times.map((t, i) => (i + 1 < times.length ? times[i + 1]! - t : times[0]! + interval - t)));
    const first = await dueTimes();
    expect(new Set(first).size).toBe(servers.length);
    expect(first[0]!).toBeGreaterThan(start);
    expect(first.at(-1)!).toBeLessThan(start + interval);
    // Eight feeds, eight places: no stretch of the interval is left without a check for more than a quarter of it.
    expect(widestGap(first)).toBeLessThan(interval / 4);
    // Polled every minute for two intervals: each feed is checked in its own minute, about once an interval.
    const checkedAt = new Map<number, number[]>();
    for (let minute = 1; minute <= 2 * POLL_MINUTES; minute++) {
      w.clock.now = start + minute * MINUTE;
      const reports = await w.feeds.pollDue();
      expect(reports.length).toBeLessThanOrEqual(2);
      for (const r of reports) checkedAt.set(r.feedId, [...(checkedAt.get(r.feedId) ?? []), minute]);
    }
    expect([...checkedAt.values()].map((m) => m.length)).toEqual(servers.map(() => 2));
    expect(widestGap((await dueTimes()).map((t) => t - w.clock.now))).toBeLessThan(interval / 4);
  });

  it('GIVEN feeds followed one after another THEN the spread of their places in the interval stays even however many there are', () => {
    for (const n of [2, 5, 25, 200]) {
      const places = Array.from({ length: n }, (_, i) => spreadFraction(i + 1)).sort((a, b) => a - b);
      expect(places[0]!).toBeGreaterThanOrEqual(0.05);
      expect(places.at(-1)!).toBeLessThan(1);
      const gaps = places.slice(1).map((p, i) => p - places[i]!);
      // Golden-ratio steps: the widest gap is under three times the even share, never a clump.
      expect(Math.max(...gaps)).toBeLessThan((3 * 0.95) / n);
    }
  });

  it('GIVEN two pollers on one database (a bot and `dossier feed poll --force` beside it, or two bots) THEN each feed is fetched by one of them only', async () => {
    // One server each: two processes' libraries only meet through the files, so each article has one way in.
    await w.feeds.follow(A, `${site.base}/rss.xml`, { addedBy: adder });
    await w.feeds.follow(B, `${site.base}/atom.xml`, { addedBy: adder });
    await w.feeds.follow('300000000000000003', `${site.base}/feed.json`, { addedBy: adder });
    // Another process: its own connection to the same database file (or server).
    const other = await world(dir, w.target, w.clock);
    try {
      const fetches = () => ['/rss.xml', '/atom.xml', '/feed.json'].map((p) => site.count(p));
      site.publish(article('p1', 'Sorghum prices in Kassala', 'sorghum prices', 20));
      w.clock.now += POLL_MINUTES * MINUTE;
      const before = fetches();
      const [mine, theirs] = await Promise.all([w.feeds.pollDue(), other.feeds.pollDue()]);
      expect(fetches().map((n, i) => n - before[i]!)).toEqual([1, 1, 1]);
      const checked = [...mine, ...theirs].filter((r) => r.outcome !== 'busy');
      expect(checked.map((r) => r.feedId).sort()).toEqual([...new Set(checked.map((r) => r.feedId))].sort());
      expect(checked).toHaveLength(3);
      expect(checked.flatMap((r) => r.items).filter((i) => i.status === 'added')).toHaveLength(3);

      // The operator's forced poll while the bot's scheduled checks are still downloading (a slow site): it fetches none of them.
      site.publish(article('p2', 'Teff exports from Gondar', 'teff exports', 21));
      w.clock.now += POLL_MINUTES * MINUTE;
      const again = fetches();
      const release = site.hold();
      const scheduled = w.feeds.pollDue();
      await vi.waitFor(() => expect(fetches().map((n, i) => n - again[i]!)).toEqual([1, 1, 1]), { timeout: 10_000 });
      const forced = await other.feeds.pollDue({ force: true });
      expect(forced.map((r) => r.outcome)).toEqual(['busy', 'busy', 'busy']);
      expect(fetches().map((n, i) => n - again[i]!)).toEqual([1, 1, 1]);
      release();
      expect((await scheduled).map((r) => r.outcome)).toEqual(['checked', 'checked', 'checked']);
      expect((await readdir(path.join(dir, 'guilds', A))).filter((f) => f.startsWith('teff-exports'))).toEqual(['teff-exports-from-gondar.txt']);
      // Once the checks are done and their claims released, a forced poll fetches again (the operator asked for now).
      expect((await other.feeds.pollDue({ force: true })).map((r) => r.outcome)).toEqual(['not-modified', 'not-modified', 'not-modified']);
    } finally {
      await other.database.close();
    }
  });

  it('GIVEN a claim left by a process that died mid-check THEN the feed is skipped until the claim lapses, then checked', async () => {
    await w.feeds.follow(A, `${site.base}/rss.xml`, { addedBy: adder });
    const [feed] = await w.feeds.list(A);
    expect(await w.feeds.store.claim(feed!.id, { owner: 'dead-process', now: w.clock.now, until: w.clock.now + CLAIM_MS })).toBeDefined();
    w.clock.now += CLAIM_MS - MINUTE;
    const fetched = site.count('/rss.xml');
    expect((await w.feeds.pollDue({ force: true })).map((r) => r.outcome)).toEqual(['busy']);
    expect(site.count('/rss.xml')).toBe(fetched);
    w.clock.now = feed!.addedAt + CLAIM_MS;
    expect((await w.feeds.pollDue({ force: true })).map((r) => r.outcome)).toEqual(['not-modified']);
    // Released after the check: the next one needs no lapse.
    expect((await w.feeds.pollDue({ force: true })).map((r) => r.outcome)).toEqual(['not-modified']);
  });

  it('GIVEN the bot removed from a server THEN its feeds pause (not polled, even by --force; listed as paused), and resume, spread over the interval, when it is back', async () => {
    await w.feeds.follow(A, `${site.base}/rss.xml`, { addedBy: adder });
    await w.feeds.follow(B, `${site.base}/atom.xml`, { addedBy: adder });
    await w.feeds.follow(null, `${site.base}/feed.json`, { addedBy: adder });
    // Start-up: the gateway says the bot is in A only; the shared library's feeds never pause.
    expect(await w.feeds.syncServers((g) => g === A)).toEqual({ paused: 1, resumed: 0 });
    const pausedAt = w.clock.now;
    w.clock.now += 2 * POLL_MINUTES * MINUTE;
    expect((await w.feeds.pollDue()).map((r) => r.guildId).sort()).toEqual([A, null].sort());
    expect((await w.feeds.pollDue({ force: true })).map((r) => r.guildId)).not.toContain(B);
    const [listed] = await w.feeds.list(B);
    expect(listed!.pausedAt).toBe(pausedAt);
    const lines: string[] = [];
    await feedFromCli('list', '', w.feeds, { guildId: B, write: (t) => lines.push(t) });
    expect(lines.join('\n')).toContain(`paused since ${new Date(pausedAt).toISOString()} (the bot is not in this server`);
    lines.length = 0;
    await feedFromCli('poll', '', w.feeds, { guildId: B, force: true, write: (t) => lines.push(t) });
    expect(lines).toEqual(['1 paused feed not checked: the bot is no longer in its server (checks resume when it is invited back).']);
    // Removed from A too while running (guildDelete), then invited back into B (guildCreate).
    expect(await w.feeds.leftServer(A)).toBe(1);
    expect(await w.feeds.pollDue({ force: true })).toHaveLength(1);
    expect(await w.feeds.joinedServer(B)).toBe(1);
    const resumed = (await w.feeds.list(B))[0]!;
    expect(resumed.pausedAt).toBeUndefined();
    expect(resumed.nextCheckAt).toBeGreaterThan(w.clock.now);
    expect(resumed.nextCheckAt).toBeLessThan(w.clock.now + POLL_MINUTES * MINUTE);
    w.clock.now = resumed.nextCheckAt;
    expect((await w.feeds.pollDue()).map((r) => r.guildId)).toEqual([B]);
    // A second start-up with the bot in both: A resumes too, nothing is paused.
    expect(await w.feeds.syncServers(() => true)).toEqual({ paused: 0, resumed: 1 });
  });
});

describe('following feeds: refusals, backoff and retries', () => {
  let site: NewsSite;
  let w: World;
  let dir: string;

  beforeAll(async () => {
    site = await startNewsSite();
    site.publish(article('b1', 'Cotton exports from Turkestan', 'cotton exports', 3));
    site.publish(article('b2', 'Rail freight to Lanzhou', 'rail freight', 4));
  });
  afterAll(async () => {
    await site.close();
  });
  beforeEach(async () => {
    dir = await tempDataDir();
    w = await world(dir, await emptyDatabase('sqlite', dir), { now: Date.UTC(2026, 10, 29, 9) });
  });
  afterEach(async () => {
    await w.database.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN a web page that advertises its feed THEN the feed is followed, and backfill adds the newest items', async () => {
    const r = await w.feeds.follow(A, `${site.base}/`, { addedBy: adder, backfill: 1 });
    expect(r.discoveredFrom).toBe(`${site.base}/`);
    expect(r.feed.url).toBe(`${site.base}/rss.xml`);
    expect(r.items.map((i) => [i.title, i.status])).toEqual([['Rail freight to Lanzhou', 'added']]);
    expect(await searchIn(w, A, 'rail freight Lanzhou')).not.toEqual([]);
    expect((await searchIn(w, A, 'cotton exports Turkestan')).filter((c) => c.startsWith('cotton'))).toEqual([]);
    await expect(w.feeds.follow(A, `${site.base}/rss.xml`, { addedBy: adder })).rejects.toThrow('already follows **Steppe Desk**');
  });

  it.each([
    ['/bomb.xml', 'XML bomb'],
    ['/huge.xml', 'larger than the limit of 10.0 MB'],
    ['/broken.xml', 'malformed'],
    ['/plain.html', 'does not advertise a feed'],
    ['/to-private.xml', 'private, local or internal network address'],
    ['/status.xml', 'answered 500'],
  ])('GIVEN %s THEN following it is refused with the reason in words, and nothing is stored', async (route, reason) => {
    await expect(w.feeds.follow(A, `${site.base}${route}`, { addedBy: adder })).rejects.toThrow(reason);
    expect(await w.feeds.list(A)).toEqual([]);
  });

  it('GIVEN a followed feed that turns hostile or fails THEN the check fails with the error in words, backs off doubling up to a day, honours Retry-After, and recovers', async () => {
    await w.feeds.follow(A, `${site.base}/rss.xml`, { addedBy: adder });
    const [feed] = await w.feeds.list(A);
    const db = w.database.db;
    const rssRequests = site.count('/rss.xml');
    const pointAt = (route: string) => db.updateTable('feeds').set({ url: `${site.base}${route}`, etag: null, last_modified: null }).where('id', '=', feed!.id).execute();

    for (const [route, reason] of [
      ['/bomb.xml', 'XML bomb'],
      ['/huge.xml', 'larger than the limit'],
      ['/to-private.xml', 'private, local or internal network address'],
    ]) {
      await pointAt(route!);
      const [report] = await w.feeds.check((await w.feeds.store.get(feed!.id))!).then((r) => [r]);
      expect(report!.outcome).toBe('failed');
      expect(report!.error).toContain(reason);
      expect((await w.feeds.list(A))[0]!.lastError).toContain(reason);
    }
    // The redirect's target was never contacted.
    expect(site.count('/rss.xml')).toBe(rssRequests);

    await pointAt('/status.xml');
    site.status = { code: 500 };
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const f = (await w.feeds.store.get(feed!.id))!;
      w.clock.now = f.nextCheckAt;
      const reports = await w.feeds.pollDue();
      expect(reports).toHaveLength(1);
      expect(reports[0]!.error).toBe('The feed address answered 500 Internal Server Error.');
      delays.push(reports[0]!.nextCheckAt - w.clock.now);
      // Not due again before its time: a poll now checks nothing.
      expect(await w.feeds.pollDue()).toEqual([]);
    }
    // Three failures came before (bomb, huge, private): 2^4…, capped at a day.
    const interval = POLL_MINUTES * MINUTE;
    expect(delays).toEqual([16 * interval, 32 * interval, MAX_BACKOFF_MS, MAX_BACKOFF_MS, MAX_BACKOFF_MS, MAX_BACKOFF_MS, MAX_BACKOFF_MS]);

    // Back to health, then a 503 asking for two hours: the first failure's backoff (an hour) would be sooner.
    await pointAt('/rss.xml');
    w.clock.now = (await w.feeds.store.get(feed!.id))!.nextCheckAt;
    expect((await w.feeds.pollDue())[0]!.outcome).toBe('checked');
    const healthy = (await w.feeds.list(A))[0]!;
    expect([healthy.failures, healthy.lastError]).toEqual([0, undefined]);
    await pointAt('/status.xml');
    site.status = { code: 503, retryAfter: '7200' };
    w.clock.now = healthy.nextCheckAt;
    const [asked] = await w.feeds.pollDue();
    expect(asked!.nextCheckAt - w.clock.now).toBe(7200 * 1000);
  });

  it('GIVEN force (`dossier feed poll --force`) THEN every feed is checked now, whatever its schedule or backoff (a healthy answer ends the backoff)', async () => {
    await w.feeds.follow(A, `${site.base}/rss.xml`, { addedBy: adder });
    await w.feeds.follow(B, `${site.base}/atom.xml`, { addedBy: adder });
    const [rss] = await w.feeds.list(A);
    // Backing off: its next check is a day away.
    await w.database.db.updateTable('feeds').set({ failures: 5, next_check_at: w.clock.now + MAX_BACKOFF_MS }).where('id', '=', rss!.id).execute();
    site.publish(article('f1', 'Cotton levies in Multan', 'cotton levies', 28));
    expect(await w.feeds.pollDue()).toEqual([]);
    const forced = await w.feeds.pollDue({ guildId: A, force: true });
    expect(forced.map((r) => [r.guildId, r.outcome, r.items.map((i) => i.slug)])).toEqual([[A, 'checked', ['cotton-levies-in-multan']]]);
    expect((await w.feeds.list(A))[0]).toMatchObject({ failures: 0, nextCheckAt: w.clock.now + POLL_MINUTES * MINUTE });
    // Without a server: every server's feeds.
    expect((await w.feeds.pollDue({ force: true })).map((r) => r.guildId).sort()).toEqual([A, B]);
  });

  it('GIVEN an item whose page fails THEN it is retried at the next polls, three times at most, even while the feed is unchanged', async () => {
    await w.feeds.follow(A, `${site.base}/rss.xml`, { addedBy: adder });
    const [feed] = await w.feeds.list(A);
    // An item linking to a page that does not exist.
    await w.feeds.store.see(feed!.id, [{ key: 'gone', link: `${site.base}/articles/gone.html`, title: 'Gone' }], 'pending', w.clock.now);
    const attempts: string[] = [];
    for (let i = 0; i < 4; i++) {
      w.clock.now += POLL_MINUTES * MINUTE;
      const [report] = await w.feeds.pollDue();
      expect(report!.outcome).toBe('not-modified');
      attempts.push(...report!.items.map((it) => it.status));
    }
    expect(attempts).toEqual(['retry', 'retry', 'failed']);
    expect(site.count('/articles/gone.html')).toBe(3);
    expect((await w.feeds.list(A))[0]!.failedItems).toBe(1);
  });

  it('GIVEN FEEDS_PER_SERVER feeds THEN one more is refused before anything is fetched; removing one makes room, and only in its own server', async () => {
    for (const route of ['/rss.xml', '/atom.xml', '/feed.json']) await w.feeds.follow(A, `${site.base}${route}`, { addedBy: adder });
    const fetched = site.seen.length;
    await expect(w.feeds.follow(A, `${site.base}/other.xml`, { addedBy: adder })).rejects.toThrow('already follows 3 feeds');
    expect(site.seen.length).toBe(fetched);
    const [first] = await w.feeds.list(A);
    await expect(w.feeds.unfollow(B, first!.id)).rejects.toThrow('follows no such feed');
    await w.feeds.unfollow(A, first!.id);
    expect(await w.feeds.list(A)).toHaveLength(2);
    // B has its own allowance, and its own copy of the same feed.
    await w.feeds.follow(B, `${site.base}/rss.xml`, { addedBy: adder });
    expect((await w.feeds.list(B)).map((f) => f.title)).toEqual(['Steppe Desk']);
  });

  it('GIVEN shards THEN a process polls only the feeds of the servers it runs', async () => {
    await w.feeds.follow(A, `${site.base}/rss.xml`, { addedBy: adder });
    await w.feeds.follow(B, `${site.base}/atom.xml`, { addedBy: adder });
    const runsA = serviceOn(w, { owns: (guildId) => guildId === A });
    w.clock.now += POLL_MINUTES * MINUTE;
    expect((await runsA.pollDue()).map((r) => r.guildId)).toEqual([A]);
    expect((await w.feeds.pollDue()).map((r) => r.guildId)).toEqual([B]);
  });
});
