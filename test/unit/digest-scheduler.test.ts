import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, DatabaseError, type Db } from '../../src/db/index.js';
import { startScheduler, STALE_CLAIM_MS, type Scheduler } from '../../src/digest/scheduler.js';
import { briefNonce, SendFailure, type BriefSender } from '../../src/digest/sender.js';
import { DigestService } from '../../src/digest/service.js';
import { DigestStore } from '../../src/digest/store.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { REPO } from '../helpers/bot.js';

const GUILD = '111111111111111111';
const CHANNEL = '222222222222222222';

/** Records posts; optionally fails with a Discord code, or stays "not ready". */
class RecordingSender implements BriefSender {
  posts: { channelId: string; messages: readonly string[]; nonces: readonly string[] }[] = [];
  ready = true;
  failWith?: number;
  private next = 1;
  isReady() {
    return this.ready;
  }
  async send(channelId: string, messages: readonly string[], nonces: readonly string[], onPart?: (id: string) => void) {
    if (this.failWith) throw new SendFailure('Missing Permissions', this.failWith, []);
    this.posts.push({ channelId, messages, nonces });
    const ids = messages.map(() => String(this.next++));
    ids.forEach((id) => onPart?.(id));
    return ids;
  }
}

let dir: string;
let library: Library;
let clock: number;
const open: { db: Db; scheduler: Scheduler }[] = [];

/** One "process": its own database connection, service and scheduler on the shared file. */
function boot(sender = new RecordingSender()) {
  const db = openDatabase(path.join(dir, '.dossier', 'dossier.db'));
  const store = new DigestStore(db);
  const service = new DigestService({ store, sender, getLibrary: () => library, logger: silentLogger, now: () => clock });
  // A long tick: the tests drive `tick()` themselves.
  const scheduler = startScheduler(service, silentLogger, { tickMs: 3_600_000 });
  open.push({ db, scheduler });
  return { db, store, service, scheduler, sender };
}

async function shutdown(p: { db: Db; scheduler: Scheduler }) {
  await p.scheduler.stop();
  p.db.close();
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-digest-'));
  library = await Library.load(path.join(REPO, 'data'));
  clock = Date.parse('2026-11-27T12:00:00Z');
});

afterEach(async () => {
  for (const p of open.splice(0)) if (p.db.open) await shutdown(p);
  await rm(dir, { recursive: true, force: true });
});

describe('the daily brief scheduler', () => {
  it('GIVEN a schedule THEN nothing posts before the time and exactly one brief posts at it', async () => {
    const p = boot();
    p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'Europe/London' });
    clock = Date.parse('2026-11-28T07:59:00Z');
    await p.scheduler.tick();
    expect(p.sender.posts).toHaveLength(0);
    clock = Date.parse('2026-11-28T08:00:20Z');
    await p.scheduler.tick();
    await p.scheduler.tick();
    expect(p.sender.posts).toHaveLength(1);
    expect(p.sender.posts[0]!.channelId).toBe(CHANNEL);
    expect(p.sender.posts[0]!.messages[0]).toContain('🗞️ **Daily brief** — Saturday 28 November 2026 (Europe/London)');
    const entry = p.store.entry(GUILD, '2026-11-28')!;
    expect(entry).toMatchObject({ status: 'sent', late: false, channelId: CHANNEL });
    expect(entry.messageIds).toHaveLength(p.sender.posts[0]!.messages.length);
  });

  it('GIVEN a cold start still building topics at the scheduled time THEN the brief waits for them, then posts once (not an empty brief)', async () => {
    const p = boot();
    p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'Europe/London' });
    const topics = library.topics;
    library.expectTopics();
    clock = Date.parse('2026-11-28T08:00:20Z');
    await p.scheduler.tick();
    expect(p.sender.posts).toHaveLength(0);
    expect(() => p.service.compose(GUILD)).toThrow(/Topics are still being built/);
    library.adoptTopics(topics);
    clock += 60_000;
    await p.scheduler.tick();
    expect(p.sender.posts).toHaveLength(1);
    expect(p.sender.posts[0]!.messages.join('\n')).not.toContain('No topic has key points');
  });

  it('GIVEN a restart after the post, and a second process on the same file THEN no duplicate', async () => {
    const first = boot();
    first.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'Europe/London' });
    clock = Date.parse('2026-11-28T08:00:05Z');
    await first.scheduler.tick();
    await shutdown(first);
    const second = boot();
    const third = boot();
    clock += 60_000;
    await Promise.all([second.scheduler.tick(), third.scheduler.tick()]);
    expect(first.sender.posts).toHaveLength(1);
    expect(second.sender.posts.length + third.sender.posts.length).toBe(0);
  });

  it('GIVEN two processes racing at the scheduled time THEN only the one that claims the day posts', async () => {
    const a = boot();
    const b = boot();
    a.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
    clock = Date.parse('2026-11-28T08:00:05Z');
    await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    expect(a.sender.posts.length + b.sender.posts.length).toBe(1);
  });

  it('GIVEN a crash between claim and send THEN a restart resumes it once, with the same nonces', async () => {
    const first = boot();
    first.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
    clock = Date.parse('2026-11-28T08:00:05Z');
    // The crashed process got as far as the claim.
    expect(first.store.claim({ guildId: GUILD, date: '2026-11-28', channelId: CHANNEL, late: false, scheduledAt: clock, now: clock })).toBe(true);
    await shutdown(first);
    const second = boot();
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
    expect(second.store.entry(GUILD, '2026-11-28')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('GIVEN a crash after the first part reached Discord THEN the resumed brief sends only the rest', async () => {
    const first = boot();
    first.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
    clock = Date.parse('2026-11-28T08:00:05Z');
    first.store.claim({ guildId: GUILD, date: '2026-11-28', channelId: CHANNEL, late: false, scheduledAt: clock, now: clock });
    first.store.progress(GUILD, '2026-11-28', ['posted-before-crash']);
    await shutdown(first);
    const second = boot();
    clock += STALE_CLAIM_MS + 1;
    await second.scheduler.tick();
    const entry = second.store.entry(GUILD, '2026-11-28')!;
    expect(entry.status).toBe('sent');
    expect(entry.messageIds[0]).toBe('posted-before-crash');
    // Only the parts after the first are sent again, under their own nonces; the heading part is not repeated.
    const resent = second.sender.posts.flatMap((p) => p.messages);
    expect(resent).toHaveLength(entry.messageIds.length - 1);
    expect(resent.some((m) => m.includes('Daily brief'))).toBe(false);
    expect(second.sender.posts.flatMap((p) => p.nonces)).not.toContain(briefNonce(GUILD, '2026-11-28', 0));
  });

  it('GIVEN the bot was down at the time and returns the same local day THEN it posts once, marked late', async () => {
    const p = boot();
    p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'America/New_York' });
    clock = Date.parse('2026-11-28T18:30:00Z'); // 13:30 in New York
    await p.scheduler.tick();
    await p.scheduler.tick();
    expect(p.sender.posts).toHaveLength(1);
    expect(p.sender.posts[0]!.messages[0]).toContain('Posted late');
    expect(p.store.entry(GUILD, '2026-11-28')).toMatchObject({ status: 'sent', late: true });
  });

  it('GIVEN a brief more than a day overdue THEN it is skipped and logged, and today’s still posts on time', async () => {
    const p = boot();
    p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
    clock = Date.parse('2026-11-29T07:00:00Z'); // down all of the 28th
    await p.scheduler.tick();
    expect(p.sender.posts).toHaveLength(0);
    expect(p.store.entry(GUILD, '2026-11-28')).toMatchObject({ status: 'skipped' });
    clock = Date.parse('2026-11-29T08:00:10Z');
    await p.scheduler.tick();
    expect(p.sender.posts).toHaveLength(1);
    expect(p.store.entry(GUILD, '2026-11-29')).toMatchObject({ status: 'sent', late: false });
  });

  it('GIVEN the client is not ready THEN nothing is claimed; once ready, it posts', async () => {
    const p = boot();
    p.sender.ready = false;
    p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
    clock = Date.parse('2026-11-28T08:00:10Z');
    await p.scheduler.tick();
    expect(p.store.entry(GUILD, '2026-11-28')).toBeUndefined();
    p.sender.ready = true;
    clock += 120_000;
    await p.scheduler.tick();
    expect(p.sender.posts).toHaveLength(1);
  });

  it('GIVEN a forbidden channel THEN the failure and its code are recorded, and it is not retried all day', async () => {
    const p = boot();
    p.sender.failWith = 50013;
    p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
    clock = Date.parse('2026-11-28T08:00:10Z');
    for (let i = 0; i < 5; i++, clock += STALE_CLAIM_MS) await p.scheduler.tick();
    expect(p.store.entry(GUILD, '2026-11-28')).toMatchObject({ status: 'failed', errorCode: 50013, attempts: 1 });
    expect(p.service.status(GUILD).last?.errorCode).toBe(50013);
  });

  it('GIVEN /digest off THEN no brief is posted', async () => {
    const p = boot();
    p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
    expect(p.service.off(GUILD)).toBe(true);
    clock = Date.parse('2026-11-28T08:00:10Z');
    await p.scheduler.tick();
    expect(p.sender.posts).toHaveLength(0);
  });

  it('GIVEN a bad time, zone or topic THEN a polite error and nothing saved', () => {
    const p = boot();
    expect(() => p.service.set(GUILD, { channelId: CHANNEL, time: '25:00', timezone: 'UTC' })).toThrow(/not a time/);
    expect(() => p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'Mars/Olympus' })).toThrow(/not a time zone/);
    expect(() => p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC', topics: 'no such topic at all' })).toThrow(/No topic is called/);
    expect(p.store.settings(GUILD)).toBeUndefined();
  });
});

describe('documents new since the previous brief', () => {
  it('GIVEN a file dropped into the library after a brief THEN the next brief lists it, and not the one after', async () => {
    const p = boot();
    p.service.set(GUILD, { channelId: CHANNEL, time: '08:00', timezone: 'UTC' });
    clock = Date.parse('2026-11-28T08:00:10Z');
    await p.scheduler.tick();
    const extra = library.docs[0]!;
    library = library.with({ add: [{ ...extra, slug: 'grain-memo', meta: { ...extra.meta, title: 'Grain memo', source: 'https://example.com/grain' } }] });
    clock = Date.parse('2026-11-28T12:00:00Z');
    await p.scheduler.tick(); // noticed at noon
    clock = Date.parse('2026-11-29T08:00:10Z');
    await p.scheduler.tick();
    expect(p.sender.posts[1]!.messages[0]).toContain('New since the previous brief: 1 document — [Grain memo](<https://example.com/grain>)');
    clock = Date.parse('2026-11-30T08:00:10Z');
    await p.scheduler.tick();
    expect(p.sender.posts[2]!.messages[0]).toContain('No new documents since the previous brief.');
  });
});

describe('the database file', () => {
  it('GIVEN a corrupt file THEN a start-up error names the path and the file is left as it was', async () => {
    const file = path.join(dir, 'broken.db');
    await writeFile(file, 'this is not a database, it is a text file '.repeat(200));
    let error: unknown;
    try {
      openDatabase(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as Error).message).toContain(`DATABASE_PATH: cannot use the database at ${file}`);
    expect(await readFile(file, 'utf8')).toMatch(/^this is not a database/);
  });

  it('GIVEN a path whose folder cannot be created THEN a start-up error names the path', async () => {
    // A file where the folder should be fails for every user, root included (chmod would not stop root).
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const file = path.join(blocker, 'dossier.db');
    expect(() => openDatabase(file)).toThrow(`DATABASE_PATH: cannot use the database at ${file}`);
  });

  it('GIVEN a reopened file THEN settings and the log survive and migrations are not re-run', () => {
    const file = path.join(dir, 'keep.db');
    const a = openDatabase(file);
    new DigestStore(a).saveSettings({ guildId: GUILD, channelId: CHANNEL, time: '08:00', timezone: 'UTC', updatedAt: 1 });
    a.close();
    const b = openDatabase(file);
    expect(new DigestStore(b).settings(GUILD)).toMatchObject({ channelId: CHANNEL, enabled: true });
    expect(b.prepare('SELECT COUNT(*) FROM migrations').pluck().get()).toBe(1);
    expect(b.pragma('journal_mode', { simple: true })).toBe('wal');
    b.close();
  });
});
