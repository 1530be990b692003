import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import { Libraries } from '../tenancy/libraries.js';
import { LibraryManager } from './manager.js';
import type { IngestService, IngestSettings } from './service.js';
import { watchDataDir, type DataWatcher } from './watch.js';

export { IngestRefusal } from './errors.js';
export { LibraryManager } from './manager.js';
export { IngestService, type IngestSettings } from './service.js';

export interface LibraryServices {
  /** Every library: the shared one and each server's (loaded on first use). */
  libraries: Libraries;
  /** The shared library's manager. */
  manager: LibraryManager;
  /** Writes to the shared library: the operator's, never offered in Discord. */
  ingest: IngestService;
  /** Absent unless asked for: a watcher keeps the process alive, which one-shot tools do not want. */
  watcher?: DataWatcher;
}

/** The long-lived libraries: one shared manager, servers' libraries beside it, one folder watcher for all. */
export async function startLibraryServices(
  library: Library,
  settings: IngestSettings,
  opts: { logger?: Logger; watch?: boolean; memoryBudgetBytes?: number } = {},
): Promise<LibraryServices> {
  const manager = new LibraryManager(library, opts.logger);
  const libraries = new Libraries(manager, { settings, logger: opts.logger, memoryBudgetBytes: opts.memoryBudgetBytes });
  const ingest = libraries.shared.ingest;
  await ingest.init();
  const watcher = opts.watch ? watchDataDir(settings.dataDir, (rel) => libraries.writerFor(rel), { logger: opts.logger, maxBytes: settings.maxBytes }) : undefined;
  return { libraries, manager, ingest, watcher };
}
