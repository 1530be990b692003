/** Worker thread entry: builds a library's snapshot off the main thread (see build.ts). */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { buildContent } from './build.js';
import { encodeSnapshot, withTopics } from './snapshot.js';

const BUILD_NICENESS = 10;

const { dataDir, early: wantEarly, maxBytes } = workerData as { dataDir: string; early: boolean; maxBytes?: number };

// On Linux a nice value belongs to a thread: this lowers the build's priority
// only, so on a small machine the main thread (answering users) wins the core.
try {
  setPriority(BUILD_NICENESS);
} catch {
  // Not permitted or not supported: the build just runs at normal priority.
}

/** A copy in a buffer of its own, so transferring it moves no one else's memory. */
function transferable(buffer: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(buffer.length);
  bytes.set(buffer);
  return bytes;
}

// The snapshot without topics, kept (a copy went to the main thread): the
// final one adds the topics to it rather than encoding everything again.
let early: Buffer | undefined;

const { content, skipped } = await buildContent(
  dataDir,
  (progress) => parentPort!.postMessage({ type: 'progress', progress }),
  wantEarly
    ? (partial) => {
        early = encodeSnapshot(partial);
        const bytes = transferable(early);
        // The topic build waits until the main thread has taken the index over (it says "resume").
        const resumed = new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
        parentPort!.postMessage({ type: 'index', bytes }, [bytes.buffer as ArrayBuffer]);
        return resumed;
      }
    : undefined,
  maxBytes,
);
const bytes = transferable(early ? withTopics(early, content.topics) : encodeSnapshot(content));
parentPort!.postMessage({ type: 'done', bytes, skipped }, [bytes.buffer as ArrayBuffer]);
