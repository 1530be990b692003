/**
 * The daily brief at corpus size: what it costs to note every document's
 * first-seen time (content hashes, SQLite inserts), to compose a
 * server's first brief over the whole library, and a day's brief after 40 new
 * documents arrive. Composing runs on the event loop, so its time is the loop
 * block a scheduled brief causes.
 *
 *   node --import tsx bench/digest.ts [--corpus PATH]   (also part of `npm run bench`)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/index.js';
import { renderBrief } from '../src/digest/brief.js';
import { BriefComposer } from '../src/digest/composer.js';
import { DigestStore } from '../src/digest/store.js';
import { Library } from '../src/library.js';
import type { Doc } from '../src/types.js';
import { DEFAULT_CORPUS, loadCorpus } from './corpus.js';

export interface DigestBenchReport {
  documents: number;
  noticeMs: number;
  firstBriefMs: number;
  dayBriefMs: number;
  newDocuments: number;
  quoted: number;
  parts: number;
}

const NEW_DOCUMENTS = 40;

export async function runDigestBench(docs: readonly Doc[]): Promise<DigestBenchReport> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-digest-bench-'));
  const db = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'dossier.db') });
  try {
    const old = docs.slice(0, -NEW_DOCUMENTS);
    let library = new Library(old);
    let clock = Date.parse('2026-11-28T08:00:00Z');
    const composer = new BriefComposer(new DigestStore(db), async () => library, () => clock);

    let t = performance.now();
    await composer.noticeDocuments(library);
    const noticeMs = performance.now() - t;

    t = performance.now();
    await composer.prepare('1', 'day:2026-11-28', { timezone: 'Europe/London', posted: true });
    const firstBriefMs = performance.now() - t;

    clock += 86_400_000;
    const addedAt = new Date(clock - 3_600_000).toISOString();
    library = library.with({ add: docs.slice(-NEW_DOCUMENTS).map((d) => ({ ...d, meta: { ...d.meta, addedAt } })) });
    t = performance.now();
    const day = (await composer.prepare('1', 'day:2026-11-29', { timezone: 'Europe/London', posted: true }))!;
    const parts = renderBrief(day.brief);
    const dayBriefMs = performance.now() - t;
    return {
      documents: docs.length,
      noticeMs,
      firstBriefMs,
      dayBriefMs,
      newDocuments: day.brief.newDocuments.length,
      quoted: day.brief.newDocuments.reduce((n, d) => n + d.points.length, 0),
      parts: parts.length,
    };
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatDigestReport(r: DigestBenchReport, ms: (v: number) => string): string {
  return [
    `first-seen times of ${r.documents - NEW_DOCUMENTS} documents noted (content hashes, SQLite inserts of 500 rows) in ${ms(r.noticeMs)} ms (once per process start)`,
    `a server's first brief over the whole library composed and recorded in ${ms(r.firstBriefMs)} ms`,
    `a day's brief with ${r.newDocuments} new documents (${r.quoted} points quoted, ${r.parts} messages) composed, recorded and rendered in ${ms(r.dayBriefMs)} ms`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { corpus: { type: 'string' } } });
  const docs = await loadCorpus(path.resolve(values.corpus ?? DEFAULT_CORPUS));
  const report = await runDigestBench(docs);
  process.stdout.write(`${formatDigestReport(report, (v) => v.toFixed(1))}\n`);
}
