/** Worker thread entry: builds a library's snapshot off the main thread (see build.ts). */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { buildContent } from './build.js';
import { encodeSnapshot, type SnapshotContent } from './snapshot.js';

const BUILD_NICENESS = 10;

const { dataDir, early } = workerData as { dataDir: string; early: boolean };

// On Linux a nice value belongs to a thread: this lowers the build's priority
// only, so on a small machine the main thread (answering users) wins the core.
try {
  setPriority(BUILD_NICENESS);
} catch {
  // Not permitted or not supported: the build just runs at normal priority.
}

/** A fresh buffer of its own, so transferring it moves no one else's memory. */
function encoded(content: SnapshotContent): Uint8Array {
  const buffer = encodeSnapshot(content);
  const bytes = new Uint8Array(buffer.length);
  bytes.set(buffer);
  return bytes;
}

const { content, skipped } = await buildContent(
  dataDir,
  (progress) => parentPort!.postMessage({ type: 'progress', progress }),
  early
    ? (partial) => {
        const bytes = encoded(partial);
        // The topic build waits until the main thread has taken the index over (it says "resume").
        const resumed = new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
        parentPort!.postMessage({ type: 'index', bytes }, [bytes.buffer as ArrayBuffer]);
        return resumed;
      }
    : undefined,
);
const bytes = encoded(content);
parentPort!.postMessage({ type: 'done', bytes, skipped }, [bytes.buffer as ArrayBuffer]);
