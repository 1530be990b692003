import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';
import { startScheduler } from '../../src/digest/scheduler.js';
import type { BriefSender } from '../../src/digest/sender.js';
import { DigestService } from '../../src/digest/service.js';
import { DigestStore } from '../../src/digest/store.js';
import { ownsGuild, shardOf } from '../../src/discord/shards.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { REPO } from '../helpers/bot.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('SHARD_COUNT and SHARD_IDS', () => {
  it('GIVEN neither THEN one process runs the one shard', () => {
    expect(loadConfig({}).shards).toEqual({ count: 1, ids: [0] });
  });

  it('GIVEN a count alone THEN this process runs every shard; with ids, only those', () => {
    expect(loadConfig({ SHARD_COUNT: '4' }).shards).toEqual({ count: 4, ids: [0, 1, 2, 3] });
    expect(loadConfig({ SHARD_COUNT: '4', SHARD_IDS: '3, 1' }).shards).toEqual({ count: 4, ids: [1, 3] });
  });

  it.each([
    [{ SHARD_COUNT: '0' }, /^ {2}SHARD_COUNT: must be a whole number from 1/m],
    [{ SHARD_COUNT: 'two' }, /SHARD_COUNT: must be a whole number/],
    [{ SHARD_IDS: '0' }, /SHARD_IDS: needs SHARD_COUNT/],
    [{ SHARD_COUNT: '2', SHARD_IDS: '2' }, /SHARD_IDS: shard 2 does not exist with SHARD_COUNT=2 \(shards are numbered 0 to 1\)/],
    [{ SHARD_COUNT: '2', SHARD_IDS: '0,0' }, /SHARD_IDS: lists a shard twice/],
    [{ SHARD_COUNT: '2', SHARD_IDS: '0;1' }, /SHARD_IDS: must be a comma-separated list/],
  ])('GIVEN %o THEN start-up stops with a message naming the variable', (env, message) => {
    expect(configError(env)).toMatch(message);
  });

  it('GIVEN server ids THEN the shard is Discord’s formula, (id >> 22) % count', () => {
    // 175928847299117063 is Discord's documented example snowflake: timestamp part 41944705796.
    expect(shardOf('175928847299117063', 1)).toBe(0);
    expect(shardOf('175928847299117063', 2)).toBe(41944705796 % 2);
    expect(shardOf('175928847299117063', 7)).toBe(41944705796 % 7);
    expect(ownsGuild({ count: 7, ids: [41944705796 % 7] }, '175928847299117063')).toBe(true);
    expect(ownsGuild({ count: 7, ids: [(41944705796 + 1) % 7] }, '175928847299117063')).toBe(false);
  });
});

describe('the brief scheduler on a shard', () => {
  it('GIVEN two processes, one per shard, both due for briefs in servers on each shard THEN each posts only for its own servers', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-shard-brief-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const library = await Library.load(path.join(REPO, 'data'));
    // Snowflakes one millisecond apart (the timestamp is the part above bit 22) fall on different shards of two.
    const guilds = ['175928847299117063', String(((175928847299117063n >> 22n) + 1n) << 22n)];
    expect(guilds.map((g) => shardOf(g, 2)).sort()).toEqual([0, 1]);
    const clock = Date.parse('2026-11-28T08:00:30Z');
    const posted: string[][] = [[], []];
    for (const shard of [0, 1]) {
      const db = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'dossier.db') });
      const sender: BriefSender = { isReady: () => true, send: async (channelId, messages) => (posted[shard]!.push(channelId), messages.map((_, i) => String(i))) };
      const store = new DigestStore(db);
      if (shard === 0) {
        for (const g of guilds) await store.saveSettings({ guildId: g, channelId: `9${g.slice(1)}`, time: '08:00', timezone: 'UTC', updatedAt: clock - 3_600_000 });
      }
      const service = new DigestService({ store, sender, libraryFor: async () => library, logger: silentLogger, now: () => clock });
      const scheduler = startScheduler(service, silentLogger, { tickMs: 3_600_000, owns: (g) => ownsGuild({ count: 2, ids: [shard] }, g) });
      await scheduler.tick();
      await scheduler.stop();
      await db.close();
    }
    expect(posted[0]).toEqual(guilds.filter((g) => shardOf(g, 2) === 0).map((g) => `9${g.slice(1)}`));
    expect(posted[1]).toEqual(guilds.filter((g) => shardOf(g, 2) === 1).map((g) => `9${g.slice(1)}`));
  });
});
