/**
 * One job in a fresh worker thread (offthread-worker.ts), its input and
 * output passed as small messages so neither thread spends long copying.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DocumentError } from '../documents/errors.js';
import type { DocMessage } from './doc-messages.js';
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

export type Reply = DocMessage | { type: 'parsed'; slugPinned: boolean } | { type: 'built'; bytes: Uint8Array } | { type: 'error'; name: string; message: string };

/**
 * Runs one job in a fresh worker: `send` posts its input (yielding between
 * messages), `receive` sees each reply until it returns a result.
 */
export function runJob<T>(job: Job, send: (post: (message: unknown) => void) => Promise<void>, receive: (reply: Reply) => T | undefined): Promise<T> {
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

