import type { Library } from '../library.js';
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

  constructor(initial: Library) {
    this.library = initial;
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
        // Awaited so a builder that moves off the main thread can return a promise.
        const next = await this.library.with(changes);
        this.library = next;
        return next;
      };
      return work(this.library, commit);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  add(docs: readonly Doc[]): Promise<Library> {
    return this.exclusive((_lib, commit) => commit({ add: docs }));
  }

  remove(slugs: readonly string[]): Promise<Library> {
    return this.exclusive((_lib, commit) => commit({ remove: slugs }));
  }
}
