import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import type { CommandModule, CommandServices } from '../interactions/command.js';
import { createInteractionHandler } from './interactions.js';
import { NO_MENTIONS } from './message.js';

export interface BotOptions {
  token: string;
  /** REST base without version (tests and proxies); discord.js learns the gateway from it. */
  apiUrl?: string;
  getLibrary: () => Library;
  commands: ReadonlyMap<string, CommandModule>;
  logger: Logger;
  /** Core services for commands that change state (ingest, forget). */
  services?: CommandServices;
}

export interface Bot {
  client: Client;
  /** Resolves once the gateway session is ready. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export async function startBot({ token, apiUrl, getLibrary, commands, logger, services }: BotOptions): Promise<Bot> {
  const client = new Client({
    // Slash commands arrive as interactions: no message-content or member intents needed.
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: NO_MENTIONS,
    ...(apiUrl ? { rest: { api: apiUrl } } : {}),
  });
  const handle = createInteractionHandler({ getLibrary, commands, logger, services });
  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ shard, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardResume, (shard) => logger.info({ shard }, 'gateway resumed'));
  const ready = new Promise<void>((resolve) => {
    client.once(Events.ClientReady, (c) => {
      logger.info({ user: c.user.tag, guilds: c.guilds.cache.size }, 'connected to Discord');
      resolve();
    });
  });
  await client.login(token);
  return {
    client,
    ready,
    stop: async () => {
      await client.destroy();
    },
  };
}
