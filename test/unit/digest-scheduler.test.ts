import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type DatabaseTarget } from '../../src/db/index.js';
import { startScheduler, STALE_CLAIM_MS, type Scheduler } from '../../src/digest/scheduler.js';
import { briefNonce } from '../../src/digest/sender.js';
import { sentenceHash } from '../../src/digest/brief.js';
import { DigestService } from '../../src/digest/service.js';
import { DigestStore, QUIET_SKIPPED } from '../../src/digest/store.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { FIXTURE_LIBRARY } from '../helpers/bot.js';
import { BACKENDS, emptyDatabase } from '../helpers/databases.js';
import { RecordingSender } from '../helpers/digest.js';
import { makeDoc } from '../helpers/docs.js';

const GUILD = '111111111111111111';
const CHANNEL = '222222222222222222';

let dir: string;
let library: Library;
let clock: number;
let target: DatabaseTarget;
const open: { db: Database; scheduler: Scheduler }[] = [];

/** One "process": its own database connection, service and scheduler on the shared database. */
async function boot(sender = new RecordingSender()) {
  const db = await openDatabase(target);
  const store = new DigestStore(db);
  const service = new DigestService({ store, sender, libraryFor: async () => library, logger: silentLogger, now: () => clock });
  // A long tick: the tests drive `tick()` themselves.
  const scheduler = startScheduler(service, silentLogger, { tickMs: 3_600_000 });
  open.push({ db, scheduler });
  return { db, store, service, scheduler, sender };
}

async function shutdown(p: { db: Database; scheduler: Scheduler }) {
  open.splice(open.indexOf(p), 1);
  await p.scheduler.stop();
  await p.db.close();
}

describe.each(BACKENDS)('on %s', (kind) => {
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-digest-'));
    target = await emptyDatabase(kind, dir);
    library = await Library.load(FIXTURE_LIBRARY);
    clock = Date.parse('2026-11-27T12:00:00Z');
  });

  afterEach(async () => {
    for (const p of [...open]) await shutdown(p);
    await rm(dir, { recursive: true, force: true });
  });

  describe('the daily brief scheduler', () => {
    it('GIVEN a schedule THEN nothing posts before the time and exactly one brief posts at it', async () => {
      const p = await boot();
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'Europe/London' });
      clock = Date.parse('2026-11-28T07:59:00Z');
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(0);
      clock = Date.parse('2026-11-28T08:00:20Z');
      await p.scheduler.tick();
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(1);
      expect(p.sender.posts[0]!.channelId).toBe(CHANNEL);
      expect(p.sender.posts[0]!.messages[0]).toContain('🗞️ **Daily brief** — Saturday 28 November 2026 (Europe/London)');
      const entry = (await p.store.entry(GUILD, '2026-11-28'))!;
      expect(entry).toMatchObject({ status: 'sent', late: false, channelId: CHANNEL });
      expect(entry.messageIds).toHaveLength(p.sender.posts[0]!.messages.length);
    });

    it('GIVEN a cold start still building topics at the scheduled time THEN the brief waits for them, then posts once (not an empty brief)', async () => {
      const p = await boot();
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'Europe/London' });
      const topics = library.topics;
      library.expectTopics();
      clock = Date.parse('2026-11-28T08:00:20Z');
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(0);
      await expect(p.service.compose(GUILD)).rejects.toThrow(/Topics are still being built/);
      library.adoptTopics(topics);
      clock += 60_000;
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(1);
      expect(p.sender.posts[0]!.messages.join('\n')).not.toContain('No topic has key points');
    });

    it('GIVEN a restart after the post, and a second process on the same file THEN no duplicate', async () => {
      const first = await boot();
      await first.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'Europe/London' });
      clock = Date.parse('2026-11-28T08:00:05Z');
      await first.scheduler.tick();
      await shutdown(first);
      const second = await boot();
      const third = await boot();
      clock += 60_000;
      await Promise.all([second.scheduler.tick(), third.scheduler.tick()]);
      expect(first.sender.posts).toHaveLength(1);
      expect(second.sender.posts.length + third.sender.posts.length).toBe(0);
    });

    it('GIVEN two processes racing at the scheduled time THEN only the one that claims the day posts', async () => {
      const a = await boot();
      const b = await boot();
      await a.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      clock = Date.parse('2026-11-28T08:00:05Z');
      await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
      expect(a.sender.posts.length + b.sender.posts.length).toBe(1);
    });

    it('GIVEN a crash between claim and send THEN a restart resumes it once, with the same nonces', async () => {
      const first = await boot();
      await first.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      clock = Date.parse('2026-11-28T08:00:05Z');
      // The crashed process got as far as the claim.
      expect(await first.store.claim({ guildId: GUILD, date: '2026-11-28', channelId: CHANNEL, late: false, scheduledAt: clock, now: clock })).toBe(true);
      await shutdown(first);
      const second = await boot();
      clock += 60_000;
      await second.scheduler.tick();
      expect(second.sender.posts).toHaveLength(0); // maybe the first is still sending: wait
      clock += STALE_CLAIM_MS;
      await second.scheduler.tick();
      await second.scheduler.tick();
      expect(second.sender.posts).toHaveLength(1);
      const nonces = second.sender.posts[0]!.nonces;
      expect(new Set(nonces).size).toBe(nonces.length);
      for (const n of nonces) expect(n.length).toBeLessThanOrEqual(25);
      expect(await second.store.entry(GUILD, '2026-11-28')).toMatchObject({ status: 'sent', attempts: 2 });
    });

    it('GIVEN a crash after the first part reached Discord THEN the resumed brief sends only the rest', async () => {
      const first = await boot();
      await first.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      clock = Date.parse('2026-11-28T08:00:05Z');
      await first.store.claim({ guildId: GUILD, date: '2026-11-28', channelId: CHANNEL, late: false, scheduledAt: clock, now: clock });
      await first.store.progress(GUILD, '2026-11-28', ['posted-before-crash']);
      await shutdown(first);
      const second = await boot();
      clock += STALE_CLAIM_MS + 1;
      await second.scheduler.tick();
      const entry = (await second.store.entry(GUILD, '2026-11-28'))!;
      expect(entry.status).toBe('sent');
      expect(entry.messageIds[0]).toBe('posted-before-crash');
      // Only the parts after the first are sent again, under their own nonces; the heading part is not repeated.
      const resent = second.sender.posts.flatMap((p) => p.messages);
      expect(resent).toHaveLength(entry.messageIds.length - 1);
      expect(resent.some((m) => m.includes('Daily brief'))).toBe(false);
      expect(second.sender.posts.flatMap((p) => p.nonces)).not.toContain(briefNonce(GUILD, '2026-11-28', 0));
    });

    it('GIVEN the bot was down at the time and returns the same local day THEN it posts once, marked late', async () => {
      const p = await boot();
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'America/New_York' });
      clock = Date.parse('2026-11-28T18:30:00Z'); // 13:30 in New York
      await p.scheduler.tick();
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(1);
      expect(p.sender.posts[0]!.messages[0]).toContain('Posted late');
      expect(await p.store.entry(GUILD, '2026-11-28')).toMatchObject({ status: 'sent', late: true });
    });

    it('GIVEN a brief more than a day overdue THEN it is skipped and logged, and today’s still posts on time', async () => {
      const p = await boot();
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      clock = Date.parse('2026-11-29T07:00:00Z'); // down all of the 28th
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(0);
      expect(await p.store.entry(GUILD, '2026-11-28')).toMatchObject({ status: 'skipped' });
      clock = Date.parse('2026-11-29T08:00:10Z');
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(1);
      expect(await p.store.entry(GUILD, '2026-11-29')).toMatchObject({ status: 'sent', late: false });
    });

    it('GIVEN the client is not ready THEN nothing is claimed; once ready, it posts', async () => {
      const p = await boot();
      p.sender.ready = false;
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      clock = Date.parse('2026-11-28T08:00:10Z');
      await p.scheduler.tick();
      expect(await p.store.entry(GUILD, '2026-11-28')).toBeUndefined();
      p.sender.ready = true;
      clock += 120_000;
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(1);
    });

    it('GIVEN a forbidden channel THEN the failure and its code are recorded, and it is not retried all day', async () => {
      const p = await boot();
      p.sender.failWith = 50013;
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      clock = Date.parse('2026-11-28T08:00:10Z');
      for (let i = 0; i < 5; i++, clock += STALE_CLAIM_MS) await p.scheduler.tick();
      expect(await p.store.entry(GUILD, '2026-11-28')).toMatchObject({ status: 'failed', errorCode: 50013, attempts: 1 });
      expect((await p.service.status(GUILD)).last?.errorCode).toBe(50013);
    });

    it('GIVEN /digest off THEN no brief is posted', async () => {
      const p = await boot();
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      expect(await p.service.off(GUILD)).toBe(true);
      clock = Date.parse('2026-11-28T08:00:10Z');
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(0);
    });

    it('GIVEN a bad time, zone or topic THEN a polite error and nothing saved', async () => {
      const p = await boot();
      await expect(p.service.set(GUILD, { channelId: CHANNEL, time: '25:00', timezone: 'UTC' })).rejects.toThrow(/not a time/);
      await expect(p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'Mars/Olympus' })).rejects.toThrow(/not a time zone/);
      await expect(p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC', topics: 'no such topic at all' })).rejects.toThrow(/No topic is called/);
      expect(await p.store.settings(GUILD)).toBeUndefined();
    });
  });

  describe('what a brief said, across failures and crashes', () => {
    it('GIVEN a brief that never reached the channel THEN its news is given back: the next brief quotes it', async () => {
      const p = await boot();
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      clock = Date.parse('2026-11-28T08:00:10Z');
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(1);
      const memo = makeDoc('grain-memo', 'Russian wheat shipments to Pakistan through the Caspian corridor doubled this autumn.', { title: 'Grain memo', addedAt: '2026-11-28T12:00:00Z' });
      library = library.with({ add: [memo] });
      p.sender.failWith = 50013;
      clock = Date.parse('2026-11-29T08:00:10Z');
      await p.scheduler.tick();
      expect(await p.store.entry(GUILD, '2026-11-29')).toMatchObject({ status: 'failed' });
      p.sender.failWith = undefined;
      clock = Date.parse('2026-11-30T08:00:10Z');
      await p.scheduler.tick();
      const text = p.sender.posts[1]!.messages.join('\n');
      expect(text).toContain('**New since Saturday 28 November 2026:** 1 document');
      expect(text).toContain('📄 Grain memo');
      expect(text).toContain('`grain-memo#p1.s1`');
    });

    it('GIVEN a server whose first brief never reached the channel THEN the first brief posted covers what that one would have (not only its own 24 hours)', async () => {
      const p = await boot();
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      // Arrived the evening before the first brief was due: that brief's news.
      library = library.with({ add: [makeDoc('grain-memo', 'Russian wheat shipments to Pakistan through the Caspian corridor doubled this autumn.', { title: 'Grain memo', addedAt: '2026-11-27T20:00:00Z' })] });
      p.sender.failWith = 50013;
      clock = Date.parse('2026-11-28T08:00:10Z');
      await p.scheduler.tick();
      expect(await p.store.entry(GUILD, '2026-11-28')).toMatchObject({ status: 'failed', errorCode: 50013 });
      p.sender.failWith = undefined;
      clock = Date.parse('2026-11-29T08:00:10Z');
      await p.scheduler.tick();
      const text = p.sender.posts[0]!.messages.join('\n');
      expect(text).toContain('**New since Friday 27 November 2026:** 2 documents'); // the memo, and the bundled article first seen at the failed attempt
      expect(text).toContain('📄 Grain memo');
      expect(text).toContain('`grain-memo#p1.s1`');
      // From then on, "new" is measured from that posted brief again.
      clock = Date.parse('2026-11-30T08:00:10Z');
      await p.scheduler.tick();
      expect(p.sender.posts[1]!.messages[0]).toContain('Nothing new since Sunday 29 November 2026');
    });

    it('GIVEN a /digest now that could not post THEN nothing it quoted is spent and its window is not lost: a later first brief quotes the same points', async () => {
      const p = await boot();
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      // A schedule from before set-up times were recorded: only the undelivered brief can say where "new" starts.
      await p.db.db.updateTable('guild_settings').set({ configured_at: null }).execute();
      library = library.with({ add: [makeDoc('grain-memo', 'Russian wheat shipments to Pakistan through the Caspian corridor doubled this autumn.', { title: 'Grain memo', addedAt: '2026-11-27T20:00:00Z' })] });
      const cited = (messages: readonly string[]) => [...messages.join('\n').matchAll(/`([^`\s]+#[^`\s]+)`/g)].map((m) => m[1]!);
      p.sender.failWith = 50013;
      clock = Date.parse('2026-11-28T07:00:00Z');
      const failed = await p.service.postNow(GUILD, 'first');
      expect(failed.outcome).toMatchObject({ ok: false, code: 50013 });
      expect(cited(failed.messages)).toContain('grain-memo#p1.s1');
      expect(await p.store.quoted(GUILD)).toEqual(new Set());
      p.sender.failWith = undefined;
      // More than 24 hours after the memo arrived, and no scheduled brief in between.
      clock = Date.parse('2026-11-29T09:00:00Z');
      const posted = await p.service.postNow(GUILD, 'second');
      expect(posted.outcome).toMatchObject({ ok: true });
      expect(cited(posted.messages)).toEqual(cited(failed.messages));
      // Delivered, so now spent.
      expect(await p.store.quoted(GUILD)).toContain(sentenceHash('Russian wheat shipments to Pakistan through the Caspian corridor doubled this autumn.'));
    });

    it('GIVEN a brief set up days before its first post (turned off, then on again) THEN that first brief covers everything since the set-up, not only the last 24 hours', async () => {
      const p = await boot();
      const setUp = clock;
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      await p.service.off(GUILD);
      library = library.with({ add: [makeDoc('grain-memo', 'Russian wheat shipments to Pakistan through the Caspian corridor doubled this autumn.', { title: 'Grain memo', addedAt: '2026-11-27T20:00:00Z' })] });
      clock = Date.parse('2026-11-29T07:00:00Z');
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      expect(await p.store.settings(GUILD)).toMatchObject({ configuredAt: setUp, updatedAt: clock });
      clock = Date.parse('2026-11-29T08:00:10Z');
      await p.scheduler.tick();
      const text = p.sender.posts[0]!.messages.join('\n');
      expect(text).toContain('**New since Friday 27 November 2026:**');
      expect(text).toContain('📄 Grain memo');
      expect(text).toContain('`grain-memo#p1.s1`');
    });

    it('GIVEN a first brief that succeeds THEN it covers the last 24 hours; GIVEN briefs failing for ten days THEN the first posted one reaches back a week, no further', async () => {
      const p = await boot();
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      library = library.with({
        add: [
          makeDoc('old-memo', 'Karachi port handled a record tonnage of Russian fertiliser in the spring.', { title: 'Old memo', addedAt: '2026-11-27T20:00:00Z' }),
          makeDoc('recent-memo', 'Islamabad signed a memorandum on Russian grain storage with Moscow.', { title: 'Recent memo', addedAt: '2026-12-05T20:00:00Z' }),
        ],
      });
      p.sender.failWith = 50013;
      for (let day = 28; day <= 37; day++) {
        clock = Date.parse('2026-11-28T08:00:10Z') + (day - 28) * 86_400_000;
        await p.scheduler.tick();
      }
      expect(p.sender.posts).toHaveLength(0);
      p.sender.failWith = undefined;
      clock = Date.parse('2026-12-08T08:00:10Z');
      await p.scheduler.tick();
      const text = p.sender.posts[0]!.messages.join('\n');
      expect(text).toContain('**New since Tuesday 1 December 2026:** 1 document');
      expect(text).toContain('📄 Recent memo');
      expect(text).not.toContain('Old memo');

      const fresh = await boot();
      const other = '999999999999999999';
      await fresh.service.set(other, { channelId: CHANNEL, time: '09:00', timezone: 'UTC' });
      clock = Date.parse('2026-12-08T09:00:10Z');
      await fresh.scheduler.tick();
      expect(fresh.sender.posts.at(-1)!.messages[0]).toContain('Nothing new in the last 24 hours');
    });

    it('GIVEN quiet: skip and a day with nothing new THEN nothing is posted, /digest show says why, and news the next day still comes', async () => {
      const p = await boot();
      await p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC', quiet: 'skip' });
      clock = Date.parse('2026-11-28T08:00:10Z');
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(1);
      clock = Date.parse('2026-11-29T08:00:10Z');
      await p.scheduler.tick();
      await p.scheduler.tick();
      expect(p.sender.posts).toHaveLength(1);
      expect(await p.store.entry(GUILD, '2026-11-29')).toMatchObject({ status: 'skipped', errorMessage: QUIET_SKIPPED });
      expect((await p.service.status(GUILD)).settings?.quiet).toBe('skip');
      library = library.with({ add: [makeDoc('rail-note', 'The rail link from Russia to Pakistan through Iran carried its first wheat train.', { addedAt: '2026-11-29T12:00:00Z' })] });
      clock = Date.parse('2026-11-30T08:00:10Z');
      await p.scheduler.tick();
      expect(p.sender.posts[1]!.messages[0]).toContain('**New since Saturday 28 November 2026:** 1 document');
    });

    it('GIVEN a crash after the brief was composed THEN the resumed post is the recorded brief, even if the library changed meanwhile', async () => {
      const first = await boot();
      await first.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
      clock = Date.parse('2026-11-28T08:00:05Z');
      await first.store.claim({ guildId: GUILD, date: '2026-11-28', channelId: CHANNEL, late: false, scheduledAt: clock, now: clock });
      const recorded = (await first.service.composer.prepare(GUILD, 'day:2026-11-28', { timezone: 'UTC' }))!;
      await shutdown(first);
      const late = makeDoc('late-arrival', 'A memo on wheat barter between Russia and Pakistan arrived after the brief was composed.', {
        title: 'Late arrival',
        addedAt: new Date(clock + 60_000).toISOString(),
      });
      library = library.with({ add: [late] });
      const second = await boot();
      clock += STALE_CLAIM_MS + 1;
      await second.scheduler.tick();
      const text = second.sender.posts.flatMap((x) => x.messages).join('\n');
      expect(text).not.toContain('Late arrival');
      expect(recorded.brief.newDocuments.length).toBeGreaterThan(0);
      for (const d of recorded.brief.newDocuments) for (const pt of d.points) expect(text).toContain(`\`${pt.citation}\``);
    });
  });
});
