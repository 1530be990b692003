import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import { changedSinceSnapshot } from '../documents/verbatim.js';
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
  // A snapshot that looked fresh may hold words its files no longer have (an edit that kept the mtime):
  // those documents are read again, in the background, as if the watcher had seen them change.
  if (watcher) {
    void changedSinceSnapshot(library.docs).then(
      (paths) => {
        if (paths.length === 0) return;
        opts.logger?.warn({ paths: paths.slice(0, 20), count: paths.length }, 'documents changed since the index snapshot was built; reading them again');
        watcher.touch(paths);
      },
      (err: unknown) => opts.logger?.warn({ err }, 'could not check documents against the index snapshot'),
    );
  }
  return { libraries, manager, ingest, watcher };
}
