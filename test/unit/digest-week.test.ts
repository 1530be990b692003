import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseKind } from '../../src/db/index.js';
import { startScheduler } from '../../src/digest/scheduler.js';
import { DigestService } from '../../src/digest/service.js';
import { DigestStore, QUIET_SKIPPED, type QuietChoice } from '../../src/digest/store.js';
import { startLibraryServices } from '../../src/ingest/index.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { tempDataDir } from '../helpers/bot.js';
import { emptyDatabase } from '../helpers/databases.js';
import { RecordingSender } from '../helpers/digest.js';

const GUILD = '111111111111111111';
const CHANNEL = '222222222222222222';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Added on day 2 to the server's own library through its ingest service, as `/ingest` does. */
const PIPELINE_MEMO = `# Pakistan gas pipeline memo

Pakistan and Russia resumed talks on the Pakistan Stream gas pipeline this week, officials in Islamabad said after the meeting.

The Russian side offered to finance most of the pipeline if Pakistan commits to long-term purchases of Russian energy.

Analysts in Karachi doubt that Pakistan will sign while the United States opposes new energy deals with Russia.
`;
/** Dropped into the shared data folder by hand between day 3 and day 4. */
const BARTER_NOTE = `---
title: Barter trade note
source: https://example.com/barter
---
Russian and Pakistani traders expanded barter trade in wheat and textiles to avoid payments in dollars.

Pakistani exporters said the barter deals with Russia now cover rice, fruit and surgical instruments as well.

Bankers in Moscow expect the barter corridor through Iran to carry most of the new trade next year.
`;

/**
 * Ingest stamps `added_at` with the real clock, so the simulated week is laid
 * around it: day 2's brief is due shortly after the test starts, day 1's a day
 * before, and the rest follow (UTC, so no DST shift moves a day's instant).
 */
const base = Math.ceil((Date.now() + 30 * MINUTE) / MINUTE) * MINUTE;
const TIME = new Date(base).toISOString().slice(11, 16);
const dayAt = (day: number) => base + (day - 2) * DAY;

interface Week {
  /** Every message posted, per day (index 0 = day 1). */
  posts: string[][];
  store: DigestStore;
  close(): Promise<void>;
}

const quotedCitations = (messages: readonly string[]) => [...messages.join('\n').matchAll(/-# `([^`]+#p\d+\.s\d+)`/g)].map((m) => m[1]!);

/**
 * Seven days of one server's briefs: a real data folder, library services
 * (ingest and the folder watcher), SQLite file, service and scheduler, moved
 * through the week by a fake clock. With `restart`, every day starts a new
 * process on the same folder and database file.
 */
async function runWeek(o: { quiet: QuietChoice; restart: boolean; kind?: DatabaseKind }): Promise<Week> {
  const dataDir = await tempDataDir();
  const dbDir = await mkdtemp(path.join(os.tmpdir(), 'dossier-week-'));
  const target = await emptyDatabase(o.kind ?? 'sqlite', dbDir);
  let clock = dayAt(1) - 60 * MINUTE;

  async function boot() {
    const library = await Library.load(dataDir);
    const services = await startLibraryServices(library, { dataDir, maxBytes: 1 << 20, allowPrivateUrls: false }, { watch: true, logger: silentLogger });
    const db = await openDatabase(target);
    const sender = new RecordingSender();
    const service = new DigestService({ store: new DigestStore(db), sender, libraryFor: async (guildId) => (await services.libraries.scope(guildId)).library(), logger: silentLogger, now: () => clock });
    const scheduler = startScheduler(service, silentLogger, { tickMs: 3_600_000 });
    return {
      services,
      service,
      scheduler,
      sender,
      async stop() {
        await scheduler.stop();
        await services.watcher?.close();
        await db.close();
      },
    };
  }

  let proc = await boot();
  await proc.service.set(GUILD, { channelId: CHANNEL, time: TIME, timezone: 'UTC', quiet: o.quiet });
  const posts: string[][] = [];
  for (let day = 1; day <= 7; day++) {
    if (o.restart && day > 1) {
      await proc.stop();
      proc = await boot();
    }
    if (day === 2) {
      const file = path.join(dataDir, '..', `${path.basename(dataDir)}-pipeline-memo.md`);
      await writeFile(file, PIPELINE_MEMO);
      // Into the server's own library, as `/ingest` in that server does.
      const added = await (await proc.services.libraries.server(GUILD)).ingest.ingest({ source: { kind: 'file', path: file }, addedBy: { id: '333333333333333333', name: 'analyst' } });
      expect(added.status).toBe('added');
      await rm(file);
    }
    if (day === 4) {
      // Dropped by hand the afternoon before: the watcher loads it, a tick notes when it was first seen.
      clock = dayAt(3) + 6 * 60 * MINUTE;
      // Into the shared library, which every server sees: the operator's drop.
      await dropFile(path.join(dataDir, 'barter-note.md'), BARTER_NOTE, () => proc.services.manager.current().doc('barter-note') !== undefined);
      await proc.scheduler.tick();
    }
    const before = proc.sender.posts.length;
    clock = dayAt(day) + 5_000;
    await proc.scheduler.tick();
    clock += 10 * MINUTE;
    await proc.scheduler.tick(); // a second pass the same day posts nothing more
    posts.push(proc.sender.posts.slice(before).flatMap((p) => p.messages));
  }
  const final = proc;
  const store = final.service.store;
  return {
    posts,
    store,
    async close() {
      await final.stop();
      await rm(dataDir, { recursive: true, force: true });
      await rm(dbDir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes a file into the watched folder and waits for the library to have it.
 * A watcher started a moment ago may not be attached yet, so an unnoticed write
 * is repeated (the same bytes: a change event) rather than waited on forever.
 */
async function dropFile(file: string, text: string, arrived: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await writeFile(file, text);
    for (let i = 0; i < 40 && !arrived(); i++) await new Promise((r) => setTimeout(r, 50));
    if (arrived()) return;
  }
  throw new Error(`the data folder watcher never loaded ${file}`);
}

let plain: Week;
let restarted: Week;
let skipping: Week;
let onPostgres: Week;

beforeAll(async () => {
  plain = await runWeek({ quiet: 'short', restart: false });
  restarted = await runWeek({ quiet: 'short', restart: true });
  skipping = await runWeek({ quiet: 'skip', restart: true });
  onPostgres = await runWeek({ quiet: 'short', restart: true, kind: 'postgres' });
}, 240_000);

afterAll(async () => {
  for (const w of [plain, restarted, skipping, onPostgres]) await w?.close();
});

describe('a simulated week of daily briefs', () => {
  it('GIVEN documents added on days 2 (ingest) and 4 (a dropped file) THEN those days quote their points, and quiet days are one short note', () => {
    const { posts } = plain;
    // Day 1 is the server's first brief: the last 24 hours, in which the bundled article was first seen.
    expect(quotedCitations(posts[0]!).every((c) => c.startsWith('putin-sharif-sco#'))).toBe(true);
    expect(quotedCitations(posts[0]!).length).toBeGreaterThan(0);

    const day2 = posts[1]!.join('\n');
    expect(day2).toContain('📄 Pakistan gas pipeline memo');
    expect(quotedCitations(posts[1]!).length).toBeGreaterThan(0);
    expect(quotedCitations(posts[1]!).every((c) => c.startsWith('pakistan-gas-pipeline-memo#'))).toBe(true);
    expect(day2).toContain('**Topics that grew**');

    const day4 = posts[3]!.join('\n');
    expect(day4).toContain('📄 Barter trade note <https://example.com/barter>');
    expect(quotedCitations(posts[3]!).length).toBeGreaterThan(0);
    expect(quotedCitations(posts[3]!).every((c) => c.startsWith('barter-note#'))).toBe(true);

    for (const day of [3, 5, 6, 7]) {
      const quiet = posts[day - 1]!;
      expect(quiet, `day ${day}`).toHaveLength(1);
      const lines = quiet[0]!.split('\n');
      expect(lines.length).toBeLessThanOrEqual(2);
      expect(lines[1]).toMatch(/^Nothing new since \w+day \d+ \w+ \d{4} · [23] documents, \d+ topics · `\/topics` to browse$/);
    }
    // Day 5 says nothing new since day 4's brief.
    expect(posts[4]![0]).toContain(`Nothing new since ${new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long' }).format(dayAt(4))}`);
  });

  it('GIVEN the whole week THEN no sentence is quoted twice', () => {
    const cited = plain.posts.flatMap(quotedCitations);
    expect(new Set(cited).size).toBe(cited.length);
    const quoted = plain.posts.flatMap((day) => day.join('\n').split('\n').filter((l) => l.startsWith('> ')));
    expect(new Set(quoted).size).toBe(quoted.length);
  });

  it('GIVEN a restart between every two days THEN every brief is the same as without one', () => {
    expect(restarted.posts).toEqual(plain.posts);
  });

  it('GIVEN the state in PostgreSQL, with a restart between every two days THEN the same week of briefs', () => {
    expect(onPostgres.posts).toEqual(plain.posts);
  });

  it('GIVEN quiet: skip THEN quiet days post nothing (logged as such) and the news days quote the same points', async () => {
    for (const day of [3, 5, 6, 7]) expect(skipping.posts[day - 1], `day ${day}`).toEqual([]);
    for (const day of [1, 2, 4]) expect(quotedCitations(skipping.posts[day - 1]!)).toEqual(quotedCitations(plain.posts[day - 1]!));
    const last = (await skipping.store.lastEntry(GUILD))!;
    expect(last).toMatchObject({ status: 'skipped', errorMessage: QUIET_SKIPPED });
    // Day 4's news is measured from day 2's brief, the previous one that was posted.
    expect(skipping.posts[3]![0]).toContain(`**New since ${new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long' }).format(dayAt(2))}`);
  });
});
