import type { Logger } from '../log.js';
import { formatBytes } from '../ingest/errors.js';
import { oversizedFiles } from './load.js';

/** Warns, by name, size and limit, about each document file under DATA_DIR that is too large to load. */
export async function reportOversized(dataDir: string, maxBytes: number, logger: Logger): Promise<void> {
  try {
    for (const { path, size } of await oversizedFiles(dataDir, maxBytes, logger)) {
      logger.warn({ path, bytes: size, limit: maxBytes }, `document skipped: ${path} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit (INGEST_MAX_BYTES)`);
    }
  } catch (err) {
    logger.warn({ err }, 'could not check the data folder for oversized files');
  }
}
