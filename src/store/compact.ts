/**
 * Compaction: memory follows the library, not its history. A forgotten
 * document's points stay in a large library's index, tombstoned, so that a
 * change costs only its own size; once they outnumber the live ones the index
 * is rebuilt over the live points. That rebuild is the size of the library,
 * so it runs off the request path: scheduled after the change that crossed
 * the line, its index built in a worker when the library is large, and put in
 * place only when it is done. Changes made meanwhile are applied to it before
 * it is swapped in, so nothing is lost and every request in between reads an
 * ordinary, correct snapshot.
 */
import { Library } from '../library.js';
import type { Logger } from '../log.js';
import type { Point, Topic } from '../types.js';
import { buildLibraryOffThread } from './offthread.js';
import { InMemoryPointStore } from './point-store.js';

/** Tombstoned points below this many are left alone: rebuilding would cost more than they do. */
export const COMPACT_FROM = 2_000;

/** Points the index still holds for documents that are gone. */
export function tombstoned(library: Library): number {
  const store = library.store;
  return store instanceof InMemoryPointStore ? store.allPoints.length - library.points.length : 0;
}

/** Whether the index holds more dead points than live ones (and COMPACT_FROM): time to rebuild it over the live ones. */
export function needsCompaction(library: Library): boolean {
  // While a cold start's topics are still being built there are none to carry over yet.
  return !library.topicsPending && tombstoned(library) > Math.max(library.points.length, COMPACT_FROM);
}

/**
 * The library rebuilt over its live points only (ids renumbered), keeping its
 * topics: they are carried over by citation, which a rebuild does not change.
 */
export async function compacted(library: Library, logger?: Logger): Promise<Library> {
  const built = await buildLibraryOffThread(library.docs, library.curated, { topics: false, logger });
  const byCitation = new Map<string, Point>();
  for (const p of built.points) byCitation.set(p.citation, p);
  const move = (list: readonly Point[]) => list.flatMap((p) => byCitation.get(p.citation) ?? []);
  const topics: Topic[] = library.topics.map((t) => ({ ...t, points: move(t.points), summary: move(t.summary) })).filter((t) => t.points.length > 0);
  return new Library(library.docs, library.curated, { points: [...built.points], store: built.store as InMemoryPointStore, topics });
}

/**
 * `compact`, with the changes that turned `from` into `to` applied on top
 * (each an ordinary incremental change); undefined when they cannot be
 * replayed that way (curated topics changed), and the compaction is dropped.
 */
export function caughtUp(compact: Library, from: Library, to: Library): Library | undefined {
  if (to === from) return compact;
  if (to.curated !== from.curated) return undefined;
  const before = new Set(from.docs);
  const after = new Set(to.docs);
  const add = to.docs.filter((d) => !before.has(d));
  const readded = new Set(add.map((d) => d.slug));
  const remove = from.docs.filter((d) => !after.has(d) && !readded.has(d.slug)).map((d) => d.slug);
  return add.length || remove.length ? compact.with({ add, remove }) : compact;
}

/**
 * Runs at most one compaction at a time for a library owner (the shared
 * library's manager, a server's view), off the request path.
 */
export class Compactor {
  private inFlight: Promise<void> | undefined;

  constructor(private readonly logger?: Logger) {}

  /**
   * Call after each change. When `library` needs it, a compaction starts on
   * the next turn of the event loop; `swap` is then handed the compacted
   * library and the one it was built from, and puts it in place (see caughtUp).
   */
  after(library: Library, swap: (from: Library, compact: Library) => Promise<Library | undefined>): void {
    if (this.inFlight || !needsCompaction(library)) return;
    const started = performance.now();
    this.inFlight = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => compacted(library, this.logger))
      .then((compact) => swap(library, compact))
      .then(
        (now) => {
          this.logger?.info({ points: library.points.length, tombstoned: tombstoned(library), ms: Math.round(performance.now() - started), swapped: now !== undefined }, 'index compacted');
          this.inFlight = undefined;
          // Changes made meanwhile may have crossed the line again.
          if (now) this.after(now, swap);
        },
        (err: unknown) => {
          this.logger?.error({ err }, 'index compaction failed; the library keeps its tombstoned points until the next try');
          this.inFlight = undefined;
        },
      );
  }

  /** A compaction is being built or waits to be swapped in. */
  get running(): boolean {
    return this.inFlight !== undefined;
  }

  /** Resolves once no compaction is running (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }
}
