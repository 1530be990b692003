/**
 * Parsing a long document (0.3 s for 10 MB) in a worker thread, so the bot
 * keeps answering meanwhile: the same result as parseDocumentDetailed. Used
 * where a document is read on the main thread (ingest, the folder watcher,
 * a server's library loading); a worker thread (the index build) parses in
 * place. One such parse at a time, so many long files at once never mean
 * many workers at once.
 */
import { isMainThread } from 'node:worker_threads';
import { DocAssembler } from '../store/doc-messages.js';
import type { Logger } from '../log.js';
import { OFF_THREAD_CHARS, postPaced, runJobOrHere, textChunks } from '../store/worker-job.js';
import { parseDocumentDetailed, type ParsedDocument, type ParseInput } from './parse.js';

let queue: Promise<unknown> = Promise.resolve();

/** parseDocumentDetailed, in a worker when the text is long and this is the main thread: the same document either way. */
export async function parseDocumentOffThread(input: ParseInput, logger?: Logger): Promise<ParsedDocument> {
  if (input.raw.length < OFF_THREAD_CHARS || !isMainThread) return parseDocumentDetailed(input);
  const parsed = queue.then(() => runJobOrHere<ParsedDocument>(
    { kind: 'parse', path: input.path, ext: input.ext },
    (post) => postPaced(textChunks(input.raw), post),
    // Each attempt assembles afresh: a worker that died mid-way may have sent part of the document.
    () => {
      const docs = new DocAssembler();
      return (reply) => {
        if (reply.type === 'parsed') return { doc: docs.docs[0]!, slugPinned: reply.slugPinned };
        if (reply.type === 'doc' || reply.type === 'paragraphs') docs.take(reply);
        return undefined;
      };
    },
    () => parseDocumentDetailed(input),
    logger,
  ));
  queue = parsed.catch(() => {});
  return parsed;
}
