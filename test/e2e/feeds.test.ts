import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../../src/db/index.js';
import type { Scheduler } from '../../src/digest/scheduler.js';
import { startDigest } from '../../src/discord/digest.js';
import { FeedService } from '../../src/feeds/service.js';
import { silentLogger } from '../../src/log.js';
import { FeedStore, type Feed } from '../../src/feeds/store.js';
import { feedFromCli } from '../../src/feeds/cli.js';
import { followServerPresence } from '../../src/discord/feed-servers.js';
import type { IngestSettings } from '../../src/ingest/service.js';
import type { InteractionCtx } from '../fake-discord/types.js';
import { registerCommands } from '../helpers/bot.js';
import { emptyDatabase } from '../helpers/databases.js';
import { startNewsSite, type Article, type NewsSite } from '../helpers/feeds.js';
import { startIngestHarness, type IngestHarness } from '../helpers/ingest.js';
import { expectSentSafely, shown } from '../helpers/replies.js';
import type { StoredMessage } from '../fake-discord/types.js';

/**
 * /feed through the real discord.js client and the fake Discord: a server
 * follows a loopback news site, its new articles become searchable there and
 * nowhere else, and /feed list tells what each feed is doing.
 */

const POLL_MINUTES = 30;
const guard: Partial<IngestSettings> = {
  allowPrivateUrls: false,
  resolve: async (host) => (host.endsWith('.test') ? ['127.0.0.1'] : []),
  isAllowed: (address) => address === '127.0.0.1',
};

let h: IngestHarness;
let site: NewsSite;
let database: Database;
let feeds: FeedService;
let b: { guildId: string; channelId: string };
let scheduler: Scheduler;
let departed: Feed;
const DEPARTED = '300000000000009999';
const clock = { now: Date.now() };

const inB = (): InteractionCtx => ({ guildId: b.guildId, channelId: b.channelId });


const article = (id: string, title: string, words: string): Article => ({
  id,
  title,
  published: new Date(clock.now - 3_600_000).toISOString(),
  paragraphs: [
    `${title}: the ${words} dominated the week in the provincial chamber, where deputies asked for the full figures.`,
    `Ministers promised that the ${words} would be published before the spring session, after a review by the treasury.`,
    `Merchants along the river said the ${words} mattered more to them than any other measure discussed this year.`,
  ],
});

async function search(query: string, ctx?: InteractionCtx): Promise<string> {
  return shown(await h.fake.sendCommand('search', { query }, ctx)).content;
}

beforeAll(async () => {
  site = await startNewsSite();
  site.publish(article('c1', 'Saffron duties in Herat', 'saffron duties'));
  h = await startIngestHarness(guard);
  database = await openDatabase(await emptyDatabase('sqlite', h.dataDir));
  const { libraries } = h.services;
  feeds = new FeedService({
    store: new FeedStore(database),
    ingestFor: async (guildId) => (guildId === null ? libraries.shared.ingest : (await libraries.server(guildId)).ingest),
    fetch: { maxBytes: 10 * 1024 * 1024, ...guard, allowPrivateUrls: false },
    settings: { pollMinutes: POLL_MINUTES, perServer: 25 },
    now: () => clock.now,
  });
  h.commandServices.feeds = feeds;
  // As src/main.ts wires it: each server's brief reads its own view, which feeds add to.
  const digest = startDigest({ db: database, client: h.bot.client, libraryFor: async (guildId) => (await libraries.scope(guildId)).library(), logger: silentLogger, tickMs: 3_600_000 });
  scheduler = digest.scheduler;
  h.commandServices.digest = digest.service;
  b = h.fake.addGuild('Team B');
  await registerCommands(h.fake, b.guildId);
  // A server that removed the bot while it was down: its feed is still on record.
  departed = await feeds.store.add({ guildId: DEPARTED, url: `${site.base}/atom.xml`, title: 'Caspian Review', tags: [], addedBy: 'seed', at: clock.now, nextCheckAt: clock.now });
  // As src/main.ts wires it: feeds follow the bot in and out of servers, and start-up compares.
  await followServerPresence({ client: h.bot.client, ready: h.bot.ready, feeds, logger: silentLogger });
});

afterAll(async () => {
  expect(h.fake.unmatchedRequests()).toEqual([]);
  expect(expectSentSafely(h.fake)).toBeGreaterThan(20);
  await scheduler.stop();
  await database.close();
  await h.close();
  await site.close();
});

describe('/feed', () => {
  it('GIVEN /feed add with a page that advertises its feed THEN the reply names the feed and its latest items, and backfill adds the newest', async () => {
    const res = await h.fake.sendCommand('feed', { url: `${site.base}/`, backfill: 1, tags: 'afghanistan' }, { subcommand: 'add' });
    expect(res.deferred).toBe(true);
    const { content, ephemeral } = shown(res);
    expect(ephemeral).toBe(false);
    expect(content).toContain('📡 Following **Steppe Desk** (RSS)');
    expect(content).toContain(`Found through the page \`${site.base}/\``);
    expect(content).toContain(`- Saffron duties in Herat <${site.base}/articles/c1.html>`);
    expect(content).toContain('Added now: `saffron-duties-in-herat`');
    expect(content.length).toBeLessThanOrEqual(2000);
    expect(await search('saffron duties Herat')).toContain('saffron-duties-in-herat#p');
    expect(await search('saffron duties Herat', inB())).not.toContain('saffron-duties-in-herat');
  });

  it('GIVEN a new article and a poll THEN it is searchable in the following server only, the next brief quotes it, and /feed list says when it came', async () => {
    const before = shown(await h.fake.sendCommand('digest', {}, { subcommand: 'now' })).content;
    expect(before).toContain('saffron-duties-in-herat#');
    site.publish(article('c2', 'Pistachio harvest near Kandahar', 'pistachio harvest'));
    clock.now += POLL_MINUTES * 60_000;
    const [report] = await feeds.pollDue();
    expect(report!.items.map((i) => [i.status, i.slug])).toEqual([['added', 'pistachio-harvest-near-kandahar']]);
    expect(await search('pistachio harvest Kandahar')).toContain('pistachio-harvest-near-kandahar#p');
    expect(await search('pistachio harvest Kandahar', inB())).not.toContain('pistachio-harvest');
    // The next daily brief reports the new article with quotes from it, and B's brief knows nothing of it.
    const brief = shown(await h.fake.sendCommand('digest', {}, { subcommand: 'now' })).content;
    expect(brief).toContain('📄 Pistachio harvest near Kandahar');
    expect(brief).toContain(`<${site.base}/articles/c2.html>`);
    const cited = [...brief.matchAll(/-# `([^`]+)`/g)].map((m) => m[1]!);
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.every((c) => c.startsWith('pistachio-harvest-near-kandahar#'))).toBe(true);
    expect(shown(await h.fake.sendCommand('digest', {}, { ...inB(), subcommand: 'now' })).content).not.toMatch(/pistachio|saffron/i);

    const { content } = shown(await h.fake.sendCommand('feed', {}, { subcommand: 'list' }));
    expect(content).toContain('📡 1 feed followed here (at most 25) · each checked every 30 minutes');
    expect(content).toMatch(/\*\*Steppe Desk\*\* `#\d+` — 2 articles added · last new <t:\d+:R> · checked <t:\d+:R>/);
    expect(content).not.toContain('⚠️');
    expect(shown(await h.fake.sendCommand('feed', {}, { ...inB(), subcommand: 'list' })).content).toContain('This server follows no feeds yet');
  });

  it('GIVEN hostile or broken feeds THEN /feed add refuses each privately with the reason, and nothing is followed', async () => {
    for (const [route, reason] of [
      ['/bomb.xml', 'XML bomb'],
      ['/huge.xml', 'larger than the limit'],
      ['/to-private.xml', 'private, local or internal network address'],
      ['/plain.html', 'does not advertise a feed'],
    ]) {
      const { content, ephemeral } = shown(await h.fake.sendCommand('feed', { url: `${site.base}${route}` }, { subcommand: 'add' }));
      expect(ephemeral).toBe(true);
      expect(content).toContain(reason);
    }
    const literal = shown(await h.fake.sendCommand('feed', { url: 'http://10.0.0.1/feed.xml' }, { subcommand: 'add' }));
    expect(literal).toEqual({ content: expect.stringContaining('private, local or internal network address'), ephemeral: true });
    expect((await feeds.list(h.fake.guildId)).map((f) => f.title)).toEqual(['Steppe Desk']);
  });

  it('GIVEN a feed that starts failing THEN /feed list shows the error in words and the backoff', async () => {
    const [steppe] = await feeds.list(h.fake.guildId);
    await database.db.updateTable('feeds').set({ url: `${site.base}/status.xml` }).where('id', '=', steppe!.id).execute();
    site.status = { code: 500 };
    clock.now += POLL_MINUTES * 60_000;
    await feeds.pollDue();
    const { content } = shown(await h.fake.sendCommand('feed', {}, { subcommand: 'list' }));
    expect(content).toMatch(/⚠️ The feed address answered 500 Internal Server Error\. \(1 failed check in a row, backing off; next try <t:\d+:R>\)/);
    await database.db.updateTable('feeds').set({ url: steppe!.url }).where('id', '=', steppe!.id).execute();
  });

  it('GIVEN members without Manage Server or the analyst role, or a direct message THEN every /feed subcommand is refused privately', async () => {
    for (const [sub, options] of [
      ['add', { url: `${site.base}/atom.xml` }],
      ['list', {}],
      ['remove', { feed: '1' }],
    ] as const) {
      const res = await h.fake.sendCommand('feed', options, { subcommand: sub, permissions: '0' });
      expect(res.deferred).toBe(false);
      expect(shown(res)).toEqual({ content: expect.stringContaining('You need the Manage Server permission (or the analyst role)'), ephemeral: true });
    }
    const dm = shown(await h.fake.sendCommand('feed', {}, { guildId: null, subcommand: 'list' }));
    expect(dm).toEqual({ content: 'Feeds are followed per server: use `/feed` in a server channel.', ephemeral: true });
    expect(await feeds.list(h.fake.guildId)).toHaveLength(1);
  });

  it('GIVEN /feed remove THEN autocomplete offers this server’s feeds only, another server cannot remove it, and removing keeps its articles', async () => {
    const [steppe] = await feeds.list(h.fake.guildId);
    const { choices } = await h.fake.sendAutocomplete('feed', { feed: 'step' }, 'feed', { subcommand: 'remove' });
    expect(choices).toEqual([{ name: `Steppe Desk — ${steppe!.url}`, value: String(steppe!.id) }]);
    const inOther = await h.fake.sendAutocomplete('feed', { feed: '' }, 'feed', { ...inB(), subcommand: 'remove' });
    expect(inOther.choices).toEqual([]);

    const forged = shown(await h.fake.sendCommand('feed', { feed: String(steppe!.id) }, { ...inB(), subcommand: 'remove' }));
    expect(forged).toEqual({ content: expect.stringContaining('follows no such feed'), ephemeral: true });
    expect(await feeds.list(h.fake.guildId)).toHaveLength(1);

    const removed = shown(await h.fake.sendCommand('feed', { feed: String(steppe!.id) }, { subcommand: 'remove' }));
    expect(removed.content).toContain('🗑️ Stopped following **Steppe Desk**');
    expect(removed.content).toContain('The 2 articles it added stay in the library');
    expect(await feeds.list(h.fake.guildId)).toEqual([]);
    expect(await search('pistachio harvest Kandahar')).toContain('pistachio-harvest-near-kandahar#p');
  });

  it('GIVEN the bot removed from a server (GUILD_DELETE) THEN its feeds pause: not polled, listed as paused; invited back (GUILD_CREATE) they resume; a server it left while down is paused at start', async () => {
    // Start-up: the gateway's servers do not include the one that left while the bot was down.
    expect((await feeds.store.get(departed.id))!.pausedAt).toBeDefined();
    const d = h.fake.addGuild('Team D');
    await registerCommands(h.fake, d.guildId);
    const followed = shown(await h.fake.sendCommand('feed', { url: `${site.base}/rss.xml` }, { guildId: d.guildId, channelId: d.channelId, subcommand: 'add' }));
    expect(followed.content).toContain('📡 Following **Steppe Desk**');
    const [feed] = await feeds.list(d.guildId);
    expect(feed!.pausedAt).toBeUndefined();

    h.fake.removeGuild(d.guildId);
    await vi.waitFor(async () => expect((await feeds.list(d.guildId))[0]!.pausedAt).toBeDefined(), { timeout: 10_000 });
    clock.now += 2 * POLL_MINUTES * 60_000;
    const fetched = site.seen.length;
    // D's feed and the departed server's are the only ones followed now: nothing is due.
    expect(await feeds.pollDue()).toEqual([]);
    expect(site.seen.length).toBe(fetched);
    // The operator's list says why the feed is quiet.
    const lines: string[] = [];
    await feedFromCli('list', '', feeds, { guildId: d.guildId, write: (t) => lines.push(t) });
    expect(lines.join('\n')).toContain('paused since');
    expect(lines.join('\n')).toContain('the bot is not in this server');

    h.fake.restoreGuild(d.guildId);
    await vi.waitFor(async () => expect((await feeds.list(d.guildId))[0]!.pausedAt).toBeUndefined(), { timeout: 10_000 });
    const { content } = shown(await h.fake.sendCommand('feed', {}, { guildId: d.guildId, channelId: d.channelId, subcommand: 'list' }));
    expect(content).not.toContain('Paused');
    clock.now = (await feeds.list(d.guildId))[0]!.nextCheckAt;
    const fetchedBefore = site.count('/rss.xml');
    expect((await feeds.pollDue()).map((r) => [r.guildId, r.outcome])).toEqual([[d.guildId, 'not-modified']]);
    expect(site.count('/rss.xml')).toBe(fetchedBefore + 1);
    // Still paused: the bot was never invited back there.
    expect((await feeds.store.get(departed.id))!.pausedAt).toBeDefined();
    await feeds.store.remove(feed!.id);
    await feeds.store.remove(departed.id);
  });

  it('GIVEN a server following more feeds than one message holds THEN /feed list pages them: every feed on exactly one page, each within 2,000 characters, with Previous and Next buttons', async () => {
    const c = h.fake.addGuild('Team C');
    await registerCommands(h.fake, c.guildId);
    const inC = (): InteractionCtx => ({ guildId: c.guildId, channelId: c.channelId });
    // Long titles full of markdown and long errors: the most a feed's entry can take.
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      const feed = await feeds.store.add({ guildId: c.guildId, url: `https://feeds.example/${i}.xml`, title: `Feed ${i} ${'*_`|~> '.repeat(40)}`.slice(0, 200), tags: [], addedBy: 'seed', at: clock.now, nextCheckAt: clock.now + 3_600_000 });
      await feeds.store.checked(feed.id, { at: clock.now, nextCheckAt: clock.now + 3_600_000, added: 0, error: `The feed address answered 500 ${'Internal Server Error '.repeat(20)}` });
      ids.push(feed.id);
    }
    const buttonsOf = (m: StoredMessage | undefined) => (m?.components ?? []).flatMap((row: { components: { label: string; custom_id: string }[] }) => row.components.map((b) => [b.label, b.custom_id] as const));

    const first = await h.fake.sendCommand('feed', {}, { ...inC(), subcommand: 'list' });
    const pages = [shown(first).content];
    expect(pages[0]).toMatch(/^📡 40 feeds followed here \(at most 25\) · each checked every 30 minutes · page 1 of (\d+)/);
    const total = Number(/page 1 of (\d+)/.exec(pages[0]!)![1]);
    expect(total).toBeGreaterThan(2);
    expect(buttonsOf(first.final())).toEqual([['Next ›', 'feed:list|2']]);
    for (let page = 2; page <= total; page++) {
      const res = await h.fake.sendComponent(`feed:list|${page}`, inC());
      const { content, ephemeral } = shown(res);
      expect(ephemeral).toBe(true);
      expect(content).toContain(`page ${page} of ${total}`);
      expect(buttonsOf(res.final())).toEqual(page < total ? [['‹ Previous', `feed:list|${page - 1}`], ['Next ›', `feed:list|${page + 1}`]] : [['‹ Previous', `feed:list|${page - 1}`]]);
      pages.push(content);
    }
    for (const p of pages) expect(p.length).toBeLessThanOrEqual(2000);
    const listed = pages.flatMap((p) => [...p.matchAll(/`#(\d+)`/g)].map((m) => Number(m[1])));
    expect(listed.sort((x, y) => x - y)).toEqual(ids);
    // Markdown in a feed's title stays text.
    expect(pages[0]).not.toMatch(/[^\\]\*_/);

    // Paging is /feed list again: someone who may not see the feeds is refused on the button too.
    const refused = shown(await h.fake.sendComponent('feed:list|2', { ...inC(), permissions: '0' }));
    expect(refused).toEqual({ content: expect.stringContaining('You need the Manage Server permission (or the analyst role)'), ephemeral: true });
    for (const id of ids) await feeds.store.remove(id);
  });
});
