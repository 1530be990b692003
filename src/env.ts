import dotenv from 'dotenv';
import { CONFIG_VARIABLES } from './config.js';

/**
 * Loads `.env` if present, quietly: the CLI's stdout must carry only its output.
 * `DOTENV_CONFIG_PATH` (dotenv's own name for it) points at another file; the
 * tests point it at nothing, so a user's `.env` never reaches them.
 *
 * A variable left blank (`SHARD_COUNT=` as in .env.example) means "not set",
 * as the config reads it; it is removed, because libraries read the
 * environment too (discord.js turns a blank SHARD_COUNT into 0 shards).
 */
export function loadEnv(path = process.env.DOTENV_CONFIG_PATH): void {
  dotenv.config({ quiet: true, ...(path ? { path } : {}) });
  for (const name of CONFIG_VARIABLES) if (process.env[name]?.trim() === '') delete process.env[name];
}
