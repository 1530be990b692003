import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { duplicateReason, sameContent } from '../documents/content-hash.js';
import { watch, type FSWatcher } from 'chokidar';
import { DocumentError } from '../documents/errors.js';
import { guildOfPath, isDocumentPath, isIgnoredName, keptCopy, loadDocumentFile, modifiedMsOf, toDocPath } from '../documents/load.js';
import type { Logger } from '../log.js';
import type { Doc } from '../types.js';
import type { LibraryWriter } from './service.js';
import { uniqueSlug } from './slugs.js';

export interface DataWatcher {
  /** Resolves once the current batch (if any) is in the library. */
  flush(): Promise<void>;
  /**
   * Files (relative to DATA_DIR) known to have changed, without waiting for the
   * file system to say so: the document mirror reports what it wrote for other processes.
   */
  touch(relPaths: readonly string[]): void;
  /**
   * Hands every batch of changed files to `record` as well (the document mirror, with a database, so a
   * file changed here by hand reaches the system of record while running, not only at the next start).
   * The libraries are updated meanwhile, not after: they never wait on the database.
   */
  recordWith(record: (relPaths: readonly string[]) => Promise<void>): void;
  close(): Promise<void>;
}

function sameDoc(a: Doc, b: Doc): boolean {
  return a.slug === b.slug && JSON.stringify(a.meta) === JSON.stringify(b.meta) && JSON.stringify(a.paragraphs) === JSON.stringify(b.paragraphs);
}

/** The library a changed file belongs to (shared, or a loaded server's); undefined: no library to update. */
export type WriterFor = (relPath: string) => LibraryWriter | undefined | Promise<LibraryWriter | undefined>;

/**
 * Keeps the libraries in step with files added, edited or deleted in DATA_DIR
 * by hand while the bot runs. Events are batched (editors save in bursts) and
 * applied in one update per library; dotfiles, the atomic writer's temp files
 * among them, are never looked at.
 */
export function watchDataDir(dataDir: string, writerFor: WriterFor, opts: { logger?: Logger; debounceMs?: number; maxBytes?: number } = {}): DataWatcher {
  const debounceMs = opts.debounceMs ?? 300;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let record: ((relPaths: readonly string[]) => Promise<void>) | undefined;

  const watcher: FSWatcher = watch(dataDir, {
    ignoreInitial: true,
    ignored: (file, stats) => {
      const rel = path.relative(dataDir, file);
      if (rel === '') return false;
      const parts = rel.split(path.sep);
      const name = parts[parts.length - 1]!;
      return parts.slice(0, -1).some((p) => isIgnoredName(p, true)) || isIgnoredName(name, stats?.isDirectory() ?? false);
    },
    awaitWriteFinish: { stabilityThreshold: 150, pollInterval: 50 },
  });

  const schedule = (file: string) => queue(toDocPath(path.relative(dataDir, file)));
  const queue = (rel: string) => {
    if (!isDocumentPath(rel)) return;
    pending.add(rel);
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(apply);
    }, debounceMs);
  };
  watcher.on('add', schedule).on('change', schedule).on('unlink', schedule);
  watcher.on('error', (err) => opts.logger?.warn({ err }, 'data folder watcher error'));

  async function apply(): Promise<void> {
    const all = [...pending].sort();
    pending.clear();
    const recorded = record?.(all);
    const byWriter = new Map<LibraryWriter, string[]>();
    for (const rel of all) {
      const writer = await writerFor(rel);
      if (writer) byWriter.set(writer, [...(byWriter.get(writer) ?? []), rel]);
    }
    for (const [writer, batch] of byWriter) await applyTo(writer, batch);
    await recorded;
  }

  const applyTo = (writer: LibraryWriter, batch: string[]) => applyFileChanges(dataDir, writer, batch, opts);

  return {
    async flush() {
      await running;
    },
    touch(relPaths) {
      for (const rel of relPaths) queue(rel);
    },
    recordWith(recorder) {
      record = recorder;
    },
    async close() {
      clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}

/**
 * Reads these files (relative to DATA_DIR) again into the library `writer`
 * changes, as one update: a file that is gone takes its document with it, an
 * edited one replaces it, one the library already holds as it reads is left.
 */
export async function applyFileChanges(dataDir: string, writer: LibraryWriter, batch: readonly string[], opts: { logger?: Logger; maxBytes?: number } = {}): Promise<void> {
  await writer
    .exclusive(async (library, commit) => {
      const add: Doc[] = [];
      const remove: string[] = [];
      const taken = new Set(library.docs.map((d) => d.slug));
      for (const rel of batch) {
        const old = library.docs.find((d) => d.path === rel);
        if (!existsSync(path.join(dataDir, ...rel.split('/')))) {
          if (old) remove.push(old.slug);
          continue;
        }
        try {
          const parsed = await loadDocumentFile(dataDir, rel, { maxBytes: opts.maxBytes });
          if (old) taken.delete(old.slug);
          const wanted = old && !parsed.slugPinned ? old.slug : parsed.doc.slug;
          const slug = uniqueSlug(wanted, (s) => taken.has(s));
          taken.add(slug);
          const guild = guildOfPath(rel);
          const doc = { ...parsed.doc, slug, ...(guild ? { guild } : {}) };
          // The ingest service's own writes arrive here too, already in the library.
          if (old && sameDoc(old, doc)) continue;
          const original = sameContent(doc, [...library.docs, ...add]);
          if (original) {
            // The copy a restart would keep stays: usually the one already served, unless the
            // new file is the older (copied with its modification time kept).
            const originalMs = modifiedMsOf(original) ?? (await stat(path.join(dataDir, ...original.path.split('/'))).catch(() => undefined))?.mtimeMs;
            const newMs = modifiedMsOf(parsed.doc);
            const stays = keptCopy(original, doc, (d) => (d === doc ? newMs : d === original ? originalMs : undefined));
            if (stays === original) {
              opts.logger?.warn({ path: rel, reason: duplicateReason(original) }, 'document skipped');
              if (old) remove.push(old.slug);
              continue;
            }
            opts.logger?.warn({ path: original.path, reason: duplicateReason(doc) }, 'document skipped');
            const pendingAt = add.indexOf(original);
            if (pendingAt >= 0) add.splice(pendingAt, 1);
            else remove.push(original.slug);
          }
          if (old && old.slug !== slug) remove.push(old.slug);
          add.push(doc);
        } catch (err) {
          if (!(err instanceof DocumentError)) throw err;
          opts.logger?.warn({ path: rel, reason: err.message }, 'document skipped');
        }
      }
      await commit({ add, remove });
      if (add.length || remove.length) opts.logger?.info({ added: add.map((d) => d.slug), removed: remove }, 'data folder changed; library updated');
    })
    .catch((err) => opts.logger?.error({ err }, 'applying data folder changes failed'));
}
