import { Client, Events, GatewayIntentBits, type WebSocketOptions } from 'discord.js';
import { recordReconnect } from '../observability/metrics.js';
import { createInteractionHandler, type InteractionDeps } from './interactions.js';
import { NO_MENTIONS } from './message.js';
import type { ShardPlan } from './shards.js';

/** What the interaction handler needs, plus how to reach Discord. */
export interface BotOptions extends InteractionDeps {
  token: string;
  /** REST base without version (tests and proxies); discord.js learns the gateway from it. */
  apiUrl?: string;
  /** Gateway options, e.g. the tests' identify-throttler override (discord.js waits 5 s between IDENTIFYs). */
  ws?: WebSocketOptions;
  /** The shards this process connects (SHARD_COUNT / SHARD_IDS); one process runs them all by default. */
  shards?: ShardPlan;
}

export interface Bot {
  client: Client;
  /** Resolves once the gateway session is ready. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export async function startBot({ token, apiUrl, ws, shards, ...deps }: BotOptions): Promise<Bot> {
  const { logger } = deps;
  const client = new Client({
    // Slash commands arrive as interactions: no message-content or member intents needed.
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: NO_MENTIONS,
    ...(apiUrl ? { rest: { api: apiUrl } } : {}),
    ...(ws ? { ws } : {}),
    // Only when sharded: otherwise discord.js's own default (one shard) stands.
    ...(shards && shards.count > 1 ? { shards: [...shards.ids], shardCount: shards.count } : {}),
  });
  const handle = createInteractionHandler(deps);
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
      logger.info({ user: c.user.tag, guilds: c.guilds.cache.size, shards: c.ws.shards.map((s) => s.id) }, 'connected to Discord');
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
