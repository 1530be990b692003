import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import { LibraryManager } from './manager.js';
import { IngestService, type IngestSettings } from './service.js';
import { watchDataDir, type DataWatcher } from './watch.js';

export { IngestRefusal } from './errors.js';
export { LibraryManager } from './manager.js';
export { IngestService, type IngestSettings } from './service.js';

export interface LibraryServices {
  manager: LibraryManager;
  ingest: IngestService;
  /** Absent unless asked for: a watcher keeps the process alive, which one-shot tools do not want. */
  watcher?: DataWatcher;
}

/** The long-lived library: one manager shared by ingest, forget and the folder watcher. */
export async function startLibraryServices(library: Library, settings: IngestSettings, opts: { logger?: Logger; watch?: boolean } = {}): Promise<LibraryServices> {
  const manager = new LibraryManager(library);
  const ingest = new IngestService(manager, settings, opts.logger);
  await ingest.init();
  const watcher = opts.watch ? watchDataDir(settings.dataDir, manager, { logger: opts.logger }) : undefined;
  return { manager, ingest, watcher };
}
