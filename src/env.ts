import dotenv from 'dotenv';

/** Loads `.env` if present, quietly: the CLI's stdout must carry only its output. */
export function loadEnv(path?: string): void {
  dotenv.config({ quiet: true, ...(path ? { path } : {}) });
}
