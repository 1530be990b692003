/**
 * Issue 11: a library worker that dies mid-job (killed, crashed, out of
 * memory) is replaced once by a fresh one; if that one dies too, the work is
 * done on the main thread. The change is never lost, never half-applied, and
 * the caller never waits on a worker that is gone. A document the worker
 * refuses is refused, not retried. Real worker threads throughout: the test
 * hook only kills them.
 */
import { existsSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocumentDetailed } from '../../src/documents/parse.js';
import { parseDocumentOffThread } from '../../src/documents/parse-offthread.js';
import { LibraryManager } from '../../src/ingest/manager.js';
import { IngestService } from '../../src/ingest/service.js';
import { Library } from '../../src/library.js';
import { OFF_THREAD_CHARS } from '../../src/store/offthread.js';
import { workerHooks } from '../../src/store/worker-job.js';
import { seededRandom } from '../../src/random.js';
import { tempDataDir } from '../helpers/bot.js';
import { makeDoc } from '../helpers/docs.js';
import { memoryLogger } from '../helpers/service.js';

const WORDS = ['grain', 'corridor', 'minister', 'tariffs', 'pipeline', 'harvest', 'summit', 'delegation', 'exports', 'Astana', 'copper', 'railway'];

function prose(chars: number, seed = 5): string {
  const rand = seededRandom(seed);
  const word = () => WORDS[Math.floor(rand() * WORDS.length)]!;
  const paragraphs: string[] = [];
  for (let n = 0, size = 0; size < chars; n++) {
    const p = Array.from({ length: 3 }, (_, i) => `${word()[0]!.toUpperCase()}${word().slice(1)} ${Array.from({ length: 12 }, word).join(' ')} ${n}-${i}.`).join(' ');
    paragraphs.push(p);
    size += p.length + 2;
  }
  return paragraphs.join('\n\n');
}

/** Kills the worker of each listed attempt as soon as it starts; records every attempt seen. */
function killAttempts(...doomed: number[]): { attempts: number[] } {
  const seen = { attempts: [] as number[] };
  workerHooks.started = (worker: Worker, attempt: number) => {
    seen.attempts.push(attempt);
    if (doomed.includes(attempt)) setImmediate(() => void worker.terminate());
  };
  return seen;
}

afterEach(() => {
  workerHooks.started = undefined;
});

const raw = `---\ntitle: Long report\nslug: long-report\n---\n${prose(OFF_THREAD_CHARS * 1.3)}\n`;
const input = { path: 'long-report.md', raw, ext: '.md' as const };
const citations = (library: Library, q: string) => library.search(q, { limit: 5 }).hits.map((h) => h.point.citation);

describe('GIVEN a long document parsed in a worker', () => {
  it('WHEN the worker is killed mid-parse THEN a fresh worker parses it, the same document', async () => {
    const seen = killAttempts(1);
    expect(await parseDocumentOffThread(input)).toEqual(parseDocumentDetailed(input));
    expect(seen.attempts).toEqual([1, 2]);
  });

  it('WHEN both workers are killed THEN it is parsed on the main thread, the same document, and the failure is logged', async () => {
    const seen = killAttempts(1, 2);
    const { logger, lines } = memoryLogger();
    expect(await parseDocumentOffThread(input, logger)).toEqual(parseDocumentDetailed(input));
    expect(seen.attempts).toEqual([1, 2]);
    expect(lines.some((l) => l.level === 50 && /failed twice/.test(String(l.msg)))).toBe(true);
  });

  it('WHEN the worker refuses the document (bad front matter) THEN that is the answer: no second worker', async () => {
    const seen = killAttempts();
    const bad = { ...input, raw: `---\ntitle: [unclosed\n---\n${prose(OFF_THREAD_CHARS * 1.3)}\n` };
    await expect(parseDocumentOffThread(bad)).rejects.toThrow(/front matter/i);
    expect(seen.attempts).toEqual([1]);
  });
});

describe('GIVEN a small library that a long document makes large (rebuilt in a worker)', () => {
  const seed = makeDoc('seed', 'The minister met the delegation in Astana to discuss grain exports.\nCopper tariffs were left for the summit.');
  const long = () => parseDocumentDetailed(input).doc;

  it('WHEN the build worker is killed THEN the change is made on a fresh worker and the library answers as one rebuilt here', async () => {
    const manager = new LibraryManager(new Library([seed]));
    const seen = killAttempts(1);
    const next = await manager.add([long()]);
    expect(seen.attempts).toEqual([1, 2]);
    expect(manager.current()).toBe(next);
    const rebuilt = new Library([seed, long()]);
    for (const q of ['grain exports astana', 'copper railway summit']) expect(citations(next, q), q).toEqual(citations(rebuilt, q));
    expect(next.topics.map((t) => t.name)).toEqual(rebuilt.topics.map((t) => t.name));
  });

  it('WHEN every build worker is killed THEN the library is built on the main thread: the change is never lost and the next one still works', async () => {
    const { logger, lines } = memoryLogger();
    const manager = new LibraryManager(new Library([seed]), logger);
    killAttempts(1, 2);
    const next = await manager.add([long()]);
    expect(next.doc('long-report')).toBeDefined();
    expect(citations(next, 'grain exports astana')).toEqual(citations(new Library([seed, long()]), 'grain exports astana'));
    expect(lines.some((l) => l.level === 50 && l.job === 'build')).toBe(true);
    workerHooks.started = undefined;
    const after = await manager.remove(['seed']);
    expect(after.docs.map((d) => d.slug)).toEqual(['long-report']);
  });
});

describe('GIVEN the ingest service writing a long document into a real data folder', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDataDir();
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('WHEN the parse and the build workers are each killed once THEN the document is added once, on disk and in the library', async () => {
    const manager = new LibraryManager(await Library.load(dataDir));
    const service = new IngestService(manager, { dataDir, maxBytes: 4 * 2 ** 20, allowPrivateUrls: false });
    await service.init();
    const file = path.join(dataDir, '..', `worker-failure-${process.pid}.txt`);
    await writeFile(file, `Harvest report\n\n${prose(OFF_THREAD_CHARS * 1.3, 9)}\n`);
    try {
      // Every job's first worker dies: the title parse, the document's parse, the library build.
      const seen = killAttempts(1);
      const result = await service.ingest({ source: { kind: 'file', path: file }, addedBy: { id: 'test', name: 'test' } });
      expect(result.status).toBe('added');
      expect(seen.attempts.filter((a) => a === 2).length).toBe(seen.attempts.filter((a) => a === 1).length);
      expect(seen.attempts.length).toBeGreaterThanOrEqual(4);
      expect(manager.current().doc(result.doc.slug)?.paragraphs.length).toBe(result.paragraphs);
      expect(await readdir(path.join(dataDir, 'ingested'))).toEqual([`${result.doc.slug}.txt`]);
      // And a restart reads exactly what was confirmed.
      const reloaded = await Library.load(dataDir);
      expect(reloaded.doc(result.doc.slug)?.paragraphs.map((p) => p.text)).toEqual(result.doc.paragraphs.map((p) => p.text));
    } finally {
      if (existsSync(file)) await rm(file);
    }
  });
});
