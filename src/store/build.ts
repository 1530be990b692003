/**
 * Building, persisting and restoring a whole library: the slow work runs in
 * a worker thread (progress logged) and lands in a snapshot file under
 * DATA_DIR, so the next start is ready in seconds and never re-parses files.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GUILDS_FOLDER, isDocumentPath, isIgnoredName, loadDocuments, type SkippedFile } from '../documents/load.js';
import { markFromSnapshot } from '../documents/verbatim.js';
import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import { pointsOf } from '../points.js';
import { buildTopics, loadCuratedTopics } from '../topics/build.js';
import { smallEnoughToScan } from './point-store.js';
import { primeSearchCode } from './prime.js';
import { libraryFromContent } from './restore.js';
import { SegmentedIndex } from './segmented.js';
import { decodeSnapshot, decodeTopics, encodeSnapshot, restoreTopics, snapshotKey, SNAPSHOT_VERSION, storeTopics, type SnapshotContent } from './snapshot.js';

const SNAPSHOT_FILE = 'library.snapshot';
/** Libraries from this size on have their search code compiled before a cold build lands (see prime.ts). */
const PRIME_FROM_POINTS = 20_000;

/** The default snapshot folder: inside DATA_DIR's dot-folder, which the document walker never loads. */
export function defaultIndexDir(dataDir: string): string {
  return path.join(dataDir, '.dossier', 'index');
}

export interface BuildProgress {
  phase: 'reading' | 'indexing' | 'topics' | 'done';
  documents?: number;
  points?: number;
  ms: number;
}

export interface BuildResult {
  content: SnapshotContent;
  skipped: SkippedFile[];
}

/** A hash of what the shared library is built from: every document's path, size and mtime (servers' folders aside), and topics.json. */
export async function documentsKey(dataDir: string): Promise<string> {
  const hash = createHash('sha256').update(`v${SNAPSHOT_VERSION}\n`);
  const files: string[] = [];
  const walk = async (rel: string) => {
    const entries = await readdir(rel ? path.join(dataDir, rel) : dataDir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (isIgnoredName(e.name, e.isDirectory()) || (rel === '' && e.name === GUILDS_FOLDER)) continue;
      if (e.isDirectory()) await walk(relPath);
      else if (isDocumentPath(relPath) || relPath === 'topics.json') files.push(relPath);
    }
  };
  await walk('');
  files.sort();
  for (const rel of files) {
    const s = await stat(path.join(dataDir, rel)).catch(() => undefined);
    hash.update(`${rel}\t${s?.size ?? -1}\t${s?.mtimeMs ?? -1}\n`);
  }
  return hash.digest('hex').slice(0, 32);
}

/** Everything a library needs, built from the files (the worker runs this). */
export async function buildContent(
  dataDir: string,
  progress: (p: BuildProgress) => void = () => {},
  /**
   * Called with the library minus its topics as soon as the search index is
   * built (topics take as long again); the topic build waits for what it returns.
   */
  onIndexed?: (content: SnapshotContent) => void | Promise<void>,
  /** Files over this many bytes are skipped (INGEST_MAX_BYTES, the same limit /ingest applies). */
  maxBytes?: number,
): Promise<BuildResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const key = await documentsKey(dataDir);
  progress({ phase: 'reading', ms: ms() });
  const { docs, skipped } = await loadDocuments(dataDir, { maxBytes });
  const curated = await loadCuratedTopics(path.join(dataDir, 'topics.json'));
  const points = pointsOf(docs);
  progress({ phase: 'indexing', documents: docs.length, points: points.length, ms: ms() });
  const index = smallEnoughToScan(points) ? undefined : SegmentedIndex.build(points);
  progress({ phase: 'topics', documents: docs.length, points: points.length, ms: ms() });
  const indexPart = index ? { data: index.segments[0]!.data, docSlugs: [...index.docSlugs] } : undefined;
  if (indexPart) await onIndexed?.({ key, docs, curated, index: indexPart, topics: [], summaries: [] });
  const topics = buildTopics({ docs, points, curated });
  const content: SnapshotContent = {
    key,
    docs,
    curated,
    index: indexPart,
    topics: storeTopics(topics),
    summaries: [],
  };
  progress({ phase: 'done', documents: docs.length, points: points.length, ms: ms() });
  return { content, skipped };
}

/** Writes the snapshot atomically: a temporary file renamed over the old one, so a crash never leaves half a file. */
export async function writeSnapshot(indexDir: string, bytes: Uint8Array): Promise<void> {
  await mkdir(indexDir, { recursive: true });
  const tmp = path.join(indexDir, `${SNAPSHOT_FILE}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path.join(indexDir, SNAPSHOT_FILE));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function readSnapshot(indexDir: string): Promise<Uint8Array | undefined> {
  return readFile(path.join(indexDir, SNAPSHOT_FILE)).catch(() => undefined);
}

function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  // Under tsx the sources are TypeScript and the worker needs a small JS entry that registers tsx first.
  const name = path.extname(here) === '.ts' ? 'build-worker-entry.mjs' : 'build-worker.js';
  return pathToFileURL(path.join(path.dirname(here), name));
}

/** Runs buildContent in a worker thread; resolves with the encoded snapshot. */
export function buildInWorker(
  dataDir: string,
  options: {
    logger?: Logger;
    /**
     * Receives the snapshot minus topics as soon as the search index is ready
     * (large libraries only). The worker waits for what it returns before
     * building topics, so the hand-over has both cores on a two-core machine.
     */
    onIndex?: (bytes: Uint8Array) => void | Promise<void>;
    onProgress?: (progress: BuildProgress) => void;
    maxBytes?: number;
  } = {},
): Promise<{ bytes: Uint8Array; skipped: SkippedFile[] }> {
  const { logger, onIndex, onProgress, maxBytes } = options;
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl(), { workerData: { dataDir, early: Boolean(onIndex), maxBytes } });
    let settled = false;
    type Message = { type: 'progress'; progress: BuildProgress } | { type: 'index'; bytes: Uint8Array } | { type: 'done'; bytes: Uint8Array; skipped: SkippedFile[] };
    worker.on('message', (m: Message) => {
      if (m.type === 'progress') {
        logger?.info({ ...m.progress, dataDir }, `indexing: ${m.progress.phase}`);
        onProgress?.(m.progress);
      } else if (m.type === 'index') {
        const resume = () => worker.postMessage({ type: 'resume' });
        new Promise<void>((done) => done(onIndex?.(m.bytes))).then(resume, resume);
      } else {
        settled = true;
        resolve({ bytes: m.bytes, skipped: m.skipped });
      }
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`index build worker stopped (exit code ${code})`));
    });
  });
}

export interface OpenOptions {
  logger?: Logger;
  /** Where the snapshot is kept; default `<dataDir>/.dossier/index`. */
  indexDir?: string;
  /** Called with the fresh library when a stale snapshot was served first and the rebuild has finished. */
  onUpdate?: (library: Library) => void;
  /** Build in this thread instead of a worker (tests, tools). */
  inProcess?: boolean;
  /** On a cold start, wait for topics too instead of serving searches as soon as the index is ready. */
  complete?: boolean;
  /** Files over this many bytes are skipped (INGEST_MAX_BYTES); default 10 MB. */
  maxBytes?: number;
}

/**
 * The library for `dataDir`, as fast as possible: a snapshot matching the
 * documents is loaded (seconds even for a large library); a stale one is
 * served at once while a worker rebuilds (then `onUpdate`); with none, a worker
 * builds it while this thread stays free. Each build is saved for next time.
 */
export async function openLibrary(dataDir: string, options: OpenOptions = {}): Promise<Library> {
  const { logger } = options;
  const indexDir = options.indexDir ?? defaultIndexDir(dataDir);
  const started = performance.now();
  const [key, bytes] = await Promise.all([documentsKey(dataDir), readSnapshot(indexDir)]);
  let stale: Library | undefined;
  if (bytes && snapshotKey(bytes)) {
    try {
      const library = await restored(await decodeSnapshot(bytes), dataDir);
      const fresh = snapshotKey(bytes) === key;
      logger?.info({ dataDir, documents: library.docs.length, points: library.points.length, ms: Math.round(performance.now() - started), fresh }, 'library loaded from snapshot');
      if (fresh) return library;
      // A stale library is only worth serving if someone will swap in the fresh one.
      if (options.onUpdate) stale = library;
    } catch (err) {
      logger?.warn({ err, dataDir }, 'index snapshot unreadable; rebuilding');
    }
  }
  const rebuild = async () => {
    const t0 = performance.now();
    let built: Uint8Array;
    if (options.inProcess) {
      const { content, skipped } = await buildContent(dataDir, undefined, undefined, options.maxBytes);
      logSkipped(skipped, logger);
      built = encodeSnapshot(content);
    } else {
      const { bytes: b, skipped } = await buildInWorker(dataDir, { logger, maxBytes: options.maxBytes });
      logSkipped(skipped, logger);
      built = b;
    }
    await writeSnapshot(indexDir, built).catch((err) => logger?.warn({ err, dataDir }, 'could not save the index snapshot; the next start rebuilds it'));
    const library = await restored(await decodeSnapshot(built), dataDir);
    logger?.info(
      { dataDir, documents: library.docs.length, points: library.points.length, topics: library.topics.length, ms: Math.round(performance.now() - t0) },
      'library built',
    );
    return library;
  };
  if (!stale && !options.inProcess) return coldStart(dataDir, indexDir, logger, !options.complete, options.maxBytes);
  if (!stale) return rebuild();
  void rebuild().then(
    (library) => options.onUpdate?.(library),
    (err) => logger?.error({ err, dataDir }, 'index rebuild failed; still serving the previous snapshot'),
  );
  return stale;
}

/**
 * No usable snapshot: a worker builds. Searches are served as soon as the
 * index is ready; topics join the same library when the worker finishes.
 */
function coldStart(dataDir: string, indexDir: string, logger: Logger | undefined, early: boolean, maxBytes?: number): Promise<Library> {
  const started = performance.now();
  return new Promise<Library>((resolve, reject) => {
    let searchable: Promise<Library> | undefined;
    const onIndex = (bytes: Uint8Array) => {
      searchable = Promise.resolve(priming)
        .then(() => decodeSnapshot(bytes))
        .then((content) => restored(content, dataDir))
        .then((library) => {
          library.expectTopics();
          return library;
        });
      return searchable.then((library) => {
        logger?.info({ dataDir, documents: library.docs.length, points: library.points.length, ms: Math.round(performance.now() - started) }, 'library searchable; topics still building');
        resolve(library);
      }, reject);
    };
    // A large library's hand-over and first searches would run cold code over
    // hundreds of thousands of sentences: compile it meanwhile on a small one.
    let priming: Promise<void> | undefined;
    const onProgress = (p: BuildProgress) => {
      if (p.phase === 'indexing' && (p.points ?? 0) >= PRIME_FROM_POINTS) {
        const t0 = performance.now();
        priming ??= primeSearchCode().then(
          (primed) => logger?.info({ ...primed, ms: Math.round(performance.now() - t0) }, 'search code primed'),
          (err) => logger?.warn({ err }, 'could not prime the search code; the first searches may be slower'),
        );
      }
    };
    buildInWorker(dataDir, { logger, onIndex: early ? onIndex : undefined, onProgress, maxBytes })
      .then(async ({ bytes, skipped }) => {
        logSkipped(skipped, logger);
        await writeSnapshot(indexDir, bytes).catch((err) => logger?.warn({ err, dataDir }, 'could not save the index snapshot; the next start rebuilds it'));
        let library: Library;
        if (searchable) {
          library = await searchable;
          library.adoptTopics(await restoreTopics(await decodeTopics(bytes), library.points));
        } else {
          await priming;
          library = await restored(await decodeSnapshot(bytes), dataDir);
          resolve(library);
        }
        logger?.info(
          { dataDir, documents: library.docs.length, points: library.points.length, topics: library.topics.length, ms: Math.round(performance.now() - started) },
          'library built',
        );
      })
      .catch(async (err) => {
        if (searchable) {
          logger?.error({ err, dataDir }, 'topic build failed; searches still work');
          // No topics will come: say "none" rather than "still being built" from now on.
          (await searchable.catch(() => undefined))?.adoptTopics([]);
        }
        reject(err);
      });
  });
}

/** A library from snapshot content whose quotes are checked against `dataDir`'s files (see documents/verbatim.ts). */
async function restored(content: SnapshotContent, dataDir: string): Promise<Library> {
  const library = await libraryFromContent(content);
  markFromSnapshot(library.docs, dataDir);
  return library;
}

function logSkipped(skipped: readonly SkippedFile[], logger?: Logger): void {
  // A file over the size limit is named at every start by reportOversized (a saved index never reads the files): not twice.
  for (const s of skipped) if (s.bytes === undefined) logger?.warn({ path: s.path, reason: s.reason }, 'document skipped');
}

