import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sameContent } from '../documents/content-hash.js';
import { DocumentError } from '../documents/errors.js';
import { DocumentStoreUnavailable, type DocumentRecorder } from '../documents/mirror.js';
import { RefusalError } from '../errors.js';
import { renderDocument } from '../documents/frontmatter.js';
import { parseDocumentOffThread } from '../documents/parse-offthread.js';
import type { Library } from '../library.js';
import { fold } from '../text/normalize.js';
import type { Logger } from '../log.js';
import type { Doc } from '../types.js';
import { removeFileDurably, removeStaleTemps, withClaim, writeFileAtomic } from './atomic.js';
import { convert, type Converted } from './convert.js';
import { IngestRefusal, formatBytes } from './errors.js';
import { fetchLimited } from './fetch.js';
import { checkLiteralHost, type Resolver } from './guard.js';
import type { LibraryChanges } from './manager.js';
import { claimSlug, slugOnDisk } from './slugs.js';

export const DEFAULT_INGEST_MAX_BYTES = 10 * 1024 * 1024;
/** Documents the operator adds to the shared library with the CLI live here, under DATA_DIR, beside hand-made folders. */
export const INGEST_FOLDER = 'ingested';

/** Where a service writes: the shared library's ingest folder, or one server's own folder. */
export interface IngestPlace {
  /** Relative to DATA_DIR, forward slashes. */
  folder: string;
  /** The server whose library this is; absent for the shared library. */
  guild?: string;
}

export const SHARED_PLACE: IngestPlace = { folder: INGEST_FOLDER };

/** What the service changes: the shared library's manager, or a server's library (see tenancy/). */
export interface LibraryWriter {
  current(): Library;
  exclusive<T>(work: (library: Library, commit: (changes: LibraryChanges) => Promise<Library>) => Promise<T>): Promise<T>;
}

/** Said when /forget names a shared document: servers read the shared library but never change it. */
export const SHARED_FORGET = 'That document is in the shared library, which every server reads and only the bot’s operator manages (by removing its file from the data folder). `/forget` removes documents this server added.';

export interface IngestSettings {
  dataDir: string;
  maxBytes: number;
  allowPrivateUrls: boolean;
  analystRoleId?: string;
  timeoutMs?: number;
  /** Tests play DNS with this. */
  resolve?: Resolver;
  /** Which resolved addresses count as public; a test seam (default: public unicast only). */
  isAllowed?: (address: string) => boolean;
  /**
   * The system of record when there is one (PostgreSQL with DATABASE_URL): told
   * of every add and removal before the local file changes, so a change the
   * database refuses changes nothing.
   */
  recorder?: DocumentRecorder;
}

/** Said when the database (the system of record) cannot take a change right now. */
export const STORE_UNAVAILABLE =
  'The document store is unreachable right now, so nothing was changed. Searches still answer from what is already loaded; try again in a minute.';

async function record(work: (() => Promise<void>) | undefined): Promise<void> {
  try {
    await work?.();
  } catch (err) {
    if (err instanceof DocumentStoreUnavailable) throw new IngestRefusal(STORE_UNAVAILABLE);
    throw err;
  }
}

export type IngestSource =
  | { kind: 'attachment'; url: string; name: string; size?: number; contentType?: string }
  | { kind: 'url'; url: string }
  /** A local file, for the operator's CLI. */
  | { kind: 'file'; path: string }
  /** HTML that arrived inside something already fetched (a feed item's full content); `url` is where it was published. */
  | { kind: 'content'; html: string; url: string };

export interface IngestRequest {
  source: IngestSource;
  title?: string;
  tags?: string[];
  addedBy: { id: string; name: string };
  /** Front matter the caller knows better than the document: a feed item's link and date, and the feed it came from. */
  front?: { source?: string; published?: string; feed?: string };
}

export interface IngestResult {
  /** `duplicate`: the same content was already there, under `doc.slug`. */
  status: 'added' | 'duplicate';
  doc: Doc;
  paragraphs: number;
  points: number;
  topics: string[];
}

const ACCEPTED_NAME = /\.(?:txt|md|markdown|html?|pdf)$/i;

async function readLimited(file: string, maxBytes: number): Promise<{ bytes: Buffer; contentType?: string; url: string }> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new IngestRefusal(`There is no readable file at ${file}.`);
  }
  if (size > maxBytes) throw new IngestRefusal(`That file is ${formatBytes(size)}; the limit is ${formatBytes(maxBytes)}.`);
  return { bytes: await readFile(file), url: pathToFileURL(path.resolve(file)).href };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export { renderDocument };

/**
 * The title the document gives itself (a Markdown heading, a text file's
 * title line), but not one the parser made up from the first sentence: a
 * file name makes a better slug than half a sentence.
 */
async function ownTitle(converted: Converted): Promise<string | undefined> {
  if (converted.title) return converted.title;
  try {
    const { doc } = await parseDocumentOffThread({ path: `x${converted.ext}`, raw: converted.body, ext: converted.ext });
    const first = doc.paragraphs[0]?.text ?? '';
    const title = doc.meta.title.replace(/…$/, '');
    return fold(first).startsWith(fold(title)) ? undefined : doc.meta.title;
  } catch {
    return undefined;
  }
}

function baseForSlug(req: IngestRequest, title: string | undefined): string {
  if (title) return title;
  if (req.source.kind === 'attachment') return req.source.name.replace(/\.[^.]*$/, '');
  if (req.source.kind === 'file') return path.basename(req.source.path).replace(/\.[^.]*$/, '');
  const url = new URL(req.source.url);
  const last = url.pathname.split('/').filter(Boolean).pop()?.replace(/\.[^.]*$/, '');
  return last || url.hostname;
}

/**
 * Adding and removing documents from chat: fetch, convert, write atomically
 * under DATA_DIR, then swap the library. A document is acknowledged only
 * after its file is durable, so a restart loads exactly what was confirmed.
 */
export class IngestService {
  constructor(
    readonly manager: LibraryWriter,
    readonly settings: IngestSettings,
    private readonly logger?: Logger,
    readonly place: IngestPlace = SHARED_PLACE,
  ) {}

  get library(): Library {
    return this.manager.current();
  }

  /** Clears temp files a crash left behind; call once at start-up. */
  async init(): Promise<void> {
    const removed = await removeStaleTemps(path.join(this.settings.dataDir, ...this.place.folder.split('/')));
    if (removed) this.logger?.warn({ removed }, 'removed unfinished ingest temp files');
  }

  /** Checks that need no download, so a refusal can be sent before deferring. */
  precheck(source: IngestSource): void {
    const max = this.settings.maxBytes;
    if (source.kind === 'file') return;
    if (source.kind === 'content') {
      const size = Buffer.byteLength(source.html);
      if (size > max) throw new IngestRefusal(`That item is ${formatBytes(size)}; the limit is ${formatBytes(max)}.`);
      return;
    }
    if (source.kind === 'attachment') {
      if (source.size !== undefined && source.size > max) throw new IngestRefusal(`That file is ${formatBytes(source.size)}; the limit is ${formatBytes(max)}.`);
      if (/\.\w{1,8}$/.test(source.name) && !ACCEPTED_NAME.test(source.name)) {
        throw new IngestRefusal(`I can read .txt, .md, .html and .pdf files; \`${source.name.slice(0, 80)}\` is not one of those.`);
      }
      return;
    }
    let url: URL;
    try {
      url = new URL(source.url);
    } catch {
      throw new IngestRefusal('That is not a web address. Give a full link such as `https://example.com/report.html`.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new IngestRefusal('Only http and https links can be ingested.');
    checkLiteralHost(url, this.settings.allowPrivateUrls);
  }

  async ingest(req: IngestRequest): Promise<IngestResult> {
    this.precheck(req.source);
    const fetched =
      req.source.kind === 'file'
        ? await readLimited(req.source.path, this.settings.maxBytes)
        : req.source.kind === 'content'
          ? { bytes: Buffer.from(req.source.html), contentType: 'text/html', url: req.source.url }
          : await fetchLimited(req.source.url, {
            maxBytes: this.settings.maxBytes,
            timeoutMs: this.settings.timeoutMs,
            // Attachment URLs come from Discord itself; only links a user typed are guarded.
            guard: req.source.kind === 'url',
            allowPrivate: this.settings.allowPrivateUrls,
            resolve: this.settings.resolve,
            isAllowed: this.settings.isAllowed,
          });
    const name =
      req.source.kind === 'attachment' ? req.source.name : req.source.kind === 'file' ? path.basename(req.source.path) : req.source.kind === 'content' ? 'item.html' : new URL(fetched.url).pathname;
    const converted = await convert(fetched.bytes, { name, contentType: req.source.kind === 'attachment' ? req.source.contentType : fetched.contentType, maxBytes: this.settings.maxBytes });
    // Each step over a long body takes tens of milliseconds: the event loop gets a turn between them.
    await turn();
    const body = converted.body.endsWith('\n') ? converted.body : `${converted.body}\n`;
    const hash = sha256(body);
    await turn();
    const title = req.title ?? (await ownTitle(converted));

    return this.manager.exclusive(async (library, commit) => {
      const existing = library.docs.find((d) => d.meta.hash === hash);
      if (existing) return this.result('duplicate', existing, library);

      const folder = path.join(this.settings.dataDir, ...this.place.folder.split('/'));
      await mkdir(folder, { recursive: true });
      const meta = converted.meta;
      const source = req.front?.source ?? (req.source.kind === 'url' ? fetched.url : meta.source);
      let duplicateOf: Doc | undefined;
      const write = async (slug: string): Promise<Doc | undefined> => {
        // Someone else (another process on this folder) wrote this name since the library was loaded.
        if (slugOnDisk(folder, slug)) return undefined;
        const relPath = `${this.place.folder}/${slug}${converted.ext}`;
        const raw = renderDocument(
          {
            title,
            slug,
            source,
            author: meta.author,
            published: req.front?.published ?? meta.published,
            tags: [...new Set([...(meta.tags ?? []), ...(req.tags ?? [])])],
            // The Discord id keeps the record unambiguous when a user renames themselves.
            added_by: /^\d{17,20}$/.test(req.addedBy.id) ? `${req.addedBy.name} (${req.addedBy.id})` : req.addedBy.name,
            added_at: new Date().toISOString(),
            hash,
            feed: req.front?.feed,
            // The record names the server as well as the folder does, so the file can be put back if moved.
            guild: this.place.guild,
          },
          body,
        );
        let doc: Doc;
        try {
          // Parsed exactly as a restart will parse the file, before anything is written.
          // (In a worker when the document is long: see offthread.ts.)
          doc = { ...(await parseDocumentOffThread({ path: relPath, raw, ext: converted.ext }, this.logger)).doc, ...(this.place.guild ? { guild: this.place.guild } : {}) };
        } catch (err) {
          if (err instanceof DocumentError) throw new IngestRefusal(`That document could not be read: ${err.message.replace(`${relPath}: `, '')}.`);
          throw err;
        }
        if (doc.paragraphs.length === 0) throw new IngestRefusal('That document has no text to index.');
        // The same text under another name (dropped into the folder by hand, say) is the same document: nothing is written.
        await turn();
        duplicateOf = sameContent(doc, library.docs);
        if (duplicateOf) return doc;
        // The system of record first: a change it refuses changes nothing here either.
        const recorder = this.settings.recorder;
        await record(recorder && (() => recorder.put({ path: relPath, raw })));
        await writeFileAtomic(path.join(folder, `${slug}${converted.ext}`), raw);
        return doc;
      };
      // Unique within what this library's readers see (a server's documents never take a shared slug), and
      // claimed on disk (create-exclusive) so another writer on the same folder cannot take the same name meanwhile.
      const doc = await claimSlug(
        baseForSlug(req, title),
        (s) => library.doc(s) !== undefined,
        async (s) => {
          const written = await withClaim(folder, s, () => write(s));
          return written?.value ? { value: written.value } : undefined;
        },
      );
      if (duplicateOf) return this.result('duplicate', duplicateOf, library);
      const slug = doc.slug;
      const relPath = doc.path;
      const next = await commit({ add: [doc] });
      this.logger?.info({ slug, path: relPath, bytes: fetched.bytes.length, kind: converted.kind, addedBy: req.addedBy.id }, 'document ingested');
      return this.result('added', next.doc(slug)!, next);
    });
  }

  /** Deletes the document's file, then drops it from the library. */
  async forget(slug: string): Promise<Doc> {
    return this.manager.exclusive(async (library, commit) => {
      const doc = library.requireDoc(slug);
      if (doc.guild !== this.place.guild) throw new RefusalError(SHARED_FORGET);
      const file = path.resolve(this.settings.dataDir, ...doc.path.split('/'));
      // Doc paths come from the loader, but a path outside DATA_DIR is never deleted.
      if (!file.startsWith(path.resolve(this.settings.dataDir) + path.sep)) throw new Error(`refusing to delete outside DATA_DIR: ${doc.path}`);
      const recorder = this.settings.recorder;
      await record(recorder && (() => recorder.remove({ path: doc.path })));
      await removeFileDurably(file);
      await commit({ remove: [doc.slug] });
      this.logger?.info({ slug: doc.slug, path: doc.path }, 'document forgotten');
      return doc;
    });
  }

  private result(status: IngestResult['status'], doc: Doc, library: Library): IngestResult {
    const sentences = doc.paragraphs.reduce((n, p) => n + p.sentences.length, 0);
    return {
      status,
      doc,
      paragraphs: doc.paragraphs.length,
      points: doc.paragraphs.length + sentences,
      topics: library.topicsFor(doc.slug).map((t) => t.name),
    };
  }
}
