import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/index.js';
import { startDigest } from '../../src/discord/digest.js';
import type { Scheduler } from '../../src/digest/scheduler.js';
import { silentLogger } from '../../src/log.js';
import { startIngestHarness, type IngestHarness } from '../helpers/ingest.js';
import { registerCommands } from '../helpers/bot.js';
import { expectSentSafely, shown } from '../helpers/replies.js';

const MEMO = `# Gwadar port memo

Chinese and Pakistani engineers finished dredging the outer harbour at Gwadar to fourteen metres last week.

The deeper berth lets bulk carriers from Russia unload wheat at Gwadar instead of Karachi.

Port officials expect the first Russian grain ship at Gwadar before the end of the year.
`;

let h: IngestHarness;
let db: Database;
let dbDir: string;
let scheduler: Scheduler;

const quotes = (content: string) => content.split('\n').filter((l) => l.startsWith('> '));
const citations = (content: string) => [...content.matchAll(/-# `([^`]+)`/g)].map((m) => m[1]!);

beforeAll(async () => {
  h = await startIngestHarness();
  dbDir = await mkdtemp(path.join(os.tmpdir(), 'dossier-news-'));
  db = await openDatabase({ kind: 'sqlite', file: path.join(dbDir, 'dossier.db') });
  // As src/main.ts wires it: each server's brief reads its own view, which /ingest adds to.
  const digest = startDigest({ db, client: h.bot.client, libraryFor: async (guildId) => (await h.services.libraries.scope(guildId)).library(), logger: silentLogger, tickMs: 3_600_000 });
  scheduler = digest.scheduler;
  h.commandServices.digest = digest.service;
});

afterAll(async () => {
  await scheduler.stop();
  await db.close();
  expectSentSafely(h.fake);
  expect(h.fake.unmatchedRequests()).toEqual([]);
  await h.close();
  await rm(dbDir, { recursive: true, force: true });
});

describe('/digest now before and after /ingest', () => {
  it('GIVEN a brief, then an ingested document THEN the next brief quotes the new document and none of the first’s sentences; a third is one short note', async () => {
    const first = shown(await h.fake.sendCommand('digest', {}, { subcommand: 'now' }));
    expect(first.ephemeral).toBe(false);
    expect(first.content).toContain('**New in the last 24 hours:** 1 document');
    expect(citations(first.content).length).toBeGreaterThan(0);

    const added = shown(await h.fake.sendCommand('ingest', { file: { type: 11, value: h.fake.addAttachment('gwadar.md', MEMO, 'text/markdown').id } }));
    expect(added.content).toContain('Added **Gwadar port memo** as `gwadar-port-memo`');

    const second = shown(await h.fake.sendCommand('digest', {}, { subcommand: 'now' }));
    expect(second.content).toMatch(/\*\*New since \w+day \d+ \w+ \d{4}:\*\* 1 document, [1-3] points? quoted/);
    expect(second.content).toContain('📄 Gwadar port memo');
    expect(citations(second.content).length).toBeGreaterThan(0);
    expect(citations(second.content).every((c) => c.startsWith('gwadar-port-memo#'))).toBe(true);
    for (const q of quotes(second.content)) expect(quotes(first.content)).not.toContain(q);
    expect(second.content).toContain('**Topics that grew**');

    const third = shown(await h.fake.sendCommand('digest', {}, { subcommand: 'now' }));
    const lines = third.content.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^Nothing new since \w+day \d+ \w+ \d{4} · 2 documents, \d+ topics · `\/topics` to browse$/);
  });

  it('GIVEN /digest now into a channel the bot may not post in THEN nothing it would have said is spent or lost: the first brief that reaches the channel, two days later, quotes what it would have', async () => {
    const clock = { now: Date.now() };
    const timed = startDigest({ db, client: h.bot.client, libraryFor: async (guildId) => (await h.services.libraries.scope(guildId)).library(), logger: silentLogger, tickMs: 3_600_000, now: () => clock.now });
    const usual = h.commandServices.digest;
    h.commandServices.digest = timed.service;
    try {
      const team = h.fake.addGuild('Port desk');
      await registerCommands(h.fake, team.guildId);
      const inTeam = { guildId: team.guildId, channelId: team.channelId };
      const memo = MEMO.replace('# Gwadar port memo', '# Gwadar berth memo').replace('fourteen metres', 'fifteen metres');
      const added = shown(await h.fake.sendCommand('ingest', { file: { type: 11, value: h.fake.addAttachment('berth.md', memo, 'text/markdown').id } }, inTeam));
      expect(added.content).toContain('Added **Gwadar berth memo**');
      h.fake.forbidChannel(team.channelId);
      await h.fake.sendCommand('digest', { channel: team.channelId, time: '08:00', timezone: 'UTC' }, { ...inTeam, subcommand: 'set' });
      const failed = shown(await h.fake.sendCommand('digest', {}, { ...inTeam, subcommand: 'now' }));
      expect(failed.content).toContain(`The brief was not posted in <#${team.channelId}>`);

      h.fake.allowChannel(team.channelId);
      clock.now += 2 * 86_400_000;
      const posted = shown(await h.fake.sendCommand('digest', {}, { ...inTeam, subcommand: 'now' }));
      expect(posted.content).toContain(`Posted the brief in <#${team.channelId}>`);
      const brief = h.fake.messages.filter((m) => m.channel_id === team.channelId).map((m) => m.content).join('\n');
      expect(brief).toContain('📄 Gwadar berth memo');
      expect(citations(brief).some((c) => c.startsWith('gwadar-berth-memo#'))).toBe(true);
    } finally {
      h.commandServices.digest = usual;
      await timed.scheduler.stop();
    }
  });

  it('GIVEN /digest set with quiet:skip THEN /digest show names the choice, and leaving quiet out keeps it', async () => {
    const set = shown(await h.fake.sendCommand('digest', { channel: h.fake.channelId, time: '08:00', timezone: 'UTC', quiet: 'skip' }, { subcommand: 'set' }));
    expect(set.content).toContain('nothing new: no post (quiet: skip)');
    await h.fake.sendCommand('digest', { channel: h.fake.channelId, time: '09:00', timezone: 'UTC' }, { subcommand: 'set' });
    const show = shown(await h.fake.sendCommand('digest', {}, { subcommand: 'show' }));
    expect(show.content).toContain('every day at **09:00** (UTC)');
    expect(show.content).toContain('(quiet: skip)');
  });
});
