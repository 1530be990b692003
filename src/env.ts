import dotenv from 'dotenv';

/**
 * Loads `.env` if present, quietly: the CLI's stdout must carry only its output.
 * `DOTENV_CONFIG_PATH` (dotenv's own name for it) points at another file; the
 * tests point it at nothing, so a user's `.env` never reaches them.
 */
export function loadEnv(path = process.env.DOTENV_CONFIG_PATH): void {
  dotenv.config({ quiet: true, ...(path ? { path } : {}) });
}
