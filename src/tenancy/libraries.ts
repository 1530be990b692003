import { DEFAULT_TEAM_MEMORY_MB } from '../config.js';
import { GUILDS_FOLDER, guildOfPath, loadDocuments } from '../documents/load.js';
import type { LibraryManager } from '../ingest/manager.js';
import { IngestService, SHARED_PLACE, type IngestSettings, type LibraryWriter } from '../ingest/service.js';
import type { Logger } from '../log.js';
import { ServerLibrary, type LibraryScope, type LibraryScopes } from './scope.js';


export interface LibrariesOptions {
  settings: IngestSettings;
  /** Servers' views are unloaded, least recently used first, once together they pass this (TEAM_MEMORY_MB). */
  memoryBudgetBytes?: number;
  logger?: Logger;
}

/** A Discord server id, as the folder under DATA_DIR/guilds/ is named. */
const SERVER_ID = /^\d{1,20}$/;

/**
 * Every library the process serves: the shared one (operator-managed, built
 * and held once) and each server's own, loaded on first use and unloaded when
 * idle within a memory budget. A server's documents stay on disk; unloading
 * only drops its view, which the next use derives again.
 */
export class Libraries implements LibraryScopes {
  /** The shared library, writable: for the operator's CLI and console (`--shared`), never offered in Discord. */
  readonly shared: LibraryScope & { ingest: IngestService };
  /** The shared library as a direct message sees it: read-only. */
  private readonly direct: LibraryScope;
  /** Loaded servers, least recently used first (a Map keeps insertion order). */
  private readonly servers = new Map<string, ServerLibrary>();
  private readonly loading = new Map<string, Promise<ServerLibrary>>();
  private readonly budget: number;

  constructor(
    readonly manager: LibraryManager,
    private readonly options: LibrariesOptions,
  ) {
    const library = () => manager.current();
    this.shared = { guildId: null, library, ingest: new IngestService(manager, options.settings, options.logger, SHARED_PLACE) };
    this.direct = { guildId: null, library };
    this.budget = options.memoryBudgetBytes ?? DEFAULT_TEAM_MEMORY_MB * 1024 * 1024;
  }

  /** What a Discord interaction sees: its server's library, or in a direct message the shared one, read-only. */
  async scope(guildId: string | null): Promise<LibraryScope> {
    return guildId === null ? this.direct : this.server(guildId);
  }

  /** A server's library, loaded from `DATA_DIR/guilds/<id>/` on first use. */
  async server(guildId: string): Promise<ServerLibrary> {
    if (!SERVER_ID.test(guildId)) throw new Error(`not a Discord server id: ${JSON.stringify(guildId.slice(0, 30))}`);
    const loaded = this.servers.get(guildId);
    if (loaded) {
      // Most recently used goes last.
      this.servers.delete(guildId);
      this.servers.set(guildId, loaded);
      return loaded;
    }
    let pending = this.loading.get(guildId);
    if (!pending) {
      pending = this.load(guildId).finally(() => this.loading.delete(guildId));
      this.loading.set(guildId, pending);
    }
    return pending;
  }

  /**
   * Where a change to a file under DATA_DIR belongs (the folder watcher): the
   * shared library, a loaded server's, or nowhere (a server not loaded reads
   * its folder when it is).
   */
  async writerFor(relPath: string): Promise<LibraryWriter | undefined> {
    const guild = guildOfPath(relPath);
    if (guild === undefined) return relPath.startsWith(`${GUILDS_FOLDER}/`) ? undefined : this.manager;
    return this.servers.get(guild) ?? (await this.loading.get(guild)?.catch(() => undefined));
  }

  /** Loaded servers and their estimated memory, for the benchmark and metrics. */
  stats(): { loaded: number; bytes: number } {
    let bytes = 0;
    for (const s of this.servers.values()) bytes += s.footprint();
    return { loaded: this.servers.size, bytes };
  }

  isLoaded(guildId: string): boolean {
    return this.servers.has(guildId);
  }

  private async load(guildId: string): Promise<ServerLibrary> {
    const started = performance.now();
    const { logger, settings } = this.options;
    const shared = this.manager.current();
    const { docs, skipped } = await loadDocuments(settings.dataDir, {
      guild: guildId,
      // A server's document never takes a slug the shared library uses.
      reserved: (slug) => shared.doc(slug) !== undefined,
      maxBytes: settings.maxBytes,
      logger,
    });
    // Files over the size limit were named at start-up (reportOversized), or by the watcher when dropped since.
    for (const s of skipped) if (s.bytes === undefined) logger?.warn({ guildId, path: s.path, reason: s.reason }, 'document skipped');
    const server = new ServerLibrary(guildId, this.manager, docs, settings, logger);
    await server.ingest.init();
    // Derived now, so the cost is paid once here and counted against the budget.
    await server.ready();
    this.servers.set(guildId, server);
    this.evict(server);
    logger?.debug({ guildId, documents: docs.length, ms: Math.round(performance.now() - started) }, 'server library loaded');
    return server;
  }

  /** Unloads least recently used servers (never `keep`, never one mid-change) until the rest fit the budget. */
  private evict(keep: ServerLibrary): void {
    let total = this.stats().bytes;
    for (const [id, server] of this.servers) {
      if (total <= this.budget) break;
      if (server === keep || server.busy) continue;
      const bytes = server.footprint();
      if (bytes === 0) continue;
      this.servers.delete(id);
      total -= bytes;
      this.options.logger?.debug({ guildId: id, bytes }, 'server library unloaded (memory budget)');
    }
  }
}
