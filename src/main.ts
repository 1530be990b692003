import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, requireDiscord, type Config } from './config.js';
import { terminalSender } from './console/digest.js';
import { runConsole } from './console/repl.js';
import { CONSOLE_SERVER } from './console/session.js';
import { DatabaseError, openDatabase, type Database } from './db/index.js';
import { databasePassword } from './db/url.js';
import { reportOversized } from './documents/oversized.js';
import { DigestService } from './digest/service.js';
import { DigestStore } from './digest/store.js';
import { DocumentMirror, manifestFile, openDocumentMirror } from './documents/mirror.js';
import { startDigest } from './discord/digest.js';
import { ownsGuild } from './discord/shards.js';
import { createFeedService, FeedPoller } from './feeds/index.js';
import { followServerPresence } from './discord/feed-servers.js';
import { LOADING } from './discord/interactions.js';
import { startService } from './discord/service.js';
import { loadEnv } from './env.js';
import type { CommandServices } from './interactions/command.js';
import { loadCommands } from './interactions/registry.js';
import { startLibraryServices } from './ingest/index.js';
import type { LibraryServices } from './ingest/index.js';
import { settleLegacyIngested } from './tenancy/legacy.js';
import { Lifecycle } from './lifecycle/index.js';
import { installProcessHooks } from './lifecycle/process.js';
import { createLogger } from './log.js';
import { databaseReady } from './observability/checks.js';
import { openLibrary } from './store/build.js';
import { recordDigest, trackServerLibraries } from './observability/metrics.js';

const consoleBanner = (guildId: string | null) => `Dossier local console: no DISCORD_TOKEN is set, so the slash commands answer here instead.
Type /help, or try: /search american hegemny · /quote putin-sharif-sco#p3.s2 context:1 · /topics · /summary
${guildId ? `Answers come as server ${guildId} sees the library (the shared library and its own documents); \`/guild\` alone goes back to the shared library.` : 'Answers come from the shared library; `/guild <server id>` (or `npm start -- --guild <id>`) answers as one server sees it.'}
To run in Discord: copy .env.example to .env, set DISCORD_TOKEN and DISCORD_APPLICATION_ID, run \`npm run deploy\` once, then \`npm start\`.
`;

/** `npm start -- --guild <id>`: the console answers as that server sees the library. */
function consoleGuild(): string | null {
  let guild: string | undefined;
  try {
    guild = parseArgs({ args: process.argv.slice(2), options: { guild: { type: 'string' } } }).values.guild;
  } catch (err) {
    fail(`${(err as Error).message}\nUsage: npm start [-- --guild <server id>]`);
  }
  if (guild !== undefined && !/^\d{17,20}$/.test(guild)) fail('--guild takes a Discord server id (17–20 digits).');
  return guild ?? null;
}

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
  const logger = createLogger({ level: bot ? config.logLevel : (process.env.LOG_LEVEL?.trim() || 'warn'), pretty: !config.production, fd: bot ? 1 : 2, secrets: [config.discordToken, databasePassword(config.database)] });
  await access(config.dataDir).catch(() => fail(`DATA_DIR: the folder ${config.dataDir} does not exist.`));
  // Every start, not only when the index is rebuilt: a file skipped for its size is never skipped in silence.
  void reportOversized(config.dataDir, config.ingest.maxBytes, logger);
  // Closeables (the database, schedulers) register with `lifecycle.onClose`; SIGTERM drains and closes them.
  // Installed before the (possibly long) index build, so a stop during start-up still exits cleanly.
  const lifecycle = new Lifecycle();
  if (bot) installProcessHooks({ lifecycle, logger });

  // Opened before the (possibly long) index build: a corrupt or unwritable database should stop start-up at once.
  let db: Database | undefined;
  if (bot) {
    try {
      db = await openDatabase(config.database);
    } catch (err) {
      if (err instanceof DatabaseError) fail(err.message);
      throw err;
    }
    const opened = db;
    // Registered before the scheduler, so it closes after it.
    lifecycle.onClose({ name: 'database', close: () => opened.close() });
  }

  const commands = await loadCommands();
  if (!bot) {
    const guildId = consoleGuild();
    // From the saved index when the documents are unchanged (seconds); otherwise built in a worker thread.
    // The console answers at once, so it waits for topics too.
    // With DATABASE_URL the console answers from the shared store too: this folder is brought in step first.
    let mirror: DocumentMirror | undefined;
    if (config.database.kind === 'postgres') {
      try {
        mirror = await openDocumentMirror(config.database, config.dataDir, logger, config.ingest.maxBytes);
      } catch (err) {
        if (err instanceof DatabaseError) fail(err.message);
        throw err;
      }
    }
    const library = await openLibrary(config.dataDir, { logger, maxBytes: config.ingest.maxBytes, indexDir: config.indexDir, complete: true });
    // A long console session follows other processes' /ingest and /forget as the bot does: the mirror writes
    // each change to this folder and the watcher (only with a database: otherwise nothing else writes here) reads it in.
    const { libraries, watcher } = await startLibraryServices(library, { dataDir: config.dataDir, ...config.ingest, analystRoleId: config.analystRoleId, recorder: mirror }, { logger, watch: mirror !== undefined });
    mirror?.follow(watcher);
    const open = async (id: string | null) => (id === null ? libraries.shared : libraries.server(id));
    // `/digest now` keeps the console's brief history in the database, as `dossier digest` does.
    const services: CommandServices = {};
    let consoleDb: Database | undefined;
    try {
      consoleDb = await openDatabase(config.database);
      // A brief "posted" from the console is printed, under the channel it would have gone to; the local
      // "console" server (no --guild) reads the shared library.
      services.digest = new DigestService({ store: new DigestStore(consoleDb), libraryFor: async (id) => (await open(id === CONSOLE_SERVER ? null : id)).library(), logger, sender: terminalSender(process.stdout) });
      // /feed as in Discord (without --guild, the shared library's feeds, as `dossier feed` has them); no poller runs here.
      services.feeds = createFeedService({ database: consoleDb, libraries, settings: { dataDir: config.dataDir, ...config.ingest }, feeds: config.feeds, logger, polls: false });
    } catch (err) {
      if (!(err instanceof DatabaseError)) throw err;
      logger.warn({ err: err.message }, 'the daily brief and feeds are not available in the console');
    }
    await runConsole({ open, guildId, commands, logger, banner: consoleBanner(guildId), services });
    await consoleDb?.close();
    await mirror?.close();
    await watcher?.close();
    return;
  }
  const { token } = requireDiscord(config);

  // Online at once: until the library is loaded every interaction is told so
  // (privately) and /readyz says not ready, rather than Discord reporting that
  // the application did not respond. The services commands use are filled in
  // once the library is there; `started` is set last, which opens the gate.
  let started: LibraryServices | undefined;
  const services: CommandServices = {};
  const loaded = () => {
    if (!started) throw new Error('the library is not loaded yet');
    return started;
  };
  // Documents /ingest added before each server had its own library: to their server's folder, when known.
  await settleLegacyIngested(config.dataDir, logger);
  // With DATABASE_URL the database holds the documents and this folder is this machine's copy:
  // brought in step before the library loads, then kept in step as other processes change it (below).
  let mirror: DocumentMirror | undefined;
  if (db!.kind === 'postgres') {
    mirror = new DocumentMirror(db!, config.dataDir, manifestFile(config.dataDir), logger, config.ingest.maxBytes);
    try {
      await mirror.reconcile();
    } catch (err) {
      fail(`DATABASE_URL: could not bring the data folder in step with the database at ${db!.location}: ${(err as Error).message}`);
    }
    const following = mirror;
    // Registered after the database, so it closes first.
    lifecycle.onClose({ name: 'document-changes', close: () => following.close() });
  }
  // Loading starts now, alongside the gateway login.
  const loadingLibrary = openLibrary(config.dataDir, { logger, maxBytes: config.ingest.maxBytes, indexDir: config.indexDir });
  // Awaited below; this only keeps an early failure from counting as unhandled while the gateway connects.
  loadingLibrary.catch(() => {});
  const { bot: running } = await startService({
    config,
    token,
    getLibrary: () => loaded().manager.current(),
    libraries: { scope: (guildId) => loaded().libraries.scope(guildId) },
    commands,
    logger,
    lifecycle,
    services,
    checks: [databaseReady(db!)],
    loading: () => (started ? undefined : LOADING),
  });

  // From the saved index when the documents are unchanged (seconds); otherwise built in a worker
  // thread, and searches are served while the topics are still being built.
  const library = await loadingLibrary;
  if (!lifecycle.accepting) return;
  const ready = await startLibraryServices(
    library,
    { dataDir: config.dataDir, ...config.ingest, analystRoleId: config.analystRoleId, recorder: mirror },
    { logger, watch: true, memoryBudgetBytes: config.teamMemoryMb * 1024 * 1024 },
  );
  if (ready.watcher) lifecycle.onClose({ name: 'data-watcher', close: () => ready.watcher!.close() });
  // Changes other processes made reach this process's libraries without waiting for file-system events.
  // Followed from here, once the watcher exists: what changed since the reconciliation is caught up on first.
  mirror?.follow(ready.watcher);
  const digest = startDigest({
    db: db!,
    client: running.client,
    // Each server's brief reads its own view: the shared documents and its own.
    libraryFor: async (guildId) => (await ready.libraries.scope(guildId)).library(),
    logger,
    onOutcome: recordDigest,
    owns: (guildId) => ownsGuild(config.shards, guildId),
  });
  lifecycle.onClose({ name: 'digest-scheduler', close: () => digest.scheduler.stop() });
  services.digest = digest.service;
  trackServerLibraries(() => ready.libraries.stats());
  // Each server's feeds fill its library; stopped before the database closes (the check in progress finishes first).
  const feeds = createFeedService({
    database: db!,
    libraries: ready.libraries,
    settings: { dataDir: config.dataDir, ...config.ingest },
    feeds: config.feeds,
    logger,
    // With shards, each process polls its own servers' feeds; the shared library's, the process running shard 0.
    owns: (guildId) => (guildId === null ? config.shards.ids.includes(0) : ownsGuild(config.shards, guildId)),
  });
  const poller = new FeedPoller(feeds, logger);
  lifecycle.onClose({ name: 'feed-poller', close: () => poller.stop() });
  // Polling starts once the gateway says which servers this process is in: feeds of servers that removed the bot pause.
  void followServerPresence({ client: running.client, ready: running.ready, feeds, logger })
    .then(() => poller.start())
    .catch((err: unknown) => logger.error({ err }, 'feed polling did not start'));
  services.feeds = feeds;
  // Set last: this opens the gate.
  started = ready;
  logger.info({ documents: library.docs.length }, 'library ready: answering commands');
}

await main();
