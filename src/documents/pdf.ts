/**
 * A PDF's text layer, read in a worker thread with a memory and a time limit.
 * pdf.js decompresses and interprets content streams as they come, so a small
 * crafted file can cost minutes of CPU and gigabytes of memory; in a worker
 * that is bounded, the worker is ended when it runs over, and the bot keeps
 * answering everyone else meanwhile.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PdfUnreadable } from './pdf-errors.js';

export { PdfUnreadable } from './pdf-errors.js';
export { MAX_PDF_PAGES } from './pdf-extract.js';

export interface PdfLimits {
  /** Extracted text beyond this many bytes stops the read (the ingest size limit: text larger than an accepted file is a bomb). */
  maxTextBytes?: number;
  /** Wall-clock time for the whole read. */
  timeoutMs?: number;
  /** The worker's JavaScript heap (V8 old generation). */
  heapMb?: number;
}

export const PDF_LIMITS = { maxTextBytes: 10 * 1024 * 1024, timeoutMs: 30_000, heapMb: 256 } as const;

/** Said when a limit stopped the read: the person learns what to do, not how it failed. */
export const PDF_UNSAFE = 'This PDF could not be read safely (it needed more memory or time than a document should). Export it again or send its text instead.';

function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  // Under tsx the sources are TypeScript and the worker needs a small JS entry that registers tsx first.
  const name = path.extname(here) === '.ts' ? 'pdf-worker-entry.mjs' : 'pdf-worker.js';
  return pathToFileURL(path.join(path.dirname(here), name));
}

type Reply = { id: number; ok: true; title?: string; text: string } | { id: number; ok: false; unreadable: boolean; message: string };

/**
 * One worker, kept between PDFs (starting one costs seconds: pdf.js is large)
 * and replaced whenever a limit ends it. It holds no reference on the event
 * loop while idle, so it never keeps a process alive.
 */
let reader: { worker: Worker; heapMb: number } | undefined;
let queue: Promise<unknown> = Promise.resolve();
let nextId = 0;

function startReader(heapMb: number): Worker {
  if (reader && reader.heapMb === heapMb) return reader.worker;
  if (reader) void reader.worker.terminate();
  const worker = new Worker(workerUrl(), {
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.max(4, Math.min(32, Math.floor(heapMb / 4))) },
  });
  const current = { worker, heapMb };
  reader = current;
  // A worker that died (out of memory, crashed) is replaced on the next read.
  worker.once('exit', () => {
    if (reader === current) reader = undefined;
  });
  // Reported through 'exit' to whichever read is waiting.
  worker.on('error', () => {});
  worker.unref();
  return worker;
}

/**
 * The text layer of a PDF, one paragraph per line, and its title when the
 * metadata has one. Throws PdfUnreadable with a reader-facing reason: a scan,
 * a damaged or protected file, or one that ran past a limit. Reads run one at
 * a time: PDFs are rare, and one bounded worker keeps the cost bounded too.
 */
export function pdfToText(bytes: Uint8Array, limits: PdfLimits = {}): Promise<{ title?: string; text: string }> {
  const result = queue.then(() => readOne(bytes, limits));
  queue = result.catch(() => {});
  return result;
}

function readOne(bytes: Uint8Array, limits: PdfLimits): Promise<{ title?: string; text: string }> {
  const maxTextBytes = limits.maxTextBytes ?? PDF_LIMITS.maxTextBytes;
  const timeoutMs = limits.timeoutMs ?? PDF_LIMITS.timeoutMs;
  const heapMb = limits.heapMb ?? PDF_LIMITS.heapMb;
  const worker = startReader(heapMb);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const settle = (outcome: () => void, healthy: boolean) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      worker.unref();
      // A worker stopped by a limit may be mid-way through pdf.js: never reuse it.
      if (!healthy) {
        if (reader?.worker === worker) reader = undefined;
        void worker.terminate();
      }
      outcome();
    };
    const unsafe = () => reject(new PdfUnreadable(PDF_UNSAFE));
    const onMessage = (m: Reply) => {
      if (m.id !== id) return;
      // After a refusal pdf.js may still be busy with the file in there: a fresh worker serves the next read.
      settle(() => (m.ok ? resolve({ title: m.title, text: m.text }) : m.unreadable ? reject(new PdfUnreadable(m.message)) : unsafe()), m.ok);
    };
    // Out of memory (ERR_WORKER_OUT_OF_MEMORY) or a crash inside pdf.js: unsafe, never fatal to the bot.
    const onExit = () => settle(unsafe, false);
    const timer = setTimeout(() => settle(unsafe, false), timeoutMs);
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    worker.ref();
    // Characters are counted as the text comes: a UTF-8 byte is at most one character, so a file that fits is never stopped.
    worker.postMessage({ id, bytes: new Uint8Array(bytes), maxTextChars: maxTextBytes });
  });
}
