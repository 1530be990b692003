import { access } from 'node:fs/promises';
import type { Client } from 'discord.js';
import { ConfigError, loadConfig, requireDiscord, type Config } from './config.js';
import { runConsole } from './console/repl.js';
import { DatabaseError, openDatabase, type Db } from './db/index.js';
import { startDigest } from './discord/digest.js';
import { startService } from './discord/service.js';
import { loadEnv } from './env.js';
import type { CommandServices } from './interactions/command.js';
import { loadCommands } from './interactions/registry.js';
import { startLibraryServices } from './ingest/index.js';
import { Lifecycle } from './lifecycle/index.js';
import { installProcessHooks } from './lifecycle/process.js';
import { createLogger } from './log.js';
import { databaseWritable } from './observability/checks.js';
import { openLibrary } from './store/build.js';
import { recordDigest } from './observability/metrics.js';

const CONSOLE_BANNER = `Dossier local console: no DISCORD_TOKEN is set, so the slash commands answer here instead.
Type /help, or try: /search american hegemny · /quote putin-sharif-sco#p3.s2 context:1 · /topics · /summary
To run in Discord: copy .env.example to .env, set DISCORD_TOKEN and DISCORD_APPLICATION_ID, run \`npm run deploy\` once, then \`npm start\`.
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  loadEnv();
  let config: Config;
  try {
    config = loadConfig();
    if (config.discordToken) requireDiscord(config);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const bot = Boolean(config.discordToken);
  // The console owns stdout for its answers, so its logs go to stderr.
  const logger = createLogger({ level: bot ? config.logLevel : (process.env.LOG_LEVEL ?? 'warn'), pretty: !config.production, fd: bot ? 1 : 2, secrets: [config.discordToken] });
  await access(config.dataDir).catch(() => fail(`DATA_DIR: the folder ${config.dataDir} does not exist.`));
  // Closeables (the database, schedulers) register with `lifecycle.onClose`; SIGTERM drains and closes them.
  // Installed before the (possibly long) index build, so a stop during start-up still exits cleanly.
  const lifecycle = new Lifecycle();
  if (bot) installProcessHooks({ lifecycle, logger });

  // Opened before the (possibly long) index build: a corrupt or unwritable database should stop start-up at once.
  let db: Db | undefined;
  if (bot) {
    try {
      db = openDatabase(config.databasePath);
    } catch (err) {
      if (err instanceof DatabaseError) fail(err.message);
      throw err;
    }
    const opened = db;
    // Registered before the scheduler, so it closes after it.
    lifecycle.onClose({ name: 'database', close: () => void opened.close() });
  }

  // From the saved index when the documents are unchanged (seconds); otherwise built in a worker thread.
  // The console answers at once, so it waits for topics too; the bot serves searches while topics build.
  const library = await openLibrary(config.dataDir, { logger, indexDir: config.indexDir, complete: !bot });
  const getLibrary = () => library;
  const commands = await loadCommands();

  if (!bot) {
    await runConsole({ getLibrary, commands, logger, banner: CONSOLE_BANNER });
    return;
  }
  const { token } = requireDiscord(config);
  const { manager, ingest, watcher } = await startLibraryServices(
    library,
    { dataDir: config.dataDir, ...config.ingest, analystRoleId: config.analystRoleId },
    { logger, watch: true },
  );
  const currentLibrary = () => manager.current();
  if (watcher) lifecycle.onClose({ name: 'data-watcher', close: () => watcher.close() });
  // The brief service exists before the gateway connects, so a /digest arriving right after READY finds it;
  // the scheduler skips its ticks until the client is ready.
  let client: Client | undefined;
  const digest = startDigest({ db: db!, client: () => client, getLibrary: currentLibrary, logger, onOutcome: recordDigest });
  lifecycle.onClose({ name: 'digest-scheduler', close: () => digest.scheduler.stop() });
  const services: CommandServices = { ingest, digest: digest.service };
  const { bot: running } = await startService({ config, token, getLibrary: currentLibrary, commands, logger, lifecycle, services, checks: [databaseWritable(db!)] });
  client = running.client;
}

await main();
