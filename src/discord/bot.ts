import { Client, Events, GatewayIntentBits, type WebSocketOptions } from 'discord.js';
import type { Cooldowns } from '../abuse/cooldown.js';
import type { Library } from '../library.js';
import type { Lifecycle } from '../lifecycle/index.js';
import type { Logger } from '../log.js';
import { recordReconnect } from '../observability/metrics.js';
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
  lifecycle?: Lifecycle;
  cooldowns?: Cooldowns;
  /** Gateway options, e.g. the tests' identify-throttler override (discord.js waits 5 s between IDENTIFYs). */
  ws?: WebSocketOptions;
  /** Core services for commands that change state (ingest, forget). */
  services?: CommandServices;
  /** While the library loads, the answer to every interaction (see InteractionDeps). */
  loading?: () => string | undefined;
}

export interface Bot {
  client: Client;
  /** Resolves once the gateway session is ready. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export async function startBot({ token, apiUrl, getLibrary, commands, logger, lifecycle, cooldowns, ws, services, loading }: BotOptions): Promise<Bot> {
  const client = new Client({
    // Slash commands arrive as interactions: no message-content or member intents needed.
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: NO_MENTIONS,
    ...(apiUrl ? { rest: { api: apiUrl } } : {}),
    ...(ws ? { ws } : {}),
  });
  const handle = createInteractionHandler({ getLibrary, commands, logger, lifecycle, cooldowns, services, loading });
  client.on(Events.InteractionCreate, (interaction) => void handle(interaction));
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ shard, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardResume, (shard) => {
    recordReconnect('resumed');
    logger.info({ shard }, 'gateway resumed');
  });
  client.on(Events.ShardReconnecting, (shard) => {
    recordReconnect('reconnecting');
    logger.warn({ shard }, 'gateway reconnecting');
  });
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
