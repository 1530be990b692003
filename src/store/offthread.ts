/**
 * The slow parts of a change to the library, moved off the main thread so a
 * large document never freezes the bot: a 10 MB document took 0.3 s to parse
 * and 2 to 5 s to index and group into topics, all of it on the thread that
 * answers users. Small work stays in this thread (a worker costs more to start
 * than it saves); above a few hundred kilobytes of text it goes to a worker
 * and comes back in small messages, and the library is assembled from it here
 * in slices of a few milliseconds (libraryFromContent).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DocumentError } from '../documents/errors.js';
import { parseDocumentDetailed, type ParsedDocument, type ParseInput } from '../documents/parse.js';
import { Library } from '../library.js';
import { pointsOf } from '../points.js';
import type { Doc } from '../types.js';
import { DocAssembler, docMessages, type DocMessage } from './doc-messages.js';
import type { Job } from './offthread-worker.js';
import { pacer } from './pace.js';
import { primeSearchCode } from './prime.js';
import { InMemoryPointStore } from './point-store.js';
import { libraryFromContent } from './restore.js';
import { decodeSnapshot } from './snapshot.js';

/** Characters of text from which parsing or rebuilding goes to a worker (in this thread it would take some 50 ms or more). */
export const OFF_THREAD_CHARS = 256 * 1024;

function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  // Under tsx the sources are TypeScript and the worker needs a small JS entry that registers tsx first.
  const name = path.extname(here) === '.ts' ? 'offthread-worker-entry.mjs' : 'offthread-worker.js';
  return pathToFileURL(path.join(path.dirname(here), name));
}

type Reply = DocMessage | { type: 'parsed'; slugPinned: boolean } | { type: 'built'; bytes: Uint8Array } | { type: 'error'; name: string; message: string };

/**
 * Runs one job in a fresh worker: `send` posts its input (yielding between
 * messages), `receive` sees each reply until it returns a result.
 */
function runJob<T>(job: Job, send: (post: (message: unknown) => void) => Promise<void>, receive: (reply: Reply) => T | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(workerUrl(), { workerData: job });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (reply: Reply) => {
      if (reply.type === 'error') {
        const err = reply.name === 'DocumentError' ? new DocumentError(reply.message) : new Error(`${reply.name}: ${reply.message}`);
        settle(() => reject(err));
        return;
      }
      try {
        const result = receive(reply);
        if (result !== undefined) settle(() => resolve(result));
      } catch (err) {
        settle(() => reject(err));
      }
    });
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`library worker stopped (exit code ${code}) before it answered`))));
    send((message) => worker.postMessage(message)).then(
      () => worker.postMessage({ type: 'end' }),
      (err: unknown) => settle(() => reject(err)),
    );
  });
}

/** Posts each message, yielding to the event loop whenever a slice's few milliseconds are used. */
async function postPaced(messages: Iterable<unknown>, post: (message: unknown) => void): Promise<void> {
  const pace = pacer();
  for (const m of messages) {
    post(m);
    if (pace.due()) await pace.pause();
  }
}

function* textChunks(text: string): Generator<{ type: 'text'; chunk: string }> {
  for (let at = 0; at < text.length; at += OFF_THREAD_CHARS) yield { type: 'text', chunk: text.slice(at, at + OFF_THREAD_CHARS) };
}

/** parseDocumentDetailed, in a worker when the text is long: the same document either way. */
export async function parseDocumentOffThread(input: ParseInput): Promise<ParsedDocument> {
  if (input.raw.length < OFF_THREAD_CHARS) return parseDocumentDetailed(input);
  const docs = new DocAssembler();
  return runJob<ParsedDocument>(
    { kind: 'parse', path: input.path, ext: input.ext },
    (post) => postPaced(textChunks(input.raw), post),
    (reply) => {
      if (reply.type === 'parsed') return { doc: docs.docs[0]!, slugPinned: reply.slugPinned };
      if (reply.type === 'doc' || reply.type === 'paragraphs') docs.take(reply);
      return undefined;
    },
  );
}

let primed: Promise<void> | undefined;

function characters(docs: readonly Doc[]): number {
  let n = 0;
  for (const d of docs) for (const p of d.paragraphs) n += p.text.length;
  return n;
}

/**
 * A library built from scratch over `docs`, as `new Library(docs, curated)`
 * builds it, with its index and topics built in a worker when the text is
 * large. With `topics: false` it has none (a compaction carries its own over).
 */
export async function buildLibraryOffThread(docs: readonly Doc[], curated: Record<string, string[]> | undefined, options: { topics?: boolean } = {}): Promise<Library> {
  const topics = options.topics ?? true;
  if (characters(docs) < OFF_THREAD_CHARS) {
    if (topics) return new Library(docs, curated);
    const points = pointsOf(docs);
    return new Library(docs, curated, { points, store: new InMemoryPointStore(points), topics: [] });
  }
  const bytes = await runJob<Uint8Array>(
    { kind: 'build', curated, topics },
    (post) => postPaced(docs.flatMap((d) => [...docMessages(d)]), post),
    (reply) => (reply.type === 'built' ? reply.bytes : undefined),
  );
  const content = await decodeSnapshot(bytes);
  content.docs = [...docs];
  return libraryFromContent(content);
}

/**
 * An addition at least this fraction of the library's text is built with the
 * library from scratch in a worker rather than added to its index in this
 * thread: the rebuild then costs at most this many times the incremental
 * change, and none of it here.
 */
const REBUILD_SHARE = 1 / 8;

/**
 * `library.with(changes)`, except that where the work is large it runs in a
 * worker: a rebuild from scratch of a large library (a small library that a
 * long document makes large, a change of curated topics), and a long document
 * added to a library it is a large share of (indexing it here would hold the
 * loop for seconds). Other changes to a large library stay incremental and
 * here: they cost the size of the change.
 */
export async function withChanges(library: Library, changes: Parameters<Library['with']>[0]): Promise<Library> {
  if (!changes.add?.length && !changes.remove?.length && !changes.curated) return library.with(changes);
  const store = library.store;
  const added = characters(changes.add ?? []);
  const incremental =
    store instanceof InMemoryPointStore && store.segmented && !changes.curated && (added < OFF_THREAD_CHARS || added < REBUILD_SHARE * characters(library.docs));
  if (incremental) return library.with(changes);
  // The documents Library.with would rebuild from.
  const replaced = new Set([...(changes.remove ?? []), ...(changes.add ?? []).map((d) => d.slug)]);
  const docs = [...library.docs.filter((d) => !replaced.has(d.slug)), ...(changes.add ?? [])];
  return buildLibraryOffThread(docs, changes.curated ?? library.curated);
}
