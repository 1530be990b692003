import { rm } from 'node:fs/promises';
import pino, { type Logger } from 'pino';
import { NO_COOLDOWNS, type CooldownSettings } from '../../src/abuse/cooldown.js';
import { startService } from '../../src/discord/service.js';
import type { Bot } from '../../src/discord/bot.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { Library } from '../../src/library.js';
import { Lifecycle } from '../../src/lifecycle/index.js';
import { startFakeDiscord } from '../fake-discord/server.js';
import { librariesFor, registerCommands, tempDataDir } from './bot.js';

/** discord.js leaves 5 s between IDENTIFYs; the fake is local, so re-identify at once. */
export const FAST_IDENTIFY = { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) };

/** A pino logger that keeps every line as parsed JSON. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

export interface ServiceHarness {
  fake: Awaited<ReturnType<typeof startFakeDiscord>>;
  bot: Bot;
  lifecycle: Lifecycle;
  healthUrl?: string;
  lines: Record<string, unknown>[];
  logger: Logger;
  close(): Promise<void>;
}

/** The bot as `npm start` runs it (lifecycle, cooldowns, health server), against the fake Discord. */
export async function startServiceHarness({ cooldowns = NO_COOLDOWNS, health = true }: { cooldowns?: CooldownSettings; health?: boolean } = {}): Promise<ServiceHarness> {
  const fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-tests' });
  const dataDir = await tempDataDir();
  const library = await Library.load(dataDir);
  const commands = await loadCommands();
  const { logger, lines } = memoryLogger();
  const lifecycle = new Lifecycle();
  const { bot, healthUrl } = await startService({
    config: { cooldowns, health: health ? { port: 0, host: '127.0.0.1' } : undefined, apiUrl: fake.apiUrl },
    token: fake.token,
    getLibrary: () => library,
    libraries: librariesFor(library, dataDir),
    commands,
    logger,
    lifecycle,
    ws: FAST_IDENTIFY,
  });
  await bot.ready;
  await registerCommands(fake);
  return {
    fake,
    bot,
    lifecycle,
    healthUrl,
    lines,
    logger,
    async close() {
      // The client first (via the lifecycle): otherwise it keeps reconnecting to the closed fake.
      await lifecycle.shutdown(logger, 1_000);
      await fake.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
