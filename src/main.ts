import { access } from 'node:fs/promises';
import { ConfigError, loadConfig, requireDiscord, type Config } from './config.js';
import { runConsole } from './console/repl.js';
import { DatabaseError, openDatabase, type Db } from './db/index.js';
import { startDigest } from './discord/digest.js';
import { LOADING } from './discord/interactions.js';
import { startService } from './discord/service.js';
import { loadEnv } from './env.js';
import type { CommandServices } from './interactions/command.js';
import { loadCommands } from './interactions/registry.js';
import { startLibraryServices } from './ingest/index.js';
import type { LibraryManager } from './ingest/manager.js';
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

  const commands = await loadCommands();
  if (!bot) {
    // From the saved index when the documents are unchanged (seconds); otherwise built in a worker thread.
    // The console answers at once, so it waits for topics too.
    const library = await openLibrary(config.dataDir, { logger, indexDir: config.indexDir, complete: true });
    await runConsole({ getLibrary: () => library, commands, logger, banner: CONSOLE_BANNER });
    return;
  }
  const { token } = requireDiscord(config);

  // Online at once: until the library is loaded every interaction is told so
  // (privately) and /readyz says not ready, rather than Discord reporting that
  // the application did not respond. The services commands use are filled in
  // once the library is there; `manager` is set last, which opens the gate.
  let manager: LibraryManager | undefined;
  const services: CommandServices = {};
  const currentLibrary = () => {
    if (!manager) throw new Error('the library is not loaded yet');
    return manager.current();
  };
  // Loading starts now, alongside the gateway login.
  const loadingLibrary = openLibrary(config.dataDir, { logger, indexDir: config.indexDir });
  // Awaited below; this only keeps an early failure from counting as unhandled while the gateway connects.
  loadingLibrary.catch(() => {});
  const { bot: running } = await startService({
    config,
    token,
    getLibrary: currentLibrary,
    commands,
    logger,
    lifecycle,
    services,
    checks: [databaseWritable(db!)],
    loading: () => (manager ? undefined : LOADING),
  });

  // From the saved index when the documents are unchanged (seconds); otherwise built in a worker
  // thread, and searches are served while the topics are still being built.
  const library = await loadingLibrary;
  if (!lifecycle.accepting) return;
  const started = await startLibraryServices(
    library,
    { dataDir: config.dataDir, ...config.ingest, analystRoleId: config.analystRoleId },
    { logger, watch: true },
  );
  if (started.watcher) lifecycle.onClose({ name: 'data-watcher', close: () => started.watcher!.close() });
  const digest = startDigest({ db: db!, client: running.client, getLibrary: () => started.manager.current(), logger, onOutcome: recordDigest });
  lifecycle.onClose({ name: 'digest-scheduler', close: () => digest.scheduler.stop() });
  services.ingest = started.ingest;
  services.digest = digest.service;
  manager = started.manager;
  logger.info({ documents: library.docs.length }, 'library ready: answering commands');
}

await main();
