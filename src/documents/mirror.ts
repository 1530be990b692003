import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Database, type DatabaseTarget, type Subscription } from '../db/index.js';
import { removeFileDurably, writeFileAtomic } from '../ingest/atomic.js';
import type { DataWatcher } from '../ingest/watch.js';
import type { Logger } from '../log.js';
import { guildOfPath, isBinaryDocumentPath, isDocumentPath, isIgnoredName, toDocPath } from './load.js';

/** The NOTIFY channel a put or delete is announced on; the payload is the change's sequence number. */
export const DOCUMENTS_CHANNEL = 'dossier_documents';

/**
 * A document file as the database holds it: text as it reads, a binary format
 * (a PDF) as base64 of its bytes, so the same file, with the same citations,
 * is written on every machine.
 */
function toRaw(rel: string, bytes: Buffer): string {
  return isBinaryDocumentPath(rel) ? bytes.toString('base64') : bytes.toString('utf8');
}

function fileBytes(rel: string, raw: string): Buffer {
  return isBinaryDocumentPath(rel) ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
}

/** SHA-256 of a file's bytes (of a text file's text as it decodes, which is what the database keeps of it). */
function fileHash(rel: string, bytes: Buffer): string {
  return sha256(isBinaryDocumentPath(rel) ? bytes : bytes.toString('utf8'));
}

/** What ingest tells the system of record, before it touches the local folder (`raw` as `toRaw` has it). */
export interface DocumentRecorder {
  put(doc: { path: string; raw: string }): Promise<void>;
  remove(doc: { path: string }): Promise<void>;
}

/** Where a machine keeps the manifest of what its folder and the database last agreed on (a dot-folder: never loaded). */
export function manifestFile(dataDir: string): string {
  return path.join(dataDir, '.dossier', 'documents-agreed.json');
}

/** The database could not take a document change: nothing was changed anywhere. */
export class DocumentStoreUnavailable extends Error {
  override name = 'DocumentStoreUnavailable';
}

/** Documents read per query when a folder is filled from the database. */
const FETCH_BATCH = 200;

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

async function listDocumentFiles(dataDir: string, rel = '', out: string[] = []): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(rel ? path.join(dataDir, ...rel.split('/')) : dataDir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const relPath = rel ? `${rel}/${e.name}` : e.name;
    if (isIgnoredName(e.name, e.isDirectory())) continue;
    if (e.isDirectory()) await listDocumentFiles(dataDir, relPath, out);
    else if (e.isFile() && isDocumentPath(relPath)) out.push(relPath);
  }
  return out;
}

/**
 * With DATABASE_URL, PostgreSQL is the system of record for documents and
 * DATA_DIR is this machine's copy of it, which the loaders, the index
 * snapshot and the folder watcher keep reading as before.
 *
 * - At start-up the two are reconciled: a file changed or added here since the
 *   last reconciliation (or never seen) is imported, idempotent by content
 *   hash; a file deleted here is deleted there; everything else in the
 *   database is written here, and files deleted elsewhere are removed. The
 *   manifest (path → hash as last agreed) tells a local change from a remote one.
 * - While running, every put and delete is a row in `document_changes` plus
 *   a NOTIFY; each process applies the rows past the last it saw to its folder
 *   (and the folder watcher to its libraries), after every reconnection too,
 *   so a process that lost its connection catches up rather than missing a change.
 * - A file added, edited or deleted here by hand while running (the folder
 *   watcher) is recorded by the same rules as at start-up; the manifest holds
 *   what this process wrote or recorded itself, so its own writes never echo back.
 */
export class DocumentMirror implements DocumentRecorder {
  private lastSeen = 0;
  private manifest = new Map<string, string>();
  private subscription?: Subscription;
  private applying: Promise<void> = Promise.resolve();
  private followers = new Set<() => void>();
  /** Hand changes the database could not take: tried again after the next notice or reconnection. */
  private unrecorded = new Set<string>();
  /** Told which files a catch-up wrote or deleted (the folder watcher, so libraries follow at once). */
  onApplied?: (relPaths: string[]) => void;

  constructor(
    private readonly database: Database,
    private readonly dataDir: string,
    private readonly manifestFile: string,
    private readonly logger?: Logger,
    /** INGEST_MAX_BYTES: a larger file in this folder is never imported (the loader skips it too), nor overwritten. */
    private readonly maxBytes = Infinity,
  ) {}

  /** The last change applied to this machine's folder. */
  get position(): number {
    return this.lastSeen;
  }

  /** Reconciles the folder with the database; call before the library is loaded. */
  async reconcile(): Promise<{ imported: number; written: number; removedHere: number; removedThere: number; oversized: number }> {
    await this.readManifest();
    const db = this.database.db;
    const counts = { imported: 0, written: 0, removedHere: 0, removedThere: 0, oversized: 0 };
    const stored = new Map((await db.selectFrom('documents').select(['path', 'hash']).execute()).map((r) => [r.path, r.hash]));
    // Hashes only: a large folder is not held in memory, and a file is read again only to be imported.
    const local = new Map<string, { hash: string }>();
    const oversized = new Set<string>();
    for (const rel of await listDocumentFiles(this.dataDir)) {
      const file = path.join(this.dataDir, ...rel.split('/'));
      if ((await stat(file)).size > this.maxBytes) {
        oversized.add(rel);
        continue;
      }
      local.set(rel, { hash: fileHash(rel, await readFile(file)) });
    }
    counts.oversized = oversized.size;
    // Taken before the changes are read, so nothing that lands meanwhile is skipped later.
    this.lastSeen = await this.latestChange();

    for (const [rel, file] of local) {
      const agreed = this.manifest.get(rel);
      const there = stored.get(rel);
      if (there === file.hash) {
        this.manifest.set(rel, file.hash);
      } else if (agreed === file.hash) {
        // Unchanged here since we last agreed: the database's newer state wins.
        if (there === undefined) {
          await removeFileDurably(path.join(this.dataDir, ...rel.split('/')));
          this.manifest.delete(rel);
          counts.removedHere++;
        } else {
          await this.writeLocal(rel, (await this.fetch(rel))!.raw, there);
          counts.written++;
        }
      } else if (there === undefined && (await this.deletedElsewhere(rel, file.hash))) {
        // Never agreed on, and exactly this content was deleted elsewhere: deleted, not new.
        await removeFileDurably(path.join(this.dataDir, ...rel.split('/')));
        counts.removedHere++;
      } else {
        await this.put({ path: rel, raw: toRaw(rel, await readFile(path.join(this.dataDir, ...rel.split('/')))) });
        counts.imported++;
      }
    }
    const missing: string[] = [];
    for (const [rel, hash] of stored) {
      if (local.has(rel) || oversized.has(rel) || !this.writable(rel)) continue;
      if (this.manifest.get(rel) === hash) {
        // Agreed on before, gone from this folder since: deleted here by hand.
        await this.remove({ path: rel });
        counts.removedThere++;
      } else {
        missing.push(rel);
      }
    }
    // A fresh machine copies the whole library: read in batches, not one query per document.
    for (let i = 0; i < missing.length; i += FETCH_BATCH) {
      const rows = await db.selectFrom('documents').select(['path', 'raw', 'hash']).where('path', 'in', missing.slice(i, i + FETCH_BATCH)).execute();
      for (const doc of rows) {
        await this.writeLocal(doc.path, doc.raw, doc.hash);
        counts.written++;
      }
    }
    await this.saveManifest();
    this.logger?.info({ ...counts, documents: stored.size + counts.imported - counts.removedThere }, 'documents reconciled with the database');
    return counts;
  }

  /**
   * Follows changes made by other processes from now on (LISTEN/NOTIFY, with catch-up after every reconnection);
   * `watcher` (the folder watcher) is told of each file written or deleted, so libraries follow at once,
   * and tells in turn of files changed here by hand, which are recorded in the database.
   */
  follow(watcher?: Pick<DataWatcher, 'touch' | 'recordWith'>): void {
    if (watcher) {
      this.onApplied = (paths) => watcher.touch(paths);
      watcher.recordWith((paths) => this.recordLocal(paths));
    }
    if (!this.database.subscribe || this.subscription) return;
    this.subscription = this.database.subscribe(DOCUMENTS_CHANNEL, {
      onNotify: () => void this.catchUp(),
      onConnect: () => {
        this.logger?.info('following document changes');
        void this.catchUp();
      },
      onDisconnect: (err) => this.logger?.warn({ err: (err as Error)?.message }, 'lost the database connection for document changes; reconnecting'),
    });
  }

  /** Resolves once the folder holds every change up to `seq` (tests and tools wait on it). */
  async caughtUp(seq: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lastSeen < seq) {
      if (Date.now() > deadline) throw new Error(`document change ${seq} not applied within ${timeoutMs} ms (at ${this.lastSeen})`);
      await new Promise<void>((resolve) => {
        const done = () => {
          this.followers.delete(done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 200);
        this.followers.add(done);
      });
    }
  }

  /** Applies the changes past the last one seen, one pass at a time. */
  catchUp(): Promise<void> {
    return this.serially(async () => {
      await this.applyPending();
      if (this.unrecorded.size) await this.recordPending([...this.unrecorded]);
    });
  }

  /**
   * Files the folder watcher saw change here (relative to DATA_DIR), recorded in the database as the
   * start-up reconciliation would record them. Run in turn with applying other processes' changes, so
   * a file half-way through being written for them is never taken for a hand edit; never rejects.
   */
  recordLocal(relPaths: readonly string[]): Promise<void> {
    return this.serially(() => this.recordPending(relPaths));
  }

  private serially(work: () => Promise<void>): Promise<void> {
    this.applying = this.applying.then(work).catch((err: unknown) => {
      this.logger?.warn({ err: (err as Error)?.message }, 'could not read document changes; will retry on the next notice or reconnection');
    });
    return this.applying;
  }

  private async recordPending(relPaths: readonly string[]): Promise<void> {
    let changed = false;
    for (const rel of relPaths) {
      try {
        changed = (await this.recordOne(rel)) || changed;
        this.unrecorded.delete(rel);
      } catch (err) {
        this.unrecorded.add(rel);
        this.logger?.warn({ path: rel, err: (err as Error)?.message }, 'a file changed by hand could not be recorded in the database; will retry on reconnection');
      }
    }
    if (changed) await this.saveManifest();
  }

  /** One file's hand change: true if the manifest changed. */
  private async recordOne(rel: string): Promise<boolean> {
    const file = path.join(this.dataDir, ...rel.split('/'));
    const info = await stat(file).catch(() => undefined);
    if (!info) {
      const agreed = this.manifest.get(rel);
      // Never agreed on, or deleted by this process itself (a forget, another process's delete): nothing to tell.
      if (agreed === undefined) return false;
      const there = await this.storedHash(rel);
      if (there === agreed) await this.remove({ path: rel });
      // Gone there too; or changed there since, and that newer change writes it back here.
      else if (there === undefined) this.manifest.delete(rel);
      return true;
    }
    if (!info.isFile() || info.size > this.maxBytes) return false;
    const bytes = await readFile(file);
    const hash = fileHash(rel, bytes);
    // What this process wrote for another one, or recorded itself before writing (an /ingest).
    if (this.manifest.get(rel) === hash) return false;
    // Idempotent by hash: written by another tool on this folder (an operator's CLI) that recorded it already.
    if ((await this.storedHash(rel)) === hash) this.manifest.set(rel, hash);
    else await this.put({ path: rel, raw: toRaw(rel, bytes) });
    return true;
  }

  private async applyPending(): Promise<void> {
    const changes = await this.database.db.selectFrom('document_changes').selectAll().where('id', '>', this.lastSeen).orderBy('id').execute();
    // Only the last change to each path matters.
    const last = new Map<string, (typeof changes)[number]>();
    for (const c of changes) last.set(c.path, c);
    for (const c of last.values()) {
      if (!this.writable(c.path)) continue;
      const file = path.join(this.dataDir, ...c.path.split('/'));
      if (c.op === 'delete') {
        if (this.manifest.has(c.path) || (await this.localHash(c.path)) === c.hash) {
          await removeFileDurably(file);
          this.manifest.delete(c.path);
        }
      } else if ((await this.localHash(c.path)) !== c.hash) {
        const doc = await this.fetch(c.path);
        if (doc && doc.hash === c.hash) await this.writeLocal(c.path, doc.raw, doc.hash);
      } else {
        this.manifest.set(c.path, c.hash);
      }
    }
    if (changes.length) {
      this.lastSeen = changes[changes.length - 1]!.id;
      await this.saveManifest();
      this.onApplied?.([...last.keys()]);
      this.logger?.debug({ changes: changes.length, position: this.lastSeen }, 'document changes applied');
    }
    for (const f of [...this.followers]) f();
  }

  async put(doc: { path: string; raw: string }): Promise<void> {
    const rel = toDocPath(doc.path);
    const hash = fileHash(rel, fileBytes(rel, doc.raw));
    const owner = guildOfPath(rel) ?? '';
    const now = Date.now();
    await this.write(async (tx) => {
      await tx
        .insertInto('documents')
        .values({ path: rel, owner, raw: doc.raw, hash, updated_at: now })
        .onConflict((oc) => oc.column('path').doUpdateSet({ owner, raw: doc.raw, hash, updated_at: now }))
        .execute();
      return tx.insertInto('document_changes').values({ path: rel, owner, op: 'put', hash, at: now }).returning('id').executeTakeFirstOrThrow();
    });
    this.manifest.set(rel, hash);
  }

  async remove(doc: { path: string }): Promise<void> {
    const rel = toDocPath(doc.path);
    const owner = guildOfPath(rel) ?? '';
    await this.write(async (tx) => {
      const gone = await tx.deleteFrom('documents').where('path', '=', rel).returning('hash').executeTakeFirst();
      const hash = gone?.hash ?? this.manifest.get(rel) ?? '';
      return tx.insertInto('document_changes').values({ path: rel, owner, op: 'delete', hash, at: Date.now() }).returning('id').executeTakeFirstOrThrow();
    });
    this.manifest.delete(rel);
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
    await this.applying;
  }

  /** One transaction: the row, its change, and the notice other processes wake on (sent at commit). */
  private async write(work: (tx: Database['db']) => Promise<{ id: number }>): Promise<void> {
    try {
      await this.database.db.transaction().execute(async (tx) => {
        const { id } = await work(tx);
        if (this.database.kind === 'postgres') await sql`SELECT pg_notify(${DOCUMENTS_CHANNEL}, ${String(id)})`.execute(tx);
      });
    } catch (err) {
      throw new DocumentStoreUnavailable(`the database did not take the change: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
  }

  /** A path from the database is written here only where the loader would read it: never outside DATA_DIR or in a dot-folder. */
  private writable(rel: string): boolean {
    if (isDocumentPath(rel)) return true;
    this.logger?.warn({ path: rel }, 'a document path in the database is not one this folder can hold; skipped');
    return false;
  }

  private async fetch(rel: string): Promise<{ raw: string; hash: string } | undefined> {
    return this.database.db.selectFrom('documents').select(['raw', 'hash']).where('path', '=', rel).executeTakeFirst();
  }

  private async storedHash(rel: string): Promise<string | undefined> {
    return (await this.database.db.selectFrom('documents').select('hash').where('path', '=', rel).executeTakeFirst())?.hash;
  }

  private async deletedElsewhere(rel: string, hash: string): Promise<boolean> {
    const last = await this.database.db.selectFrom('document_changes').select(['op', 'hash']).where('path', '=', rel).orderBy('id', 'desc').limit(1).executeTakeFirst();
    return last?.op === 'delete' && last.hash === hash;
  }

  private async latestChange(): Promise<number> {
    const row = await this.database.db.selectFrom('document_changes').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return row?.id == null ? 0 : Number(row.id);
  }

  private async localHash(rel: string): Promise<string | undefined> {
    try {
      return fileHash(rel, await readFile(path.join(this.dataDir, ...rel.split('/'))));
    } catch {
      return undefined;
    }
  }

  private async writeLocal(rel: string, raw: string, hash: string): Promise<void> {
    const file = path.join(this.dataDir, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, fileBytes(rel, raw));
    this.manifest.set(rel, hash);
  }

  private async readManifest(): Promise<void> {
    try {
      this.manifest = new Map(Object.entries(JSON.parse(await readFile(this.manifestFile, 'utf8')) as Record<string, string>));
    } catch {
      this.manifest = new Map();
    }
  }

  private async saveManifest(): Promise<void> {
    await mkdir(path.dirname(this.manifestFile), { recursive: true });
    await writeFileAtomic(this.manifestFile, JSON.stringify(Object.fromEntries(this.manifest)));
  }
}

/**
 * For one-shot tools (the CLI, the local console): a database connection of
 * its own and this folder reconciled with it; `close()` closes both.
 */
export async function openDocumentMirror(target: DatabaseTarget, dataDir: string, logger?: Logger, maxBytes?: number): Promise<DocumentMirror> {
  const db = await openDatabase(target);
  const mirror = new DocumentMirror(db, dataDir, manifestFile(dataDir), logger, maxBytes);
  const close = mirror.close.bind(mirror);
  mirror.close = async () => {
    await close();
    await db.close();
  };
  try {
    await mirror.reconcile();
  } catch (err) {
    await mirror.close();
    throw err;
  }
  return mirror;
}
