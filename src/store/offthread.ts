/**
 * The slow parts of a change to the library, moved off the main thread so a
 * large document never freezes the bot: a 10 MB document took 0.3 s to parse
 * and 2 to 5 s to index and group into topics, all of it on the thread that
 * answers users. Small work stays in this thread (a worker costs more to start
 * than it saves); above a few hundred kilobytes of text it goes to a worker
 * and comes back in small messages, and the library is assembled from it here
 * in slices of a few milliseconds (libraryFromContent).
 */
import { Library, type BuiltAddition } from '../library.js';
import type { Logger } from '../log.js';
import { pointsOf } from '../points.js';
import type { Doc } from '../types.js';
import { docMessages } from './doc-messages.js';
import { primeSearchCode } from './prime.js';
import { InMemoryPointStore } from './point-store.js';
import { Segment, segmentData } from './segment.js';
import { libraryFromContent } from './restore.js';
import { decodeSnapshot } from './snapshot.js';
import { OFF_THREAD_CHARS, postPaced, runJobOrHere } from './worker-job.js';

export { OFF_THREAD_CHARS } from './worker-job.js';

let primed: Promise<void> | undefined;

/** Characters of text in the documents' paragraphs. */
export function characters(docs: readonly Doc[]): number {
  let n = 0;
  for (const d of docs) for (const p of d.paragraphs) n += p.text.length;
  return n;
}

/**
 * A library built from scratch over `docs`, as `new Library(docs, curated)`
 * builds it, with its index and topics built in a worker when the text is
 * large. With `topics: false` it has none (a compaction carries its own over).
 */
export async function buildLibraryOffThread(docs: readonly Doc[], curated: Record<string, string[]> | undefined, options: { topics?: boolean; logger?: Logger } = {}): Promise<Library> {
  const topics = options.topics ?? true;
  const here = () => {
    if (topics) return new Library(docs, curated);
    const points = pointsOf(docs);
    return new Library(docs, curated, { points, store: new InMemoryPointStore(points), topics: [] });
  };
  if (characters(docs) < OFF_THREAD_CHARS) return here();
  const bytes = await runJobOrHere<Uint8Array | Library>(
    { kind: 'build', curated, topics },
    (post) => postPaced(docs.flatMap((d) => [...docMessages(d)]), post),
    () => (reply) => (reply.type === 'built' ? reply.bytes : undefined),
    here,
    options.logger,
  );
  if (bytes instanceof Library) return bytes;
  const content = await decodeSnapshot(bytes);
  content.docs = [...docs];
  return libraryFromContent(content);
}

/**
 * An addition at least this fraction of the library's text is built with the
 * library from scratch in a worker rather than added to its index: the
 * rebuild then costs at most this many times the incremental change, none of
 * it in this thread, and gives the library fresh topics.
 */
const REBUILD_SHARE = 1 / 8;

/** Characters per indexed word, generously (with its space), to weigh a merge of delta segments against OFF_THREAD_CHARS. */
const CHARS_PER_WORD = 8;

/** Every keyword of the library's topics, once. */
export function keywordsOf(library: Library): string[] {
  return [...new Set(library.topics.flatMap((t) => t.keywords))];
}

/**
 * The slow part of `library.with({ add })` on a large library, done in a
 * worker: the added text's index segment and its topic keyword matches
 * (about a second each for 10 MB in this thread). Undefined when the worker
 * failed twice: Library.with then works them out itself.
 */
export async function additionOffThread(library: Library, add: readonly Doc[], logger?: Logger): Promise<BuiltAddition | undefined> {
  return runJobOrHere<BuiltAddition | undefined>(
    { kind: 'delta', keywords: keywordsOf(library) },
    (post) => postPaced(add.flatMap((d) => [...docMessages(d)]), post),
    () => (reply) => (reply.type === 'delta' ? { segment: new Segment(segmentData(reply.terms, reply.arrays)), matched: new Map(reply.matched.map(([k, list]) => [k, [...list]])) } : undefined),
    () => undefined,
    logger,
  );
}

/**
 * `library.with(changes)`, except that no large piece of it runs in this
 * thread. A large library takes a change incrementally (it costs the size of
 * the change): here when the added text is short, and with the added text
 * indexed in a worker when it is long. A rebuild from scratch runs in a worker
 * when the library is large: a small library that a long document makes
 * large, a long document that is a large share of the library, a change of
 * curated topics, and an addition that would merge large delta segments
 * (which re-indexes them all).
 */
export async function withChanges(library: Library, changes: Parameters<Library['with']>[0], logger?: Logger): Promise<Library> {
  if (!changes.add?.length && !changes.remove?.length && !changes.curated) return library.with(changes);
  const store = library.store;
  const added = characters(changes.add ?? []);
  const segmented = store instanceof InMemoryPointStore && store.segmented && !changes.curated;
  const largeMerge = segmented && (changes.add?.length ?? 0) > 0 && store.mergeWords * CHARS_PER_WORD >= OFF_THREAD_CHARS;
  if (segmented && !largeMerge && (added < OFF_THREAD_CHARS || added < REBUILD_SHARE * characters(library.docs))) {
    if (added < OFF_THREAD_CHARS) return library.with(changes);
    return library.with(changes, await additionOffThread(library, changes.add!, logger));
  }
  // The documents Library.with would rebuild from.
  const replaced = new Set([...(changes.remove ?? []), ...(changes.add ?? []).map((d) => d.slug)]);
  const docs = [...library.docs.filter((d) => !replaced.has(d.slug)), ...(changes.add ?? [])];
  return buildLibraryOffThread(docs, changes.curated ?? library.curated, { logger });
}
