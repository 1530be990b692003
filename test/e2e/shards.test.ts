import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startBot, type Bot } from '../../src/discord/bot.js';
import { shardOf } from '../../src/discord/shards.js';
import { startLibraryServices, type LibraryServices } from '../../src/ingest/index.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/server.js';
import { registerCommands, tempDataDir } from '../helpers/bot.js';
import { shown } from '../helpers/replies.js';
import { FAST_IDENTIFY } from '../helpers/service.js';

/**
 * Two bot processes, one per shard (SHARD_COUNT=2, SHARD_IDS=0 and =1), against
 * a fake Discord that routes each server's events to its shard as Discord does.
 * Each process hears only its own servers and loads only their libraries.
 */

interface ShardProcess {
  bot: Bot;
  services: LibraryServices;
}

let fake: FakeDiscord;
let dataDir: string;
/** A server on each shard, with a memo of its own. */
const servers: { guildId: string; channelId: string; memo: string }[] = [];
const processes: ShardProcess[] = [];
/** Every server the bot is in (more than two when the clock lands several on one shard first). */
let allGuilds: string[] = [];
const onShard = (shard: number) => allGuilds.filter((g) => shardOf(g, 2) === shard).sort();

async function startProcess(env: Record<string, string>): Promise<ShardProcess> {
  const { shards } = loadConfig({ ...env, DATA_DIR: dataDir });
  const services = await startLibraryServices(await Library.load(dataDir), { dataDir, maxBytes: 10 * 1024 * 1024, allowPrivateUrls: false });
  const bot = await startBot({ token: fake.token, apiUrl: fake.apiUrl, libraries: services.libraries, commands: await loadCommands(), logger: silentLogger, ws: FAST_IDENTIFY, shards });
  await bot.ready;
  const p = { bot, services };
  processes.push(p);
  return p;
}


beforeAll(async () => {
  fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-tests', shards: 2 });
  await registerCommands(fake);
  dataDir = await tempDataDir();
  // Servers until each shard has one (ids are snowflakes; the shard comes from their timestamp bits).
  const candidates = [{ guildId: fake.guildId, channelId: fake.channelId }];
  while (new Set(candidates.map((c) => shardOf(c.guildId, 2))).size < 2) {
    candidates.push(fake.addGuild());
    // A new snowflake's shard moves with the clock: wait a few ms between servers.
    await new Promise((r) => setTimeout(r, 7));
  }
  allGuilds = candidates.map((c) => c.guildId);
  for (const shard of [0, 1]) {
    const server = candidates.find((c) => shardOf(c.guildId, 2) === shard)!;
    const memo = `shard-${shard}-memo`;
    await mkdir(path.join(dataDir, 'guilds', server.guildId), { recursive: true });
    await writeFile(path.join(dataDir, 'guilds', server.guildId, `${memo}.md`), `# Shard ${shard} memo\n\nThe convoy on shard ${shard} reached the ferry terminal at dawn.\n`);
    servers.push({ ...server, memo });
  }
});

afterAll(async () => {
  for (const p of processes) await p.bot.stop();
  await fake?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('one bot process per shard', () => {
  it('GIVEN SHARD_COUNT=2 with SHARD_IDS=0 and =1 THEN each process identifies its own shard and is told only of its own servers', async () => {
    const [zero, one] = [await startProcess({ SHARD_COUNT: '2', SHARD_IDS: '0' }), await startProcess({ SHARD_COUNT: '2', SHARD_IDS: '1' })];
    expect(fake.connectedShards().sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...zero.bot.client.guilds.cache.keys()].sort()).toEqual(onShard(0));
    expect([...one.bot.client.guilds.cache.keys()].sort()).toEqual(onShard(1));
  });

  it('GIVEN a command in each server THEN the process on its shard answers from that server’s library, and loads no other server’s', async () => {
    const [zero, one] = processes;
    for (const [i, s] of servers.entries()) {
      const answer = shown(await fake.sendCommand('search', { query: 'convoy ferry terminal' }, { guildId: s.guildId, channelId: s.channelId })).content;
      expect(answer).toContain(`${s.memo}#p1`);
      expect(answer).not.toContain(servers[1 - i]!.memo);
    }
    expect(zero!.services.libraries.isLoaded(servers[0]!.guildId)).toBe(true);
    expect(zero!.services.libraries.isLoaded(servers[1]!.guildId)).toBe(false);
    expect(one!.services.libraries.isLoaded(servers[1]!.guildId)).toBe(true);
    expect(one!.services.libraries.isLoaded(servers[0]!.guildId)).toBe(false);
    // The shared library answers on both shards.
    for (const s of servers) expect(shown(await fake.sendCommand('search', { query: 'wheat exports' }, { guildId: s.guildId, channelId: s.channelId })).content).toContain('putin-sharif-sco#p3');
  });

  it('GIVEN the shard-1 process stopped THEN its servers go unanswered while shard 0 keeps answering, and a replacement picks shard 1 up', async () => {
    const one = processes.pop()!;
    await one.bot.stop();
    expect(fake.connectedShards()).toEqual([[0, 2]]);
    const s0 = servers[0]!;
    expect(shown(await fake.sendCommand('search', { query: 'convoy' }, { guildId: s0.guildId, channelId: s0.channelId })).content).toContain(`${s0.memo}#p1`);
    const s1 = servers[1]!;
    // Nothing is connected on shard 1: the fake has nowhere to deliver the interaction.
    await expect(fake.sendCommand('search', { query: 'convoy' }, { guildId: s1.guildId, channelId: s1.channelId, timeoutMs: 300 })).rejects.toThrow(/on the shard of server/);
    await startProcess({ SHARD_COUNT: '2', SHARD_IDS: '1' });
    expect(shown(await fake.sendCommand('search', { query: 'convoy' }, { guildId: s1.guildId, channelId: s1.channelId })).content).toContain(`${s1.memo}#p1`);
  });

  it('GIVEN SHARD_COUNT=2 without SHARD_IDS THEN one process runs both shards and hears every server', async () => {
    for (const p of processes.splice(0)) await p.bot.stop();
    const both = await startProcess({ SHARD_COUNT: '2' });
    expect(fake.connectedShards().sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...both.bot.client.guilds.cache.keys()].sort()).toEqual([...allGuilds].sort());
  });
});
