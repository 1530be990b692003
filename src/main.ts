import { access } from 'node:fs/promises';
import { ConfigError, loadConfig, requireDiscord, type Config } from './config.js';
import { runConsole } from './console/repl.js';
import { startBot } from './discord/bot.js';
import { loadEnv } from './env.js';
import { loadCommands } from './interactions/registry.js';
import { startLibraryServices } from './ingest/index.js';
import { Library } from './library.js';
import { createLogger } from './log.js';

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
  const logger = createLogger({ level: bot ? config.logLevel : (process.env.LOG_LEVEL ?? 'warn'), pretty: !config.production, fd: bot ? 1 : 2 });
  await access(config.dataDir).catch(() => fail(`DATA_DIR: the folder ${config.dataDir} does not exist.`));

  const library = await Library.load(config.dataDir, logger);
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
  const running = await startBot({ token, apiUrl: config.apiUrl, getLibrary: currentLibrary, commands, logger, services: { ingest } });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await watcher?.close();
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

await main();
