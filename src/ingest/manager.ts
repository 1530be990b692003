import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import { caughtUp, Compactor } from '../store/compact.js';
import { withChanges } from '../store/offthread.js';
import type { Doc } from '../types.js';

export interface LibraryChanges {
  add?: readonly Doc[];
  remove?: readonly string[];
}

/**
 * Owns the current library snapshot. Updates run one at a time (a promise
 * queue), each building a new snapshot with `Library.with` and swapping it in
 * with a single assignment, so a search running meanwhile sees the old
 * library or the new one, never a half-built index.
 */
export class LibraryManager {
  private library: Library;
  private queue: Promise<unknown> = Promise.resolve();
  /** Rebuilds the index over the live points, in the background, once forgotten documents' points outnumber them. */
  readonly compaction: Compactor;

  constructor(initial: Library, private readonly logger?: Logger) {
    this.library = initial;
    this.compaction = new Compactor(logger);
  }

  current(): Library {
    return this.library;
  }

  /**
   * Runs `work` exclusively: no other update starts until it settles. `commit`
   * applies changes to the library current at that moment and swaps it in.
   */
  exclusive<T>(work: (library: Library, commit: (changes: LibraryChanges) => Promise<Library>) => Promise<T>): Promise<T> {
    const run = async () => {
      const commit = async (changes: LibraryChanges) => {
        if (!changes.add?.length && !changes.remove?.length) return this.library;
        // A rebuild of a large library runs in a worker (see withChanges).
        const next = await withChanges(this.library, changes, this.logger);
        this.library = next;
        this.compaction.after(next, this.swapCompacted);
        return next;
      };
      return work(this.library, commit);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  /** A compaction of `from` takes its place, with the changes made since applied to it, as one more update in the queue. */
  private readonly swapCompacted = (from: Library, compact: Library): Promise<Library | undefined> =>
    this.exclusive(async () => {
      const now = caughtUp(compact, from, this.library);
      if (now) this.library = now;
      return now;
    });

  add(docs: readonly Doc[]): Promise<Library> {
    return this.exclusive((_lib, commit) => commit({ add: docs }));
  }

  remove(slugs: readonly string[]): Promise<Library> {
    return this.exclusive((_lib, commit) => commit({ remove: slugs }));
  }
}
