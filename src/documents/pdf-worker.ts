/** Worker thread: extracts PDF text layers, one request at a time (see pdf.ts, which bounds this thread's memory and time). */
import { parentPort } from 'node:worker_threads';
import { extractPdfText } from './pdf-extract.js';
import { PdfUnreadable } from './pdf-errors.js';

parentPort!.on('message', async ({ id, bytes, maxTextChars }: { id: number; bytes: Uint8Array; maxTextChars: number }) => {
  try {
    parentPort!.postMessage({ id, ok: true, ...(await extractPdfText(bytes, maxTextChars)) });
  } catch (err) {
    // Only a PdfUnreadable's message is meant for the user; anything else is reported as unsafe by the parent.
    parentPort!.postMessage({ id, ok: false, unreadable: err instanceof PdfUnreadable, message: (err as Error).message });
  }
});
