import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_COOLDOWNS, type CooldownSettings } from './abuse/cooldown.js';
import type { DatabaseTarget } from './db/index.js';
import { databaseUrlProblem } from './db/url.js';
import { parseShardPlan, type ShardPlan } from './discord/shards.js';

/** TEAM_MEMORY_MB's default: what the servers' own libraries may hold together. */
export const DEFAULT_TEAM_MEMORY_MB = 512;
/** Following sources: each feed is checked this often (FEED_POLL_MINUTES), and a server follows at most this many (FEEDS_PER_SERVER). */
export const DEFAULT_FEED_POLL_MINUTES = 30;
export const DEFAULT_FEEDS_PER_SERVER = 25;
/** Item records a feed no longer shows are kept this many days (FEED_ITEM_RETENTION_DAYS), at most this many per feed (FEED_ITEMS_KEPT). */
export const DEFAULT_FEED_ITEM_RETENTION_DAYS = 90;
export const DEFAULT_FEED_ITEMS_KEPT = 1000;

/** A configuration problem, phrased for the operator: it always names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord ID (17–20 digits)');
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const count = z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').max(100_000, 'must be at most 100000');

/** Variables an older release read: set, they would be ignored in silence, so start-up says what replaced them. */
const RETIRED: Record<string, string> = {
  COOLDOWN_USER_SECONDS: 'replaced by COOLDOWN_USER_BURST and COOLDOWN_USER_PER_MINUTE (a token bucket: see .env.example)',
};

const schema = z.object({
  DISCORD_TOKEN: optional(z.string().min(20, 'looks too short to be a bot token')),
  DISCORD_APPLICATION_ID: optional(snowflake),
  DISCORD_GUILD_ID: optional(snowflake),
  DISCORD_API_URL: optional(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8080/api' }),
  ),
  DATA_DIR: optional(z.string()),
  DATABASE_PATH: optional(z.string()),
  // The refinement's messages never echo the value: it holds a password.
  DATABASE_URL: optional(
    z.string().superRefine((v, ctx) => {
      const problem = databaseUrlProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  ),
  INDEX_DIR: optional(z.string()),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  NODE_ENV: optional(z.string()),
  ANALYST_ROLE_ID: optional(snowflake),
  INGEST_MAX_BYTES: optional(z.coerce.number({ error: 'must be a number of bytes' }).int('must be a whole number of bytes').min(1024, 'must be at least 1024').max(100 * 1024 * 1024, 'must be at most 104857600 (100 MB)')),
  INGEST_ALLOW_PRIVATE_URLS: optional(z.enum(['true', 'false'], { error: 'must be true or false' })),
  HEALTH_PORT: optional(z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(1, 'must be 1–65535').max(65535, 'must be 1–65535')),
  HEALTH_HOST: optional(z.string()),
  SHARD_COUNT: optional(z.string()),
  SHARD_IDS: optional(z.string()),
  TEAM_MEMORY_MB: optional(z.coerce.number({ error: 'must be a number of megabytes' }).int('must be a whole number of megabytes').min(16, 'must be at least 16').max(1024 * 1024, 'must be at most 1048576')),
  FEED_POLL_MINUTES: optional(z.coerce.number({ error: 'must be a number of minutes' }).int('must be a whole number of minutes').min(5, 'must be at least 5 (minutes)').max(1440, 'must be at most 1440 (a day)')),
  FEEDS_PER_SERVER: optional(z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').max(1000, 'must be at most 1000')),
  FEED_ITEM_RETENTION_DAYS: optional(z.coerce.number({ error: 'must be a number of days' }).int('must be a whole number of days').min(1, 'must be at least 1 (day)').max(3650, 'must be at most 3650 (ten years)')),
  FEED_ITEMS_KEPT: optional(z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(10, 'must be at least 10').max(100_000, 'must be at most 100000')),
  COOLDOWN_USER_BURST: optional(count),
  COOLDOWN_USER_PER_MINUTE: optional(count),
  COOLDOWN_GUILD_PER_MINUTE: optional(count),
  COOLDOWN_AUTOCOMPLETE_PER_MINUTE: optional(count),
});

/** Every environment variable the process reads: the deployment test checks each is documented. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

export interface Config {
  discordToken?: string;
  applicationId?: string;
  guildId?: string;
  /** REST base without the version, e.g. http://127.0.0.1:8080/api (discord.js appends /v10). */
  apiUrl?: string;
  dataDir: string;
  /** The Discord shards this process runs (SHARD_COUNT, SHARD_IDS): one by default. */
  shards: ShardPlan;
  /** Where state lives: PostgreSQL when DATABASE_URL is set, else the SQLite file DATABASE_PATH. */
  database: DatabaseTarget;
  /** Where the built search index is saved between starts. */
  indexDir: string;
  logLevel: string;
  production: boolean;
  /** Who may /ingest and /forget besides Manage Server holders. */
  analystRoleId?: string;
  ingest: { maxBytes: number; allowPrivateUrls: boolean };
  /** Health and metrics endpoints: off unless a port is given. */
  health?: { port: number; host: string };
  /** Memory the servers' own libraries may hold together before the least recently used are unloaded. */
  teamMemoryMb: number;
  /** Following sources: how often each feed is checked, and how many one server may follow (0: none). */
  feeds: { pollMinutes: number; perServer: number; itemRetentionDays: number; itemsKept: number };
  /** Token buckets per user, per server and for autocomplete; 0 turns one off. */
  cooldowns: CooldownSettings;
}

/**
 * Validates the environment once at start-up. Every message names the variable,
 * because "invalid config" alone sends an operator hunting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const retired = Object.keys(RETIRED).filter((name) => env[name]?.trim());
  if (retired.length) throw new ConfigError(`Invalid configuration:\n  ${retired.map((name) => `${name}: ${RETIRED[name]}`).join('\n  ')}`);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}\nSee .env.example for every variable.`);
  }
  const e = parsed.data;
  const shards = parseShardPlan(e.SHARD_COUNT?.trim(), e.SHARD_IDS?.trim());
  if (typeof shards === 'string') throw new ConfigError(`Invalid configuration:\n  ${shards}\nSee .env.example for every variable.`);
  return {
    shards,
    discordToken: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    guildId: e.DISCORD_GUILD_ID,
    apiUrl: e.DISCORD_API_URL?.replace(/\/+$/, '').replace(/\/v\d+$/, ''),
    dataDir: path.resolve(cwd, e.DATA_DIR ?? 'data'),
    // Default inside a dot-folder of DATA_DIR: the document loader skips dot-folders.
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'sqlite', file: e.DATABASE_PATH ? path.resolve(cwd, e.DATABASE_PATH) : path.join(path.resolve(cwd, e.DATA_DIR ?? 'data'), '.dossier', 'dossier.db') },
    indexDir: e.INDEX_DIR ? path.resolve(cwd, e.INDEX_DIR) : path.join(path.resolve(cwd, e.DATA_DIR ?? 'data'), '.dossier', 'index'),
    logLevel: e.LOG_LEVEL ?? 'info',
    production: e.NODE_ENV === 'production',
    analystRoleId: e.ANALYST_ROLE_ID,
    ingest: { maxBytes: e.INGEST_MAX_BYTES ?? 10 * 1024 * 1024, allowPrivateUrls: e.INGEST_ALLOW_PRIVATE_URLS === 'true' },
    health: e.HEALTH_PORT ? { port: e.HEALTH_PORT, host: e.HEALTH_HOST ?? '127.0.0.1' } : undefined,
    teamMemoryMb: e.TEAM_MEMORY_MB ?? DEFAULT_TEAM_MEMORY_MB,
    feeds: {
      pollMinutes: e.FEED_POLL_MINUTES ?? DEFAULT_FEED_POLL_MINUTES,
      perServer: e.FEEDS_PER_SERVER ?? DEFAULT_FEEDS_PER_SERVER,
      itemRetentionDays: e.FEED_ITEM_RETENTION_DAYS ?? DEFAULT_FEED_ITEM_RETENTION_DAYS,
      itemsKept: e.FEED_ITEMS_KEPT ?? DEFAULT_FEED_ITEMS_KEPT,
    },
    cooldowns: {
      userBurst: e.COOLDOWN_USER_BURST ?? DEFAULT_COOLDOWNS.userBurst,
      userPerMinute: e.COOLDOWN_USER_PER_MINUTE ?? DEFAULT_COOLDOWNS.userPerMinute,
      guildPerMinute: e.COOLDOWN_GUILD_PER_MINUTE ?? DEFAULT_COOLDOWNS.guildPerMinute,
      autocompletePerMinute: e.COOLDOWN_AUTOCOMPLETE_PER_MINUTE ?? DEFAULT_COOLDOWNS.autocompletePerMinute,
    },
  };
}

/** The bot cannot start without both; the console and CLI need neither. */
export function requireDiscord(config: Config): { token: string; applicationId: string } {
  if (!config.discordToken) throw new ConfigError('DISCORD_TOKEN is not set.');
  if (!config.applicationId) {
    throw new ConfigError('DISCORD_APPLICATION_ID is not set (find it under General Information in the Developer Portal).');
  }
  return { token: config.discordToken, applicationId: config.applicationId };
}
