/**
 * One job in a fresh worker thread (offthread-worker.ts), its input and
 * output passed as small messages so neither thread spends long copying.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DocumentError } from '../documents/errors.js';
import type { Logger } from '../log.js';
import type { DocMessage } from './doc-messages.js';
import type { SegmentData } from './segment.js';
import type { Job } from './offthread-worker.js';
import { pacer } from './pace.js';

/** Characters of text from which parsing or rebuilding goes to a worker (in this thread it would take some 50 ms or more). */
export const OFF_THREAD_CHARS = 256 * 1024;

function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  // Under tsx the sources are TypeScript and the worker needs a small JS entry that registers tsx first.
  const name = path.extname(here) === '.ts' ? 'offthread-worker-entry.mjs' : 'offthread-worker.js';
  return pathToFileURL(path.join(path.dirname(here), name));
}

export type Reply =
  | DocMessage
  | { type: 'parsed'; slugPinned: boolean }
  | { type: 'built'; bytes: Uint8Array }
  | { type: 'delta'; terms: string[]; arrays: Omit<SegmentData, 'terms'>; matched: [string, Int32Array][] }
  | { type: 'error'; name: string; message: string };

/**
 * The worker itself failed (it crashed, ran out of memory, or was killed)
 * rather than the job refusing its input: worth one more try on a fresh worker.
 */
export class WorkerFailure extends Error {
  override name = 'WorkerFailure';
}

/** Test seam: called with each worker as it starts (attempt 1, then 2 on a retry), so a test can kill it mid-job. */
export const workerHooks: { started?: (worker: Worker, attempt: number, job: Job) => void } = {};

/**
 * Runs one job in a worker: `send` posts its input (yielding between
 * messages), the receiver `receiving()` makes sees each reply until it returns
 * a result. A worker that fails (see WorkerFailure) is replaced by a fresh one
 * and the job run again from the start, once; an error the job itself reports
 * (a document that cannot be read) is final. Either way the promise settles:
 * a worker that exits is never waited for again.
 */
export async function runJob<T>(job: Job, send: (post: (message: unknown) => void) => Promise<void>, receiving: () => (reply: Reply) => T | undefined): Promise<T> {
  try {
    return await attempt(job, send, receiving(), 1);
  } catch (err) {
    if (!(err instanceof WorkerFailure)) throw err;
    return attempt(job, send, receiving(), 2);
  }
}

/**
 * `runJob`, and where the worker fails twice, `here()` in this thread: the
 * bot holds its loop for a moment rather than lose the change. Logged, since
 * a worker that keeps failing means something is wrong with the deployment.
 */
export async function runJobOrHere<T>(job: Job, send: (post: (message: unknown) => void) => Promise<void>, receiving: () => (reply: Reply) => T | undefined, here: () => T | Promise<T>, logger?: Logger): Promise<T> {
  try {
    return await runJob(job, send, receiving);
  } catch (err) {
    if (!(err instanceof WorkerFailure)) throw err;
    logger?.error({ err, job: job.kind }, 'the library worker failed twice; doing the work on the main thread instead');
    return here();
  }
}

function attempt<T>(job: Job, send: (post: (message: unknown) => void) => Promise<void>, receive: (reply: Reply) => T | undefined, n: number): Promise<T> {
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
    worker.once('error', (err) => settle(() => reject(new WorkerFailure(`library worker failed: ${err.message}`, { cause: err }))));
    worker.once('exit', (code) => settle(() => reject(new WorkerFailure(`library worker stopped (exit code ${code}) before it answered`))));
    workerHooks.started?.(worker, n, job);
    send((message) => {
      // Posting to a worker that has exited throws nothing; the exit handler has settled the job already.
      if (!settled) worker.postMessage(message);
    }).then(
      () => {
        if (!settled) worker.postMessage({ type: 'end' });
      },
      (err: unknown) => settle(() => reject(err)),
    );
  });
}

/** Posts each message, yielding to the event loop whenever a slice's few milliseconds are used. */
export async function postPaced(messages: Iterable<unknown>, post: (message: unknown) => void): Promise<void> {
  const pace = pacer();
  for (const m of messages) {
    post(m);
    if (pace.due()) await pace.pause();
  }
}

export function* textChunks(text: string): Generator<{ type: 'text'; chunk: string }> {
  for (let at = 0; at < text.length; at += OFF_THREAD_CHARS) yield { type: 'text', chunk: text.slice(at, at + OFF_THREAD_CHARS) };
}

