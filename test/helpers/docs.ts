import { segmentDocumentBody } from '../../src/text/segment.js';
import type { Doc } from '../../src/types.js';

/** A document built from plain text, one paragraph per line, as the loader would build it. */
export function makeDoc(slug: string, body: string, meta: Partial<Doc['meta']> = {}): Doc {
  return { slug, path: `${slug}.txt`, meta: { title: meta.title ?? slug, tags: [], ...meta }, paragraphs: segmentDocumentBody(body) };
}
