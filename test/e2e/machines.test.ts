import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOADING } from '../../src/discord/interactions.js';
import { shardOf } from '../../src/discord/shards.js';
import { STORE_UNAVAILABLE } from '../../src/ingest/service.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/server.js';
import { fakeDiscordEnv, isolatedEnv, REPO, registerCommands, tempDataDir } from '../helpers/bot.js';
import { shown } from '../helpers/replies.js';
import { freePort, startPostgresServer, type PostgresServer } from '../helpers/postgres-server.js';

/**
 * Bot processes as on several machines: `node --import tsx src/main.ts`, one
 * per shard, each with its own DATA_DIR and INDEX_DIR, all with one
 * DATABASE_URL (a PostgreSQL server of this file's own, so it can be stopped).
 */

const run = promisify(execFile);
let fake: FakeDiscord;
let pgServer: PostgresServer;
let databaseUrl: string;
const folders: string[] = [];
const children = new Set<ChildProcess>();
/** A server on each shard. */
const servers: { guildId: string; channelId: string }[] = [];

async function folder(prefix: string, withBundledData = false): Promise<string> {
  const dir = withBundledData ? await tempDataDir() : await mkdtemp(path.join(os.tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** No `.env` is read and every other variable is blank: a user's own settings never reach these processes. */
function env(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return isolatedEnv({
    ...fakeDiscordEnv(fake),
    DATA_DIR: dataDir,
    INDEX_DIR: path.join(dataDir, '.dossier', 'index'),
    DATABASE_URL: databaseUrl,
    SHARD_COUNT: '2',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    ...extra,
  });
}

function startBotProcess(shard: number, dataDir: string, extra: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/main.ts')], {
    cwd: REPO,
    env: env(dataDir, { SHARD_IDS: String(shard), ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { child, output: () => out };
}


const inServer = (i: number) => ({ guildId: servers[i]!.guildId, channelId: servers[i]!.channelId });

/** Sends `/search` in the server until the answer passes `check` (the process may still be starting, or catching up). */
async function searchUntil(i: number, query: string, check: (answer: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      last = shown(await fake.sendCommand('search', { query }, { ...inServer(i), timeoutMs: 2_000 })).content;
      if (last !== LOADING && check(last)) return last;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`server ${i}: no matching answer to “${query}” within ${timeoutMs} ms; last: ${last.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  pgServer = await startPostgresServer();
  const u = new URL(pgServer.url);
  u.pathname = '/postgres';
  databaseUrl = u.toString();
  fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-tests', shards: 2 });
  await registerCommands(fake);
  const candidates = [{ guildId: fake.guildId, channelId: fake.channelId }];
  while (new Set(candidates.map((c) => shardOf(c.guildId, 2))).size < 2) {
    candidates.push(fake.addGuild());
    await new Promise((r) => setTimeout(r, 7));
  }
  for (const shard of [0, 1]) servers.push(candidates.find((c) => shardOf(c.guildId, 2) === shard)!);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await fake?.close();
  await pgServer?.stop();
  for (const dir of folders) await rm(dir, { recursive: true, force: true });
});

describe('several bot processes sharing one PostgreSQL', () => {
  let shard0: ChildProcess;
  let healthPort: number;

  it('GIVEN a process on each shard, one with the bundled data and one with an empty folder THEN both serve the same shared library', async () => {
    healthPort = await freePort();
    shard0 = startBotProcess(0, await folder('dossier-a-', true)).child;
    startBotProcess(1, await folder('dossier-b-'), { HEALTH_PORT: String(healthPort) });
    for (const i of [0, 1]) expect(await searchUntil(i, 'wheat exports', (a) => a.includes('putin-sharif-sco#p3'))).toContain('putin-sharif-sco#p3');
  });

  it('GIVEN an /ingest on shard 0 THEN a replacement process on an empty folder still serves it', async () => {
    const memo = fake.addAttachment('ferry-memo.md', '# Ferry memo\n\nThe ferry to Baku sails twice a week in winter.\n', 'text/markdown');
    const added = shown(await fake.sendCommand('ingest', { file: { type: 11, value: memo.id } }, inServer(0))).content;
    expect(added).toContain('Added **Ferry memo** as `ferry-memo`');
    shard0.kill('SIGKILL');
    await new Promise((r) => shard0.once('exit', r));
    shard0 = startBotProcess(0, await folder('dossier-c-')).child;
    expect(await searchUntil(0, 'ferry to Baku', (a) => a.includes('ferry-memo#p1'))).toContain('twice a week');
    // The other server does not see it: it is shard 0's server's own document.
    expect(await searchUntil(1, 'ferry to Baku', (a) => !a.includes('ferry-memo'))).not.toContain('ferry-memo');
  });

  it('GIVEN an operator’s `dossier ingest --shared` from a third folder THEN both processes serve it', async () => {
    const third = await folder('dossier-d-');
    // The file comes from elsewhere: one already in the data folder is a document there, and ingesting it again adds nothing.
    const file = path.join(await folder('dossier-inbox-'), 'pipeline.md');
    await writeFile(file, '# Pipeline memo\n\nThe pipeline under the Caspian seabed carries gas to Azerbaijan.\n');
    const { stdout } = await run(process.execPath, [path.join(REPO, 'bin/dossier.js'), 'ingest', file, '--shared'], { cwd: REPO, env: env(third) });
    expect(stdout).toContain('Added Pipeline memo as pipeline-memo');
    for (const i of [0, 1]) expect(await searchUntil(i, 'Caspian seabed', (a) => a.includes('pipeline-memo#p1'))).toContain('pipeline-memo#p1');
  });

  it('GIVEN the database down for a few seconds THEN searches answer, /ingest is refused politely, /readyz says so, and the processes recover', async () => {
    await pgServer.halt();
    expect(await searchUntil(1, 'wheat exports', (a) => a.includes('putin-sharif-sco#p3'))).toContain('putin-sharif-sco#p3');
    const memo = fake.addAttachment('outage.md', '# Outage memo\n\nWritten while the database was down.\n', 'text/markdown');
    const refused = await fake.sendCommand('ingest', { file: { type: 11, value: memo.id } }, inServer(1));
    expect(shown(refused).content).toContain(STORE_UNAVAILABLE);
    const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toMatch(/"name":"database","ok":false/);
    await pgServer.start();
    const deadline = Date.now() + 30_000;
    while ((await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('/readyz not ready again within 30 s of the database coming back');
      await new Promise((r) => setTimeout(r, 200));
    }
    const again = fake.addAttachment('after.md', '# After memo\n\nWritten once the database was back.\n', 'text/markdown');
    expect(shown(await fake.sendCommand('ingest', { file: { type: 11, value: again.id } }, inServer(1))).content).toContain('Added **After memo**');
    for (const c of children) expect(c.exitCode).toBeNull();
  });
});
