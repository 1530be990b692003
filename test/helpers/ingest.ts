import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { startBot, type Bot } from '../../src/discord/bot.js';
import { startLibraryServices, type LibraryServices } from '../../src/ingest/index.js';
import type { IngestSettings } from '../../src/ingest/service.js';
import type { CommandServices } from '../../src/interactions/command.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { startFakeDiscord } from '../fake-discord/server.js';
import { registerCommands, tempDataDir } from './bot.js';

export interface IngestHarness {
  fake: Awaited<ReturnType<typeof startFakeDiscord>>;
  bot: Bot;
  services: LibraryServices;
  /** What the bot's commands get; a test adds more (the daily brief) once it has them. */
  commandServices: CommandServices;
  dataDir: string;
  close(): Promise<void>;
}

/** The real client against the fake Discord, with the ingest service wired in as main.ts does. */
export async function startIngestHarness(settings: Partial<IngestSettings> = {}, opts: { watch?: boolean } = {}): Promise<IngestHarness> {
  const fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-tests' });
  const dataDir = await tempDataDir();
  const library = await Library.load(dataDir);
  const services = await startLibraryServices(
    library,
    { dataDir, maxBytes: 10 * 1024 * 1024, allowPrivateUrls: false, ...settings },
    { watch: opts.watch },
  );
  const commands = await loadCommands();
  // Ingest comes from each interaction's scope; the daily brief is added by tests that need it.
  const commandServices: CommandServices = {};
  const bot = await startBot({
    token: fake.token,
    apiUrl: fake.apiUrl,
    libraries: services.libraries,
    commands,
    logger: silentLogger,
    services: commandServices,
  });
  await bot.ready;
  // Attachment options only arrive typed once the definitions are registered.
  await registerCommands(fake);
  return {
    fake,
    bot,
    services,
    commandServices,
    dataDir,
    async close() {
      await services.watcher?.close();
      await bot.stop();
      await fake.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestSite {
  url: string;
  /** Every request the server saw, as `METHOD path`. */
  seen: string[];
  close(): Promise<void>;
}

/** A loopback web server for URL ingest tests; routes map a path to a handler. */
export async function startSite(routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>): Promise<TestSite> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const route = routes[req.url ?? ''];
    if (route) route(req, res);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
