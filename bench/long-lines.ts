/**
 * The long-line worst case (issue 11, item 2): a 10 MB document made of lines
 * just under the 50,000-character limit, without a sentence break in them,
 * ingested through the real ingest service into the bundled library; then 100
 * searches and 100 `/quote` autocomplete keystrokes over it. Each must stay
 * under 50 ms, and the ingest must never hold the event loop over 100 ms.
 *
 *   node --import tsx bench/long-lines.ts [MB]
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IngestService } from '../src/ingest/service.js';
import { LibraryManager } from '../src/ingest/manager.js';
import { citationChoices } from '../src/interactions/autocomplete.js';
import { Library } from '../src/library.js';
import { seededRandom } from '../src/random.js';
import { words } from '../src/text/normalize.js';
import { MAX_SENTENCE_CHARS } from '../src/text/segment.js';
import { MAX_LINE_CHARS } from '../src/ingest/convert.js';
import { REPO } from './corpus.js';
import { percentiles } from './search-bench.js';
import type { Latency } from './search-bench.js';

export interface LongLinesReport {
  megabytes: number;
  lines: number;
  paragraphs: number;
  sentences: number;
  ingestMs: number;
  ingestLoopDelayMaxMs: number;
  /** Of the ingest's wall time, how long the main thread was busy (event-loop utilisation); the rest was a worker's, or waiting. */
  ingestMainThreadBusyMs: number;
  /** 1-minute load average when the ingest started: on a shared machine, the tails follow it. */
  loadAverage: number;
  search: Latency;
  keystrokes: Latency;
  /** The same, in CPU time of this process (no worker runs by then): what the code costs, whatever else the machine runs. */
  searchCpu: Latency;
  keystrokesCpu: Latency;
}

/** Lines of words from the bundled article in random order, each just under the line limit, with no sentence break. */
function longLines(megabytes: number, rand: () => number, vocabulary: string[]): string {
  const lines: string[] = [];
  let size = 0;
  while (size < megabytes * 2 ** 20) {
    const line: string[] = [];
    let length = 0;
    while (length < MAX_LINE_CHARS - 100) {
      const w = vocabulary[Math.floor(rand() * vocabulary.length)]!;
      line.push(w);
      length += w.length + 1;
    }
    lines.push(line.join(' '));
    size += length + 1;
  }
  return `${lines.join('\n')}\n`;
}

export async function runLongLinesBench(megabytes = 10, seed = 42): Promise<LongLinesReport> {
  const rand = seededRandom(seed);
  const seedArticle = await readFile(path.join(REPO, 'data/putin-sharif-sco.txt'), 'utf8');
  const vocabulary = [...new Set(words(seedArticle))];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-long-lines-'));
  try {
    const dataDir = path.join(dir, 'data');
    await mkdir(dataDir);
    await copyFile(path.join(REPO, 'data/putin-sharif-sco.txt'), path.join(dataDir, 'putin-sharif-sco.txt'));
    const file = path.join(dir, 'long-lines.txt');
    const text = longLines(megabytes, rand, vocabulary);
    await writeFile(file, text);

    const manager = new LibraryManager(await Library.load(dataDir));
    const service = new IngestService(manager, { dataDir, maxBytes: 11 * 2 ** 20, allowPrivateUrls: false });
    await service.init();
    // The longest gap between ticks of a 5 ms timer while the ingest runs: how long the loop was held.
    let longestGap = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    const loadAverage = os.loadavg()[0]!;
    const elu = performance.eventLoopUtilization();
    const started = performance.now();
    const result = await service.ingest({ source: { kind: 'file', path: file }, title: 'Long lines', addedBy: { id: 'bench', name: 'bench' } });
    const ingestMs = performance.now() - started;
    const busy = performance.eventLoopUtilization(elu);
    await new Promise((r) => setTimeout(r, 10));
    clearInterval(probe);

    const library = manager.current();
    const lineWords = text.trimEnd().split('\n').map((l) => l.split(' '));
    const query = () => {
      const line = lineWords[Math.floor(rand() * lineWords.length)]!;
      const at = Math.floor(rand() * (line.length - 3));
      return line.slice(at, at + 2 + Math.floor(rand() * 2)).join(' ');
    };
    const wall: number[] = [];
    const cpu: number[] = [];
    const time = (f: () => unknown) => {
      const s = performance.now();
      const c = process.cpuUsage();
      f();
      const used = process.cpuUsage(c);
      wall.push(performance.now() - s);
      cpu.push((used.user + used.system) / 1000);
    };
    for (const q of Array.from({ length: 100 }, () => query())) time(() => library.search(q, { limit: 5 }));
    const searches = wall.splice(0);
    const searchesCpu = cpu.splice(0);
    // Keystrokes: a query typed letter by letter, as /quote's autocomplete sees it.
    const typed = query();
    const prefixes: string[] = [];
    while (prefixes.length < 100) for (let i = 1; i <= typed.length && prefixes.length < 100; i++) prefixes.push(typed.slice(0, i));
    for (const p of prefixes) time(() => citationChoices(library, p));
    return {
      megabytes,
      lines: lineWords.length,
      paragraphs: result.paragraphs,
      sentences: result.points - result.paragraphs,
      ingestMs,
      ingestLoopDelayMaxMs: longestGap,
      ingestMainThreadBusyMs: busy.active,
      loadAverage,
      search: percentiles(searches),
      keystrokes: percentiles(wall),
      searchCpu: percentiles(searchesCpu),
      keystrokesCpu: percentiles(cpu),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatLongLinesReport(r: LongLinesReport, ms: (v: number) => string): string {
  return [
    `${r.megabytes} MB in ${r.lines} lines of ~${(MAX_LINE_CHARS / 1000).toFixed(0)}k characters without a sentence break → ${r.paragraphs} paragraphs, ${r.sentences} sentences of at most ${MAX_SENTENCE_CHARS.toLocaleString('en')} characters`,
    `ingest ${ms(r.ingestMs)} ms (main thread busy ${ms(r.ingestMainThreadBusyMs)} ms of it), longest event-loop block meanwhile ${ms(r.ingestLoopDelayMaxMs)} ms; load average ${r.loadAverage.toFixed(1)}`,
    `100 searches: p50 ${ms(r.search.p50)} ms, p99 ${ms(r.search.p99)} ms, max ${ms(r.search.max)} ms (CPU p50 ${ms(r.searchCpu.p50)}, p99 ${ms(r.searchCpu.p99)}, max ${ms(r.searchCpu.max)}) · 100 /quote keystrokes: p50 ${ms(r.keystrokes.p50)} ms, p99 ${ms(r.keystrokes.p99)} ms, max ${ms(r.keystrokes.max)} ms (CPU p99 ${ms(r.keystrokesCpu.p99)}, max ${ms(r.keystrokesCpu.max)})`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ms = (v: number) => (v < 10 ? v.toFixed(1) : Math.round(v).toString());
  const report = await runLongLinesBench(Number(process.argv[2] ?? 10));
  process.stdout.write(`${formatLongLinesReport(report, ms)}\n`);
}
