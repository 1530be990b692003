/**
 * The long-line worst case (issue 11, item 2): a 10 MB document made of lines
 * just under the 50,000-character limit, without a sentence break in them,
 * ingested through the real ingest service into the bundled library; then 100
 * searches and 100 `/quote` autocomplete keystrokes over it. Each must stay
 * under 50 ms, and the ingest must never hold the event loop over 100 ms.
 *
 *   node --import tsx bench/long-lines.ts [MB]
 */
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IngestService } from '../src/ingest/service.js';
import { LibraryManager } from '../src/ingest/manager.js';
import { citationChoices } from '../src/interactions/autocomplete.js';
import { Library } from '../src/library.js';
import { Libraries } from '../src/tenancy/libraries.js';
import type { Doc } from '../src/types.js';
import { seededRandom } from '../src/random.js';
import { words } from '../src/text/normalize.js';
import { MAX_SENTENCE_CHARS } from '../src/text/segment.js';
import { MAX_LINE_CHARS } from '../src/ingest/convert.js';
import { REPO } from './corpus.js';
import { percentiles } from './search-bench.js';
import type { Latency } from './search-bench.js';

/** How one step held the main thread (the event loop), seen by a 5 ms timer. */
export interface Blocking {
  wallMs: number;
  /** The longest gap between two ticks of the timer: how long the loop was held, in wall time. */
  longestBlockMs: number;
  /** Of that gap, the main thread's own CPU time (the rest was waiting for a core: the machine's load, not this work). */
  longestBlockCpuMs: number;
  /** The most CPU time the main thread used between two ticks: the longest block in CPU terms, whatever the load. */
  longestCpuBlockMs: number;
  /** How long the main thread was busy (event-loop utilisation: includes time it waited for a core while busy). */
  busyMs: number;
  /** The main thread's CPU time (Linux schedstat; the workers' is not counted). */
  cpuMs: number;
  /** 1-minute load average when the step started: on a shared machine, the wall-clock tails follow it. */
  loadAverage: number;
}

export interface LongLinesReport {
  megabytes: number;
  lines: number;
  paragraphs: number;
  sentences: number;
  /** Ingest into the shared library (the bundled one: small, so made large by it and rebuilt). */
  ingest: Blocking;
  /** Ingest into a server's own library over the bundled shared one. */
  serverIngest: Blocking;
  /** The operator adds a document to the shared library: the server's view of it (with its 10 MB) follows. */
  serverRederive: Blocking;
  search: Latency;
  keystrokes: Latency;
  /** The same, in CPU time of this process (no worker runs by then): what the code costs, whatever else the machine runs. */
  searchCpu: Latency;
  keystrokesCpu: Latency;
}

/** The main thread's time on a core, in ms (Linux: /proc schedstat, nanoseconds); undefined where there is none. */
function mainThreadCpuMs(): number | undefined {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/** Runs `step`, timing how it held the event loop with a 5 ms timer, and the main thread's CPU between ticks. */
async function blocking<T>(step: () => Promise<T>): Promise<{ value: T; blocking: Blocking }> {
  let longest = 0;
  let longestCpu = 0;
  let maxCpu = 0;
  let last = performance.now();
  let lastCpu = mainThreadCpuMs() ?? 0;
  const probe = setInterval(() => {
    const now = performance.now();
    const cpu = mainThreadCpuMs() ?? 0;
    if (now - last > longest) {
      longest = now - last;
      longestCpu = cpu - lastCpu;
    }
    maxCpu = Math.max(maxCpu, cpu - lastCpu);
    last = now;
    lastCpu = cpu;
  }, 5);
  const loadAverage = os.loadavg()[0]!;
  const elu = performance.eventLoopUtilization();
  const cpuBefore = mainThreadCpuMs() ?? 0;
  const started = performance.now();
  const value = await step();
  const wallMs = performance.now() - started;
  const busy = performance.eventLoopUtilization(elu);
  const cpuMs = (mainThreadCpuMs() ?? 0) - cpuBefore;
  await new Promise((r) => setTimeout(r, 10));
  clearInterval(probe);
  return { value, blocking: { wallMs, longestBlockMs: longest, longestBlockCpuMs: longestCpu, longestCpuBlockMs: maxCpu, busyMs: busy.active, cpuMs, loadAverage } };
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

    const settings = { dataDir, maxBytes: 11 * 2 ** 20, allowPrivateUrls: false };
    const manager = new LibraryManager(await Library.load(dataDir));
    const service = new IngestService(manager, settings);
    await service.init();
    const request = { source: { kind: 'file' as const, path: file }, title: 'Long lines', addedBy: { id: 'bench', name: 'bench' } };
    const { value: result, blocking: ingest } = await blocking(() => service.ingest(request));

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
    const keystrokes = wall.splice(0);
    const keystrokesCpu = cpu.splice(0);

    // The same document added by a server, over the bundled shared library; then the operator changes the shared library.
    const teamDir = path.join(dir, 'team');
    await mkdir(teamDir);
    await copyFile(path.join(REPO, 'data/putin-sharif-sco.txt'), path.join(teamDir, 'putin-sharif-sco.txt'));
    const teamManager = new LibraryManager(await Library.load(teamDir));
    const libraries = new Libraries(teamManager, { settings: { ...settings, dataDir: teamDir } });
    const server = await libraries.server('123456789012345678');
    const { blocking: serverIngest } = await blocking(() => server.ingest.ingest(request));
    const note = { ...makeNote(), path: 'note.txt' };
    const { blocking: serverRederive } = await blocking(async () => {
      await teamManager.add([note]);
      const view = await server.settled();
      if (!view.doc(note.slug) || !view.doc(result.doc.slug)) throw new Error('the server view lost a document');
    });
    return {
      megabytes,
      lines: lineWords.length,
      paragraphs: result.paragraphs,
      sentences: result.points - result.paragraphs,
      ingest,
      serverIngest,
      serverRederive,
      search: percentiles(searches),
      keystrokes: percentiles(keystrokes),
      searchCpu: percentiles(searchesCpu),
      keystrokesCpu: percentiles(keystrokesCpu),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The shared library's new document in the server-view step. */
function makeNote(): Doc {
  return { slug: 'operator-note', path: 'note.txt', meta: { title: 'Operator note', tags: [] }, paragraphs: [{ index: 1, text: 'The operator added a note on grain exports.', sentences: ['The operator added a note on grain exports.'] }] };
}

export function formatBlocking(name: string, b: Blocking, ms: (v: number) => string): string {
  return `${name} ${ms(b.wallMs)} ms: main thread busy ${ms(b.busyMs)} ms, CPU ${ms(b.cpuMs)} ms; longest event-loop block ${ms(b.longestBlockMs)} ms (${ms(b.longestBlockCpuMs)} ms of it on a core, the rest waiting for one); longest block in CPU time ${ms(b.longestCpuBlockMs)} ms; load average ${b.loadAverage.toFixed(1)}`;
}

export function formatLongLinesReport(r: LongLinesReport, ms: (v: number) => string): string {
  return [
    `${r.megabytes} MB in ${r.lines} lines of ~${(MAX_LINE_CHARS / 1000).toFixed(0)}k characters without a sentence break → ${r.paragraphs} paragraphs, ${r.sentences} sentences of at most ${MAX_SENTENCE_CHARS.toLocaleString('en')} characters`,
    formatBlocking('ingest into the shared library', r.ingest, ms),
    formatBlocking('ingest into a server', r.serverIngest, ms),
    formatBlocking('shared library changed, server view follows', r.serverRederive, ms),
    `100 searches: p50 ${ms(r.search.p50)} ms, p99 ${ms(r.search.p99)} ms, max ${ms(r.search.max)} ms (CPU p50 ${ms(r.searchCpu.p50)}, p99 ${ms(r.searchCpu.p99)}, max ${ms(r.searchCpu.max)}) · 100 /quote keystrokes: p50 ${ms(r.keystrokes.p50)} ms, p99 ${ms(r.keystrokes.p99)} ms, max ${ms(r.keystrokes.max)} ms (CPU p99 ${ms(r.keystrokesCpu.p99)}, max ${ms(r.keystrokesCpu.max)})`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ms = (v: number) => (v < 10 ? v.toFixed(1) : Math.round(v).toString());
  const report = await runLongLinesBench(Number(process.argv[2] ?? 10));
  process.stdout.write(`${formatLongLinesReport(report, ms)}\n`);
}
