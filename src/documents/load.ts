import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { formatBytes } from '../ingest/errors.js';
import { contentHash, duplicateReason, fileHashOf, recordFileHash } from './content-hash.js';
import type { Doc } from '../types.js';
import { DocumentError } from './errors.js';
import { pdfToText, PdfUnreadable } from './pdf.js';
import { parseDocumentOffThread } from './parse-offthread.js';
import { isDocumentExt, type DocumentExt, type ParsedDocument } from './parse.js';
import { suffixedSlug } from './slug.js';

export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

export interface LoadOptions {
  logger?: WarnLogger;
  /** Files larger than this are skipped with a warning. Default 10 MB. */
  maxBytes?: number;
  /**
   * Load one server's library (`DATA_DIR/guilds/<id>/`) instead of the shared
   * one; its documents carry `guild` and never take a `reserved` slug.
   */
  guild?: string;
  /** Slugs already taken (the shared library's, when loading a server's). */
  reserved?: (slug: string) => boolean;
}

/** Servers' own libraries live in `DATA_DIR/guilds/<guildId>/`; everything else under DATA_DIR is shared. */
export const GUILDS_FOLDER = 'guilds';

/** The folder of a server's library, relative to DATA_DIR. */
export function guildFolder(guildId: string): string {
  return `${GUILDS_FOLDER}/${guildId}`;
}

/** The server whose library holds `relPath` (relative to DATA_DIR), or undefined for the shared library. */
export function guildOfPath(relPath: string): string | undefined {
  const parts = relPath.split('/');
  return parts[0] === GUILDS_FOLDER && parts.length > 2 && /^\d{1,20}$/.test(parts[1]!) ? parts[1] : undefined;
}

export interface SkippedFile {
  path: string;
  reason: string;
  /** Set when the file is over INGEST_MAX_BYTES: start-up names those itself (see reportOversized), so loaders need not again. */
  bytes?: number;
}

export interface LoadResult {
  /** Sorted by path; slugs unique. */
  docs: Doc[];
  /** Would-be documents that could not be loaded, sorted by path. */
  skipped: SkippedFile[];
}

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
// Bounded so a large library does not exhaust file descriptors.
const READ_CONCURRENCY = 16;

const IGNORED_FILES = new Set(['readme.md', 'source.md', 'topics.json']);

/** Names the walker never descends into or loads (housekeeping files next to the documents). */
export function isIgnoredName(name: string, isDirectory: boolean): boolean {
  if (name.startsWith('.')) return true;
  if (isDirectory) return name === 'node_modules';
  const lower = name.toLowerCase();
  return IGNORED_FILES.has(lower) || lower.startsWith('license');
}

/** Whether a path relative to the data directory would be loaded as a document. */
export function isDocumentPath(relPath: string): boolean {
  const parts = relPath.split('/');
  const name = parts.pop() ?? '';
  if (parts.some((dir) => isIgnoredName(dir, true))) return false;
  return !isIgnoredName(name, false) && isLoadableExt(extname(name).toLowerCase());
}

/** Formats kept as the file's bytes rather than UTF-8 text: the text is extracted from them when loaded. */
export function isBinaryDocumentPath(relPath: string): boolean {
  return extname(relPath).toLowerCase() === '.pdf';
}

/** Text formats the parser reads, and PDFs, read through their text layer first. */
function isLoadableExt(ext: string): ext is DocumentExt | '.pdf' {
  return isDocumentExt(ext) || ext === '.pdf';
}

function byPath(a: string, b: string): number {
  // Code-unit order, not locale order: identical on every machine.
  return a < b ? -1 : a > b ? 1 : 0;
}

async function walk(dataDir: string, rel: string, out: string[], logger: WarnLogger | undefined, root = ''): Promise<void> {
  let entries;
  try {
    entries = await readdir(rel === '' ? dataDir : join(dataDir, ...rel.split('/')), { withFileTypes: true });
  } catch (err) {
    if (rel === root) {
      // A server that never added anything has no folder: an empty library, not an error.
      if (root !== '' && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new DocumentError(`cannot read data directory ${rel === '' ? dataDir : join(dataDir, rel)}: ${(err as Error).message}`, { cause: err });
    }
    logger?.warn({ path: rel, err }, 'cannot read directory; skipped');
    return;
  }
  for (const entry of entries) {
    const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
    // The servers' libraries are not part of the shared one.
    if (rel === '' && entry.name === GUILDS_FOLDER) continue;
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      // Follow links to files only: linked directories can form cycles.
      try {
        isFile = (await stat(join(dataDir, ...relPath.split('/')))).isFile();
      } catch {
        isFile = false;
      }
      isDir = false;
    }
    if (isIgnoredName(entry.name, isDir)) continue;
    if (isDir) await walk(dataDir, relPath, out, logger, root);
    else if (isFile && isDocumentPath(relPath)) out.push(relPath);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Every document file over `maxBytes`, the servers' folders included. Start-up
 * reports them each time: a saved index never reads the files again, so a file
 * skipped for its size would otherwise be mentioned once, at the first build.
 */
export async function oversizedFiles(dataDir: string, maxBytes: number, logger?: WarnLogger): Promise<{ path: string; size: number }[]> {
  const paths: string[] = [];
  await walk(dataDir, '', paths, logger);
  const servers = await readdir(join(dataDir, GUILDS_FOLDER), { withFileTypes: true }).catch(() => []);
  for (const s of servers) if (s.isDirectory()) await walk(dataDir, `${GUILDS_FOLDER}/${s.name}`, paths, logger, `${GUILDS_FOLDER}/${s.name}`);
  const over: { path: string; size: number }[] = [];
  for (const rel of paths.sort(byPath)) {
    const size = (await stat(join(dataDir, ...rel.split('/'))).catch(() => undefined))?.size ?? 0;
    if (size > maxBytes) over.push({ path: rel, size });
  }
  return over;
}

/** The warning for each of them: name, size and the limit, never a silent skip. */
function tooLarge(size: number, maxBytes: number): string {
  return `file is too large (${formatBytes(size)}; limit ${formatBytes(maxBytes)}, INGEST_MAX_BYTES)`;
}


/**
 * Reads and parses one document (path relative to `dataDir`, forward slashes).
 * Throws DocumentError with a reader-facing reason when the file cannot be
 * used: too large, unreadable, not UTF-8, malformed front matter, or no text.
 * The slug is not yet de-duplicated: pass the whole set through assignUniqueSlugs.
 */
export async function loadDocumentFile(dataDir: string, relPath: string, opts: LoadOptions = {}): Promise<ParsedDocument> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const ext = extname(relPath).toLowerCase();
  if (!isLoadableExt(ext)) throw new DocumentError(`not a document type (${ext || 'no extension'})`, { path: relPath });
  const full = join(dataDir, ...relPath.split('/'));

  let bytes: Buffer;
  let modifiedMs: number;
  try {
    const info = await lstat(full).then((s) => (s.isSymbolicLink() ? stat(full) : s));
    modifiedMs = info.mtimeMs;
    if (info.size > maxBytes) {
      throw new DocumentError(tooLarge(info.size, maxBytes), { path: relPath, bytes: info.size });
    }
    bytes = await readFile(full);
  } catch (err) {
    if (err instanceof DocumentError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new DocumentError(`cannot read file${code ? ` (${code})` : ''}`, { path: relPath, cause: err });
  }
  // The size can change between stat and read.
  if (bytes.length > maxBytes) {
    throw new DocumentError(tooLarge(bytes.length, maxBytes), { path: relPath, bytes: bytes.length });
  }

  // A PDF is parsed as the plain text of its text layer.
  const raw = ext === '.pdf' ? await pdfText(relPath, bytes, maxBytes) : utf8Text(relPath, bytes);
  // A long document is parsed in a worker when this is the main thread (the folder watcher, a server's library loading).
  const parsed = await parseDocumentOffThread({ path: relPath, raw, ext: ext === '.pdf' ? '.txt' : ext });
  if (parsed.doc.paragraphs.length === 0) throw new DocumentError('document has no text', { path: relPath });
  recordFileHash(parsed.doc, bytes);
  modifiedAt.set(parsed.doc, modifiedMs);
  return parsed;
}

/** When each document's file was last modified, as read: which of two copies came first. */
const modifiedAt = new WeakMap<Doc, number>();

export function modifiedMsOf(doc: Doc): number | undefined {
  return modifiedAt.get(doc);
}

/**
 * Of two documents with the same content, the one that stays: the one /ingest
 * added (its slug was given to someone to cite), else the older file (the copy
 * the library already had when the other was dropped beside it), else the
 * first in path order. Start-up and the folder watcher decide alike, so a
 * restart keeps the copy that was being served. `modifiedMs` is for a document
 * whose file was read before this process (restored from a snapshot).
 */
export function keptCopy(a: Doc, b: Doc, modifiedMs: (doc: Doc) => number | undefined = modifiedMsOf): Doc {
  const ingested = Number(b.meta.addedAt !== undefined) - Number(a.meta.addedAt !== undefined);
  if (ingested !== 0) return ingested < 0 ? a : b;
  const ma = modifiedMs(a);
  const mb = modifiedMs(b);
  if (ma !== undefined && mb !== undefined && Math.floor(ma) !== Math.floor(mb)) return ma < mb ? a : b;
  return byPath(a.path, b.path) <= 0 ? a : b;
}

function utf8Text(relPath: string, bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch (err) {
    throw new DocumentError('file is not valid UTF-8 text', { path: relPath, cause: err });
  }
}

/**
 * A PDF's text layer as the raw text of a plain-text document: the title from
 * the PDF's metadata when it has one (otherwise the first line, as for any
 * .txt), the slug from the file name. Citations count the paragraphs found in
 * the layer.
 */
async function pdfText(relPath: string, bytes: Buffer, maxBytes: number): Promise<string> {
  let title: string | undefined;
  let text: string;
  try {
    ({ title, text } = await pdfToText(bytes, { maxTextBytes: maxBytes }));
  } catch (err) {
    if (err instanceof PdfUnreadable) throw new DocumentError(err.message, { path: relPath, cause: err });
    throw err;
  }
  // A front-matter title (JSON is valid YAML) keeps the first paragraph from being taken as the title.
  return title ? `---\ntitle: ${JSON.stringify(title)}\n---\n${text}` : text;
}

/**
 * Makes slugs unique across a library; returns the documents sorted by path.
 *
 * Rule: slugs pinned in front matter claim first, then slugs derived from file
 * names; within each group the file whose relative path sorts first keeps the
 * slug and the others get `-2`, `-3`… in path order (skipping any suffix that
 * another file wants as its own slug). Adding a file can therefore renumber a
 * derived slug; a front-matter `slug` is the way to pin a citation for good.
 */
export function assignUniqueSlugs(files: readonly ParsedDocument[], logger?: WarnLogger, reserved: (slug: string) => boolean = () => false): Doc[] {
  const sorted = [...files].sort((a, b) => byPath(a.doc.path, b.doc.path));
  const wanted = new Set(sorted.map((f) => f.doc.slug));
  const used = new Set<string>();
  const taken = { has: (slug: string) => used.has(slug) || reserved(slug), add: (slug: string) => used.add(slug) };
  const result = new Map<ParsedDocument, Doc>();

  for (const group of [sorted.filter((f) => f.slugPinned), sorted.filter((f) => !f.slugPinned)]) {
    for (const file of group) {
      const base = file.doc.slug;
      let slug = base;
      // A suffixed slug that another file wants as its own is reserved for it.
      for (let n = 2; taken.has(slug) || (slug !== base && wanted.has(slug)); n++) slug = suffixedSlug(base, n);
      taken.add(slug);
      if (slug !== base) logger?.warn({ path: file.doc.path, wanted: base, slug }, 'slug already taken; renamed');
      result.set(file, slug === base ? file.doc : { ...file.doc, slug });
    }
  }
  return sorted.map((f) => result.get(f)!);
}

/**
 * Loads every document under `dataDir`. A file that cannot be used is listed
 * in `skipped` (not logged here: the caller reports those, once) and never
 * stops the rest of the library loading. The logger gets what `skipped` cannot
 * show: unreadable sub-directories and slug renames. Throws only when
 * `dataDir` itself cannot be read.
 */
export async function loadDocuments(dataDir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const paths: string[] = [];
  const root = opts.guild === undefined ? '' : guildFolder(opts.guild);
  await walk(dataDir, root, paths, opts.logger, root);
  paths.sort(byPath);

  const outcomes: (ParsedDocument | SkippedFile)[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      const path = paths[i]!;
      try {
        outcomes[i] = await loadDocumentFile(dataDir, path, opts);
      } catch (err) {
        if (!(err instanceof DocumentError)) throw err;
        outcomes[i] = err.bytes === undefined ? { path, reason: err.message } : { path, reason: err.message, bytes: err.bytes };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, paths.length) }, worker));

  const loaded: ParsedDocument[] = [];
  const skipped: SkippedFile[] = [];
  // The same content under two names is one document (see keptCopy for which).
  const keeper = new Map<string, Doc>();
  for (const o of outcomes) {
    if (!('doc' in o)) continue;
    const hash = contentHash(o.doc);
    const kept = keeper.get(hash);
    keeper.set(hash, kept ? keptCopy(kept, o.doc) : o.doc);
  }
  for (const o of outcomes) {
    if (!('doc' in o)) {
      skipped.push(o);
      continue;
    }
    const kept = keeper.get(contentHash(o.doc))!;
    if (kept !== o.doc) {
      skipped.push({ path: o.doc.path, reason: duplicateReason(kept) });
      continue;
    }
    loaded.push(opts.guild === undefined ? o : { ...o, doc: { ...o.doc, guild: opts.guild } });
  }
  const docs = assignUniqueSlugs(loaded, opts.logger, opts.reserved);
  // Renamed or moved to a server, a document is a copy: it keeps the hash of the file it was read from.
  const read = new Map(outcomes.flatMap((o) => ('doc' in o && fileHashOf(o.doc) ? [[o.doc.path, fileHashOf(o.doc)!] as const] : [])));
  for (const doc of docs) if (read.has(doc.path)) recordFileHash(doc, read.get(doc.path)!);
  return { docs, skipped };
}

/** Converts a platform path relative to the data directory into the forward-slash form used in Doc.path. */
export function toDocPath(relative: string): string {
  return relative.split(sep).join('/');
}
