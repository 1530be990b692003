import { oneLibrary } from '../../src/tenancy/scope.js';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_COOLDOWNS } from '../../src/abuse/cooldown.js';
import { LOADING } from '../../src/discord/interactions.js';
import { startService } from '../../src/discord/service.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { Library } from '../../src/library.js';
import { Lifecycle } from '../../src/lifecycle/index.js';
import { startFakeDiscord, type FakeDiscord } from '../fake-discord/server.js';
import { registerCommands, tempDataDir } from '../helpers/bot.js';
import { untilAnswering } from '../helpers/loading.js';
import { FAST_IDENTIFY, memoryLogger } from '../helpers/service.js';

let fake: FakeDiscord;
let dataDir: string;
let lifecycle: Lifecycle;
let healthUrl: string | undefined;
let library: Library | undefined;
const lines = memoryLogger();

beforeAll(async () => {
  fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-tests' });
  dataDir = await tempDataDir();
  await registerCommands(fake);
  lifecycle = new Lifecycle();
  // As src/main.ts starts the bot: online first, the library arriving later.
  ({ healthUrl } = await startService({
    config: { cooldowns: NO_COOLDOWNS, health: { port: 0, host: '127.0.0.1' }, apiUrl: fake.apiUrl },
    token: fake.token,
    getLibrary: () => {
      if (!library) throw new Error('the library is not loaded yet');
      return library;
    },
    libraries: oneLibrary(() => library!),
    commands: await loadCommands(),
    logger: lines.logger,
    lifecycle,
    ws: FAST_IDENTIFY,
    loading: () => (library ? undefined : LOADING),
  }));
});

afterAll(async () => {
  await lifecycle.shutdown(lines.logger, 1_000);
  await fake.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a bot whose library is still loading', () => {
  it('GIVEN the gateway is up but the library is not loaded THEN commands are told so privately, autocomplete offers nothing, and /readyz says not ready', async () => {
    const search = await fake.sendCommand('search', { query: 'wheat' });
    expect(search.ephemeral).toBe(true);
    expect(search.deferred).toBe(false);
    expect(search.final()?.content).toBe(LOADING);
    expect((await fake.sendAutocomplete('quote', { citation: 'whe' }, 'citation')).choices).toEqual([]);
    const ready = await fetch(`${healthUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, checks: expect.arrayContaining([{ name: 'library', ok: false, detail: 'loading' }]) });
    expect(lines.lines.find((l) => l.msg === 'interaction handled' && l.outcome === 'loading')).toBeDefined();
  });

  it('GIVEN the library then loads THEN the same commands are answered normally and /readyz turns ready', async () => {
    library = await Library.load(dataDir);
    const { res, loading } = await untilAnswering(fake);
    expect(loading).toBe(0);
    expect(res.final()?.content).toContain('putin-sharif-sco');
    const search = await fake.sendCommand('search', { query: 'wheat exports' });
    expect(search.final()?.content).toContain('putin-sharif-sco#p3.s2');
    expect((await fetch(`${healthUrl}/readyz`)).status).toBe(200);
  });
});
