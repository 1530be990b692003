import { guildFolder } from '../documents/load.js';
import { IngestService, type IngestSettings, type LibraryWriter } from '../ingest/service.js';
import type { LibraryChanges } from '../ingest/manager.js';
import { uniqueSlug } from '../ingest/slugs.js';
import type { Library } from '../library.js';
import type { BuiltAddition } from '../library.js';
import { additionOffThread, characters, keywordsOf, OFF_THREAD_CHARS, withChanges } from '../store/offthread.js';
import { InMemoryPointStore } from '../store/point-store.js';
import type { Logger } from '../log.js';
import type { Doc } from '../types.js';

/**
 * What one asker sees: a Discord server's view of the library (the shared
 * documents plus the server's own), or the shared library alone. Resolved
 * once where a request comes in; everything after works on `library()`, an
 * ordinary Library, and never needs to know which server asked.
 */
export interface LibraryScope {
  /** The server; null for the shared library alone (direct messages, the CLI without `--guild`). */
  readonly guildId: string | null;
  /** The current snapshot. A request reads one snapshot throughout. */
  library(): Library;
  /** Adds to and removes from this scope's own documents; absent where nothing may be changed (direct messages). */
  readonly ingest?: IngestService;
}

/** Whatever resolves scopes for a front end: `Libraries` in the bot, a fixed one in some tests. */
export interface LibraryScopes {
  scope(guildId: string | null): LibraryScope | Promise<LibraryScope>;
}

/**
 * Rough bytes a server's view costs beyond the shared library, per document it
 * spans (its document list and the index's slug list; the shared points,
 * maps, index, layout and scratch are read in place, not copied).
 */
const BYTES_PER_VIEW_DOC = 24;
/** Per character of the server's own text (the text, its points, its small index). */
const BYTES_PER_OWN_CHAR = 8;

/**
 * One server's library. Its own documents are kept as a list; its view is the
 * shared library's current snapshot with them added (`Library.with`: a small
 * delta index beside the shared one, which is built and held once). When the
 * shared library changes, the view is derived again on next use.
 */
export class ServerLibrary implements LibraryScope, LibraryWriter {
  readonly ingest: IngestService;
  private own: Doc[];
  private base: Library | undefined;
  private basePending = false;
  private view: Library | undefined;
  /** The own documents' index segment and topic keyword matches, built in a worker, for as long as `own` is this list. */
  private prepared: { own: readonly Doc[]; built: BuiltAddition | undefined } | undefined;
  /** A view being derived in the background (own documents too long to index in this thread). */
  private deriving: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private inFlight = 0;
  /** Characters of the own documents' text, counted when they change: the budget asks on every load. */
  private ownChars: number | undefined;

  constructor(
    readonly guildId: string,
    private readonly shared: { current(): Library },
    own: readonly Doc[],
    settings: IngestSettings,
    private readonly logger?: Logger,
  ) {
    this.own = [...own];
    this.ingest = new IngestService(this, settings, logger, { folder: guildFolder(guildId), guild: guildId });
  }

  library(): Library {
    const base = this.shared.current();
    // Topics that arrive after a cold start's early hand-over are joined with this server's documents too.
    if (!this.view || base !== this.base || (this.basePending && !base.topicsPending)) {
      // Own documents too long to index in this thread: the view is derived in the background, and
      // until it is ready requests read the previous one (the shared library as it was seconds ago).
      if (this.view && this.ownText() >= OFF_THREAD_CHARS) this.deriveInBackground();
      else this.derive(base);
    }
    return this.view!;
  }

  /** The view once any derivation running in the background has finished (tests, tools). */
  async settled(): Promise<Library> {
    for (;;) {
      const view = this.library();
      if (!this.deriving) return view;
      await this.deriving;
    }
  }

  /** The view, derived (in a worker when the server's own documents are long): call before first use. */
  async ready(): Promise<Library> {
    if (!this.view && this.ownText() >= OFF_THREAD_CHARS) {
      const base = this.shared.current();
      this.adopt(base, await this.viewOf(base, this.claimSlugs(base)));
    }
    return this.library();
  }

  current(): Library {
    return this.library();
  }

  /** The server's own documents. */
  get documents(): readonly Doc[] {
    return this.own;
  }

  /** An ingest or forget is queued or running: not a moment to unload. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** What holding this view costs beyond the shared library, in bytes (an estimate the memory budget uses). */
  footprint(): number {
    if (this.own.length === 0 || !this.view) return 0;
    return this.view.docs.length * BYTES_PER_VIEW_DOC + this.ownText() * 2 * BYTES_PER_OWN_CHAR;
  }

  /** Characters of the own documents' text (counted once per change of them). */
  private ownText(): number {
    this.ownChars ??= characters(this.own);
    return this.ownChars;
  }

  private derive(base: Library): void {
    const own = this.claimSlugs(base);
    this.adopt(base, own.length ? base.with({ add: own }, this.prepared && sameDocs(this.prepared.own, own) ? this.prepared.built : undefined) : base);
  }

  /** The server's documents, renamed where a shared document now has the same slug (kept as `own`). */
  private claimSlugs(base: Library): Doc[] {
    this.own = yieldSharedSlugs(this.own, base, (from, to) =>
      this.logger?.warn({ guildId: this.guildId, slug: from, renamed: to }, 'a shared document took this slug; the server’s document was renamed'),
    );
    return this.own;
  }

  private adopt(base: Library, view: Library): void {
    this.view = view;
    this.base = base;
    this.basePending = base.topicsPending;
  }

  /**
   * `base` with `own` added, no long piece of it in this thread: a large base
   * takes the own documents' segment built in a worker (once per list of own
   * documents, then reused for every later base); a small one is rebuilt
   * with them in a worker (see withChanges).
   */
  private async viewOf(base: Library, own: readonly Doc[]): Promise<Library> {
    if (own.length === 0) return base;
    if (!(base.store instanceof InMemoryPointStore && base.store.segmented)) return withChanges(base, { add: own }, this.logger);
    // Made again when the own documents change, or the shared topics have keywords it has not matched (a rebuild renamed them).
    const keywords = keywordsOf(base);
    if (!this.prepared || !sameDocs(this.prepared.own, own) || !keywords.every((k) => this.prepared!.built?.matched.has(k))) {
      this.prepared = { own, built: await additionOffThread(base, own, this.logger) };
    }
    return base.with({ add: own }, this.prepared.built);
  }

  private deriveInBackground(): void {
    this.deriving ??= (async () => {
      const base = this.shared.current();
      const own = this.claimSlugs(base);
      const view = await this.viewOf(base, own);
      // A change of the server's own documents meanwhile made its own view: this one is out of date.
      if (this.own === own) this.adopt(base, view);
    })()
      .catch((err: unknown) => this.logger?.error({ err, guildId: this.guildId }, 'could not derive the server’s view of the shared library; serving the previous one'))
      .finally(() => {
        this.deriving = undefined;
      });
  }

  /** Changes run one at a time, each on the view current when it starts (see LibraryManager). */
  exclusive<T>(work: (library: Library, commit: (changes: LibraryChanges) => Promise<Library>) => Promise<T>): Promise<T> {
    const run = () => {
      const commit = async (changes: LibraryChanges) => {
        const current = this.library();
        const mine = new Set(this.own.map((d) => d.slug));
        // Only this server's documents can change here, whatever a caller asks.
        const remove = (changes.remove ?? []).filter((slug) => mine.has(slug));
        const add = (changes.add ?? []).map((d) => (d.guild === this.guildId ? d : { ...d, guild: this.guildId }));
        if (add.length === 0 && remove.length === 0) return current;
        const replaced = new Set([...remove, ...add.map((d) => d.slug)]);
        const removes = this.own.some((d) => replaced.has(d.slug));
        this.own = [...this.own.filter((d) => !replaced.has(d.slug)), ...add];
        this.ownChars = undefined;
        // An addition extends the view; a removal derives it again from the shared library, since
        // removing from the view itself would copy the shared points into a list of live ones.
        if (removes) this.adopt(this.base!, await this.viewOf(this.base!, this.own));
        // A long addition to a small shared library is built in a worker (see withChanges).
        else this.view = await withChanges(current, { add }, this.logger);
        return this.view!;
      };
      return work(this.library(), commit);
    };
    this.inFlight++;
    const result = this.queue.then(run, run).finally(() => this.inFlight--);
    this.queue = result.catch(() => {});
    return result;
  }
}

/** The same documents in the same order (a prepared segment numbers their points in that order). */
function sameDocs(a: readonly Doc[], b: readonly Doc[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The server's documents, renamed where a shared document now has the same slug: shared slugs win. */
function yieldSharedSlugs(own: Doc[], base: Library, renamed: (from: string, to: string) => void): Doc[] {
  if (!own.some((d) => base.doc(d.slug))) return own;
  const taken = new Set(own.map((d) => d.slug));
  return own.map((d) => {
    if (!base.doc(d.slug)) return d;
    const slug = uniqueSlug(d.slug, (s) => taken.has(s) || base.doc(s) !== undefined);
    taken.add(slug);
    renamed(d.slug, slug);
    return { ...d, slug };
  });
}

/** One library for every asker, read-only: for tools and tests with no servers' folders behind them. */
export function oneLibrary(getLibrary: () => Library): LibraryScopes {
  return { scope: (guildId) => ({ guildId, library: getLibrary }) };
}
