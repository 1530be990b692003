import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/server.js';
import { isolatedEnv, registerCommands, REPO, tempDataDir } from '../helpers/bot.js';
import { untilAnswering } from '../helpers/loading.js';

const SLUG = 'putin-sharif-sco';
let cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** `node --import tsx src/main.ts`, exactly as the systemd unit and the Docker image start it. */
async function startProcess(fake: FakeDiscord, dataDir: string): Promise<{ child: ChildProcess; output: () => string }> {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/main.ts')], {
    cwd: REPO,
    env: isolatedEnv({
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  cleanup.push(async () => void (child.exitCode === null && child.kill('SIGKILL')));
  await fake.waitForGatewayReady(20_000);
  return { child, output: () => out };
}

function exited(child: ChildProcess, withinMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running ${withinMs} ms after SIGTERM`)), withinMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('SIGTERM', () => {
  it('GIVEN interactions in flight THEN each still gets its answer, nothing is answered twice, the process exits 0 within 10 s and the database is intact', async () => {
    const fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-tests' });
    const dataDir = await tempDataDir();
    cleanup.push(() => fake.close(), () => rm(dataDir, { recursive: true, force: true }));
    await registerCommands(fake);
    const { child, output } = await startProcess(fake, dataDir);
    // Online first, answering once the library (and with it the daily brief's service) is ready.
    await untilAnswering(fake);
    const MANAGE_GUILD = String(1n << 5n);

    // Hold each answer at Discord's door so all of them are in flight when the signal lands.
    fake.delayNext({ method: 'POST', pathPrefix: '/interactions/' }, 1_500, 4);
    const pending = [
      fake.sendCommand('quote', { citation: `${SLUG}#p3.s2` }),
      fake.sendCommand('search', { query: 'american hegemony' }),
      fake.sendCommand('sources', {}),
      // Writes the schedule to SQLite while the signal arrives.
      fake.sendCommand('digest', { channel: fake.channelId, time: '08:30', timezone: 'Europe/London' }, { subcommand: 'set', permissions: MANAGE_GUILD }),
    ];
    const callbacks = () => fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/interactions/')).length;
    const before = callbacks();
    while (callbacks() < before + 4) {
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGTERM');
    const code = exited(child, 10_000);

    const [quote, search, sources, digest] = await Promise.all(pending);
    expect(quote!.final()?.content).toContain('wheat');
    expect(search!.final()?.content).toContain(`${SLUG}#p5.s1`);
    expect(sources!.final()?.content).toContain(SLUG);
    expect(digest!.final()?.content).toContain('08:30');
    for (const r of [quote!, search!, sources!, digest!]) expect(r.responses.filter((x) => x.kind === 'callback')).toHaveLength(1);
    expect(await code).toBe(0);

    const lines = output().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === 'shutting down: finishing interactions in flight')).toMatchObject({ signal: 'SIGTERM', inFlight: 4 });
    expect(lines.find((l) => l.msg === 'shut down')).toMatchObject({ drained: true });
    expect(output()).not.toContain(fake.token);

    const file = path.join(dataDir, '.dossier', 'dossier.db');
    expect(existsSync(file)).toBe(true);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // The /digest set that was in flight when the signal landed was committed, not lost.
      expect(JSON.stringify(db.prepare('SELECT * FROM guild_settings WHERE guild_id = ?').all(fake.guildId))).toContain('08:30');
    } finally {
      db.close();
    }
  });
});
