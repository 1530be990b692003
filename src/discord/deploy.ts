import { REST, Routes, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { pathToFileURL } from 'node:url';
import { loadEnv } from '../env.js';
import { ConfigError, loadConfig, requireDiscord, type Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { loadCommands } from '../interactions/registry.js';

/**
 * Replaces the whole command list in one PUT: to the dev guild when
 * DISCORD_GUILD_ID is set (global commands are then left alone), otherwise
 * globally. Run by `npm run deploy`, never on start-up.
 */
export async function deployCommands(
  config: Config,
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
  logger: Logger,
): Promise<{ scope: 'guild' | 'global'; count: number }> {
  const { token, applicationId } = requireDiscord(config);
  const rest = new REST(config.apiUrl ? { api: config.apiUrl } : {}).setToken(token);
  const route = config.guildId ? Routes.applicationGuildCommands(applicationId, config.guildId) : Routes.applicationCommands(applicationId);
  const result = (await rest.put(route, { body: definitions })) as unknown[];
  const scope = config.guildId ? 'guild' : 'global';
  logger.info({ scope, guildId: config.guildId, count: result.length }, 'slash commands registered');
  return { scope, count: result.length };
}

async function main() {
  loadEnv();
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', pretty: process.env.NODE_ENV !== 'production' });
  try {
    const config = loadConfig();
    const commands = await loadCommands();
    const { scope, count } = await deployCommands(config, [...commands.values()].map((c) => c.data), logger);
    process.stdout.write(`Registered ${count} commands ${scope === 'guild' ? `in guild ${config.guildId}` : 'globally (may take up to an hour to appear)'}.\n`);
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else logger.error({ err }, 'deploy failed');
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
