import { oneLibrary } from '../../src/tenancy/scope.js';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/index.js';
import { startBot, type Bot } from '../../src/discord/bot.js';
import { startDigest } from '../../src/discord/digest.js';
import type { Scheduler } from '../../src/digest/scheduler.js';
import type { CommandServices } from '../../src/interactions/command.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { startFakeDiscord, type ChannelMessage, type FakeDiscord } from '../fake-discord/server.js';
import { registerCommands, tempDataDir } from '../helpers/bot.js';

let fake: FakeDiscord;
let dataDir: string;
let dbFile: string;
let library: Library;
let clock = Date.parse('2026-11-28T07:59:40Z'); // 07:59:40 in London

/** One bot process: client, database connection and scheduler, as src/main.ts wires them. */
interface Process {
  bot: Bot;
  db: Database;
  scheduler: Scheduler;
  stop(): Promise<void>;
}
let proc: Process;

async function startProcess(): Promise<Process> {
  const commands = await loadCommands();
  const services: CommandServices = {};
  const bot = await startBot({ token: fake.token, apiUrl: fake.apiUrl, libraries: oneLibrary(() => library), commands, logger: silentLogger, services });
  await bot.ready;
  const db = await openDatabase({ kind: 'sqlite', file: dbFile });
  // A fast loop on a test clock: time moves when the test says so.
  const { service, scheduler } = startDigest({ db, client: bot.client, libraryFor: async () => library, logger: silentLogger, now: () => clock, tickMs: 25 });
  services.digest = service;
  return {
    bot,
    db,
    scheduler,
    async stop() {
      await scheduler.stop();
      await bot.stop();
      await db.close();
    },
  };
}

/** Every part of every brief posted in the channel (each part carries a nonce). */
const briefs = (channelId: string) => fake.messages.filter((m) => m.channel_id === channelId && m.nonce !== undefined);
const text = (res: { final(): { content?: string } | undefined }) => res.final()?.content ?? '';

beforeAll(async () => {
  fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-tests' });
  dataDir = await tempDataDir();
  dbFile = path.join(dataDir, '.dossier', 'dossier.db');
  library = await Library.load(dataDir);
  await registerCommands(fake);
  proc = await startProcess();
});

afterAll(async () => {
  await proc.stop();
  // Every channel post pinged no one and fit the limit.
  for (const m of fake.messages) {
    expect(m.content.length).toBeLessThanOrEqual(2000);
    expect(m.allowed_mentions).toEqual({ parse: [] });
  }
  expect(fake.unmatchedRequests()).toEqual([]);
  await fake.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('/digest through Discord', () => {
  it('GIVEN /digest set THEN the brief appears in the channel at the time, once, with the quoted key points', async () => {
    const set = await fake.sendCommand('digest', { channel: fake.channelId, time: '08:00', timezone: 'Europe/London' }, { subcommand: 'set' });
    expect(set.ephemeral).toBe(false);
    expect(text(set)).toContain(`every day at **08:00** (Europe/London) in <#${fake.channelId}>`);
    expect(text(set)).toContain('Next: Saturday 28 November 2026, 08:00 (Europe/London)');
    expect(briefs(fake.channelId)).toHaveLength(0);

    clock = Date.parse('2026-11-28T08:00:05Z');
    const first: ChannelMessage = await fake.waitForMessage((m) => m.channel_id === fake.channelId && m.content.includes('Daily brief'));
    expect(first.content).toContain('🗞️ **Daily brief** — Saturday 28 November 2026 (Europe/London)');
    expect(first.enforce_nonce).toBe(true);
    expect(String(first.nonce).length).toBeLessThanOrEqual(25);
    // The server's first brief covers the last 24 hours, in which the bundled article was first seen: its most central points, quoted with citations.
    expect(first.content).toContain('**New in the last 24 hours:** 1 document');
    expect(first.content).toContain(`📄 ${library.docs[0]!.meta.title}`);
    const cited = [...first.content.matchAll(/`([a-z-]+#p\d+\.s\d+)`/g)].map((m) => m[1]!);
    expect(cited.length).toBeGreaterThanOrEqual(2);
    for (const c of cited) expect(first.content).toContain(library.point(c)!.text.slice(0, 40));
    expect(cited.every((c) => library.summary('putin-sharif-sco', 3).some((p) => p.citation === c))).toBe(true);

    await proc.scheduler.tick();
    await proc.scheduler.tick();
    const parts = briefs(fake.channelId).length;
    const show = await fake.sendCommand('digest', {}, { subcommand: 'show' });
    expect(text(show)).toContain(`Last: Saturday 28 November 2026 — posted, ${parts} message`);
    expect(text(show)).toContain('Next: Sunday 29 November 2026, 08:00 (Europe/London)');
  });

  it('GIVEN the bot restarts on the same database file THEN the day’s brief is not posted again', async () => {
    const before = briefs(fake.channelId).length;
    await proc.stop();
    proc = await startProcess();
    clock += 5 * 60_000;
    await proc.scheduler.tick();
    await proc.scheduler.tick();
    expect(briefs(fake.channelId)).toHaveLength(before);
  });

  it('GIVEN a member without Manage Server THEN /digest set is refused ephemerally, before deferring, and nothing changes', async () => {
    const other = fake.addChannel(undefined, 'elsewhere');
    const res = await fake.sendCommand('digest', { channel: other, time: '09:00', timezone: 'UTC' }, { subcommand: 'set', permissions: '0' });
    expect(res.deferred).toBe(false);
    expect(res.ephemeral).toBe(true);
    expect(text(res)).toBe('You need the Manage Server permission to change the daily brief.');
    const off = await fake.sendCommand('digest', {}, { subcommand: 'off', permissions: '0' });
    expect(off.ephemeral).toBe(true);
    const show = await fake.sendCommand('digest', {}, { subcommand: 'show', permissions: '0' });
    expect(text(show)).toContain(`in <#${fake.channelId}>`);
  });

  it('GIVEN the time zone box THEN autocomplete offers IANA zones within Discord’s limits', async () => {
    const { choices } = await fake.sendAutocomplete('digest', { timezone: 'new york', time: '08:00' }, 'timezone', { subcommand: 'set' });
    expect(choices[0]).toEqual({ name: 'America/New York', value: 'America/New_York' });
    expect(choices.length).toBeLessThanOrEqual(25);
  });

  it('GIVEN a channel the bot may not post in (50013) THEN /digest show says what failed and what to fix', async () => {
    const locked = fake.addChannel(undefined, 'locked');
    fake.forbidChannel(locked);
    const set = await fake.sendCommand('digest', { channel: locked, time: '08:00', timezone: 'Europe/London' }, { subcommand: 'set' });
    expect(text(set)).toContain(`in <#${locked}>`);
    clock = Date.parse('2026-11-29T08:00:05Z');
    await proc.scheduler.tick();
    const show = await fake.sendCommand('digest', {}, { subcommand: 'show' });
    expect(text(show)).toContain('⚠️ Last: Sunday 29 November 2026 — not posted: Dossier lacks permission to post there.');
    expect(text(show)).toContain('(Discord error 50013)');
    // No retry storm: further ticks the same day try nothing.
    const attempts = () => fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${locked}/messages`).length;
    const tried = attempts();
    clock += 60 * 60_000;
    await proc.scheduler.tick();
    await proc.scheduler.tick();
    expect(attempts()).toBe(tried);

    const now = await fake.sendCommand('digest', {}, { subcommand: 'now' });
    expect(now.ephemeral).toBe(true);
    expect(text(now)).toContain(`The brief was not posted in <#${locked}>: Dossier lacks permission`);
  });

  it('GIVEN /digest now with a working channel THEN the brief is posted there straight away and the schedule is untouched', async () => {
    const set = await fake.sendCommand('digest', { channel: fake.channelId, time: '08:00', timezone: 'Europe/London' }, { subcommand: 'set' });
    expect(text(set)).toContain('Saved');
    const before = briefs(fake.channelId).length;
    const res = await fake.sendCommand('digest', {}, { subcommand: 'now' });
    expect(res.ephemeral).toBe(true);
    expect(text(res)).toMatch(new RegExp(`^Posted the brief in <#${fake.channelId}> \\(\\d+ messages?\\)\\.$`));
    expect(briefs(fake.channelId).length).toBeGreaterThan(before);
    const off = await fake.sendCommand('digest', {}, { subcommand: 'off' });
    expect(text(off)).toBe('The daily brief is off. `/digest set` turns it back on.');
  });
});
