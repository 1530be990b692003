/**
 * Documents passed between threads as a series of small messages: a 10 MB
 * document in one postMessage costs tens of milliseconds to copy on each
 * side, in one piece, which is what moving the work off the main thread is
 * meant to avoid. Each message carries at most about CHUNK_CHARS of text.
 */
import type { Doc, Paragraph } from '../types.js';

const CHUNK_CHARS = 256 * 1024;

export type DocMessage =
  | { type: 'doc'; slug: string; path: string; meta: Doc['meta']; guild?: string }
  | { type: 'paragraphs'; paragraphs: Paragraph[] };

/** The messages that carry `doc`: its header, then its paragraphs in chunks. */
export function* docMessages(doc: Doc): Generator<DocMessage> {
  yield { type: 'doc', slug: doc.slug, path: doc.path, meta: doc.meta, ...(doc.guild ? { guild: doc.guild } : {}) };
  let chunk: Paragraph[] = [];
  let chars = 0;
  for (const p of doc.paragraphs) {
    chunk.push(p);
    chars += p.text.length * 2;
    if (chars >= CHUNK_CHARS) {
      yield { type: 'paragraphs', paragraphs: chunk };
      chunk = [];
      chars = 0;
    }
  }
  if (chunk.length > 0) yield { type: 'paragraphs', paragraphs: chunk };
}

/** Rebuilds the documents from their messages, in the order they were sent. */
export class DocAssembler {
  readonly docs: Doc[] = [];

  take(message: DocMessage): void {
    if (message.type === 'doc') {
      const { type: _type, ...header } = message;
      this.docs.push({ ...header, paragraphs: [] });
      return;
    }
    const doc = this.docs[this.docs.length - 1]!;
    for (const p of message.paragraphs) doc.paragraphs.push(p);
  }
}
