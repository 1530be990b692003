import { createHash } from 'node:crypto';
import type { Doc } from '../types.js';

const hashes = new WeakMap<Doc, string>();

/**
 * What makes two documents the same: their paragraphs, word for word. Front
 * matter, file names and line endings aside, so a file dropped twice, or
 * dropped and also ingested, is recognised as one document.
 */
export function contentHash(doc: Pick<Doc, 'paragraphs'> & object): string {
  const known = hashes.get(doc as Doc);
  if (known) return known;
  const hash = createHash('sha256');
  for (const p of doc.paragraphs) hash.update(p.text).update('\n');
  const digest = hash.digest('hex');
  hashes.set(doc as Doc, digest);
  return digest;
}

/** The earlier document with the same content in the same library (shared, or one server's), if any. */
export function sameContent(doc: Doc, among: readonly Doc[]): Doc | undefined {
  const hash = contentHash(doc);
  return among.find((d) => d !== doc && d.path !== doc.path && d.guild === doc.guild && contentHash(d) === hash);
}

/** The reason a duplicate is skipped, naming the file it repeats. */
export function duplicateReason(original: Pick<Doc, 'path'>): string {
  return `same content as ${original.path}; skipped as a duplicate`;
}

/** SHA-256 of the bytes each document was read from (recorded by the loader, kept in the index snapshot). */
const fileHashes = new WeakMap<Doc, string>();

export function recordFileHash(doc: Doc, bytes: Uint8Array | string): void {
  fileHashes.set(doc, typeof bytes === 'string' ? bytes : createHash('sha256').update(bytes).digest('hex'));
}

export function fileHashOf(doc: Doc): string | undefined {
  return fileHashes.get(doc);
}
