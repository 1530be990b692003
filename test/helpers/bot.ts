import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../src/config.js';
import { startBot, type Bot } from '../../src/discord/bot.js';
import { LibraryManager } from '../../src/ingest/manager.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { Libraries } from '../../src/tenancy/libraries.js';
import { harnessLibrary } from './e2e-corpus.js';
import { startFakeDiscord } from '../fake-discord/server.js';

export const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * The library tests build on: a copy of the bundled article, never the working
 * `data/`, which holds whatever the user has added since.
 */
export const FIXTURE_LIBRARY = path.join(REPO, 'test/fixtures/library');

/** A temporary DATA_DIR holding the fixture library plus any extra files. */
export async function tempDataDir(extra: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-data-'));
  await cp(FIXTURE_LIBRARY, dir, { recursive: true });
  for (const [name, text] of Object.entries(extra)) await writeFile(path.join(dir, name), text);
  return dir;
}

/**
 * The environment for a child process of the product: no `.env` is loaded (the
 * user's sits beside the repository), and every variable Dossier reads is set,
 * blank unless given, so the user's shell cannot change what a test runs against.
 */
export function isolatedEnv(vars: Record<string, string>, base: NodeJS.ProcessEnv = { PATH: process.env.PATH }): NodeJS.ProcessEnv {
  return { ...base, ...Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, ''])), DOTENV_CONFIG_PATH: os.devNull, ...vars };
}

/** What a bot child process needs to reach the fake Discord (for `isolatedEnv`). */
export function fakeDiscordEnv(fake: { token: string; applicationId: string; apiUrl: string }): Record<string, string> {
  return { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl };
}

export interface Harness {
  fake: Awaited<ReturnType<typeof startFakeDiscord>>;
  bot: Bot;
  /** The shared library. */
  library: Library;
  libraries: Libraries;
  dataDir: string;
  close(): Promise<void>;
}

/** Every library for `dataDir` as the bot serves them: `library` shared, servers' own loaded on first use. */
export function librariesFor(library: Library, dataDir: string): Libraries {
  return new Libraries(new LibraryManager(library), { settings: { dataDir, maxBytes: 10 * 1024 * 1024, allowPrivateUrls: false } });
}

/** The real discord.js client, logged into the loopback fake, serving the real command modules. */
export async function startHarness(extra: Record<string, string> = {}): Promise<Harness> {
  const fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-tests' });
  const dataDir = await tempDataDir(extra);
  const library = await harnessLibrary(dataDir);
  const commands = await loadCommands();
  const libraries = librariesFor(library, dataDir);
  const bot = await startBot({ token: fake.token, apiUrl: fake.apiUrl, libraries, commands, logger: silentLogger });
  await bot.ready;
  return {
    fake,
    bot,
    library,
    libraries,
    dataDir,
    async close() {
      // The client first: otherwise it keeps reconnecting to the closed fake.
      await bot.stop();
      await fake.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers the real command definitions in a guild of the fake (default its first), as `npm run deploy` would, so option types come from them. */
export async function registerCommands(fake: Harness['fake'], guildId = fake.guildId): Promise<void> {
  const commands = await loadCommands();
  await fetch(`${fake.apiUrl}/v10/applications/${fake.applicationId}/guilds/${guildId}/commands`, {
    method: 'PUT',
    headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
    body: JSON.stringify([...commands.values()].map((c) => c.data)),
  });
}
