/**
 * A quote is only verbatim if the file still says it. A library restored from
 * an index snapshot never re-reads its files, and the snapshot is matched to
 * them by path, size and modification time: a same-length edit whose mtime was
 * kept (a restored backup, `touch -r`, an edit while the bot was down on a
 * coarse-mtime filesystem) leaves the snapshot looking fresh while its text is
 * not. So every document read from a file records a hash of the file's bytes,
 * the snapshot keeps it, and a quote from a snapshot-restored document is
 * checked against the file before it is served.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Quote } from '../library.js';
import type { Logger } from '../log.js';
import { pointsOf } from '../points.js';
import type { Doc, Point } from '../types.js';
import { fileHashOf } from './content-hash.js';
import { loadDocumentFile } from './load.js';

/** Documents whose text came from a snapshot rather than their file: where the file is, and what it held. */
const fromSnapshot = new WeakMap<Doc, { file: string; dataDir: string; sha256: string }>();

/** The last check of each such document, keyed by what `stat` says (any write changes ctime, which no tool sets back). */
const checked = new WeakMap<Doc, { stamp: string; current?: Doc }>();

/** Marks documents restored from an index snapshot: their quotes are checked against `dataDir`'s files from now on. */
export function markFromSnapshot(docs: readonly Doc[], dataDir: string): void {
  for (const doc of docs) {
    const sha256 = fileHashOf(doc);
    if (sha256) fromSnapshot.set(doc, { file: path.join(dataDir, ...doc.path.split('/')), dataDir, sha256 });
  }
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  // Streamed in chunks, so a 10 MB file never holds the event loop.
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Paths of documents restored from a snapshot whose file no longer holds the
 * bytes they were read from (or is gone): the running bot reads them again
 * (the folder watcher's `touch`), so searches and summaries catch up too.
 * One file at a time, streamed: a background job, never a burst.
 */
export async function changedSinceSnapshot(docs: readonly Doc[]): Promise<string[]> {
  const changed: string[] = [];
  for (const doc of docs) {
    const source = fromSnapshot.get(doc);
    if (source && (await hashFile(source.file).catch(() => undefined)) !== source.sha256) changed.push(doc.path);
  }
  return changed;
}

/**
 * The document as its file reads now, when that differs from what the
 * snapshot holds; `undefined` when they agree. Throws a UserError when the
 * file is gone or can no longer be read.
 */
async function currentVersion(doc: Doc, source: { file: string; dataDir: string; sha256: string }, logger?: Logger): Promise<Doc | undefined> {
  const unreadable = () =>
    new UserError(`The file behind \`${doc.slug}\` is gone or can no longer be read since the index was built, so I can't vouch for its words. Ask the bot's operator to check the data folder.`);
  const info = await stat(source.file).catch(() => undefined);
  if (!info) throw unreadable();
  const stamp = `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}`;
  const last = checked.get(doc);
  if (last?.stamp === stamp) return last.current;
  let current: Doc | undefined;
  if ((await hashFile(source.file).catch(() => undefined)) !== source.sha256) {
    try {
      const { doc: read } = await loadDocumentFile(source.dataDir, doc.path);
      current = { ...read, slug: doc.slug, ...(doc.guild ? { guild: doc.guild } : {}) };
    } catch {
      throw unreadable();
    }
    logger?.warn({ slug: doc.slug, path: doc.path }, 'document changed since the index snapshot was built; quotes are read from the file until the library is rebuilt');
  }
  checked.set(doc, { stamp, current });
  return current;
}

/**
 * The quote as the document's file reads now. A quote from a document that
 * did not come from a snapshot is returned as it is; one from a snapshot whose
 * file still holds the same bytes too. Otherwise it is taken from the file
 * (the same citation, with the same context), or refused when the file no
 * longer has that passage: never the snapshot's words passed off as the file's.
 */
export async function verbatim(quote: Quote, context: number, logger?: Logger): Promise<Quote> {
  const source = fromSnapshot.get(quote.doc);
  if (!source) return quote;
  const current = await currentVersion(quote.doc, source, logger);
  if (!current) return quote;
  const points = pointsOf([current]);
  const point = points.find((p) => p.citation === quote.point.citation);
  if (!point) {
    throw new UserError(`\`${quote.doc.slug}\` has changed since it was indexed and no longer has a passage \`${quote.point.citation}\`. \`/search\` finds where the words are now.`);
  }
  return { ...around(points, point, context), doc: quote.doc };
}

/** The point with up to `context` sentences either side, in document order (as Library.quote gives them). */
function around(points: readonly Point[], point: Point, context: number): Omit<Quote, 'doc'> {
  const n = Math.max(0, Math.min(3, Math.trunc(context)));
  const sentences = points.filter((p) => p.kind === 'sentence');
  const inside = sentences.filter((s) => s.paragraph === point.paragraph && (point.sentence === undefined || s.sentence === point.sentence));
  const first = sentences.indexOf(inside[0]!);
  const last = sentences.indexOf(inside[inside.length - 1]!);
  return {
    point,
    before: n && first > 0 ? sentences.slice(Math.max(0, first - n), first) : [],
    after: n && last >= 0 ? sentences.slice(last + 1, last + 1 + n) : [],
  };
}
