import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import { changedSinceSnapshot } from '../documents/verbatim.js';
import { Libraries } from '../tenancy/libraries.js';
import { LibraryManager } from './manager.js';
import type { IngestService, IngestSettings } from './service.js';
import { applyFileChanges, watchDataDir, type DataWatcher } from './watch.js';

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
  // A snapshot that looked fresh may hold words its files no longer have (an edit that kept the mtime): those
  // documents are read again. The bot does it in the background, as if its watcher had seen them change; the
  // console and the CLI, with no watcher, before their first answer, so none of them quotes the snapshot's words.
  const changed = changedSinceSnapshot(library.docs).then(
    (paths) => {
      if (paths.length) opts.logger?.warn({ paths: paths.slice(0, 20), count: paths.length }, 'documents changed since the index snapshot was built; reading them again');
      return paths;
    },
    (err: unknown) => {
      opts.logger?.warn({ err }, 'could not check documents against the index snapshot');
      return [];
    },
  );
  if (watcher) void changed.then((paths) => watcher.touch(paths));
  else {
    const paths = await changed;
    if (paths.length) await applyFileChanges(settings.dataDir, manager, paths, { logger: opts.logger, maxBytes: settings.maxBytes });
  }
  return { libraries, manager, ingest, watcher };
}
