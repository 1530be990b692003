/**
 * Many teams on one bot (issue 10): the corpus as the shared library, and
 * `servers` servers each holding `perServer` documents of their own drawn
 * from it, written to their folders under a temporary DATA_DIR. Measures what
 * a server sees: its first command after start (its library loaded on
 * demand), searches and autocomplete in loaded servers, RSS with every server
 * used in turn under the memory budget, and RSS per loaded server.
 *
 *   npm run bench:teams [-- --corpus PATH] [--servers N] [--per-server N] [--budget-mb N]
 *
 * `runTeamsBench` is exported for bench/run.ts; `writeServerFolders` for the load test.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { LibraryManager } from '../src/ingest/manager.js';
import { citationChoices, documentChoices } from '../src/interactions/autocomplete.js';
import type { Library } from '../src/library.js';
import { seededRandom } from '../src/random.js';
import { openLibrary } from '../src/store/build.js';
import { Libraries } from '../src/tenancy/libraries.js';
import type { Doc } from '../src/types.js';
import { DEFAULT_CORPUS, loadCorpus } from './corpus.js';
import { generateQueries } from './queries.js';
import { percentiles, type Latency } from './search-bench.js';

export interface TeamsOptions {
  corpus?: string;
  servers?: number;
  perServer?: number;
  budgetMb?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface TeamsReport {
  shared: { documents: number; points: number; rssMb: number };
  servers: number;
  perServer: number;
  budgetMb: number;
  firstCommand: Timed;
  search: Timed;
  autocomplete: Timed;
  /** Loading every server in turn under the budget. */
  rssMaxMb: number;
  loadedAtEnd: number;
  /** RSS growth per loaded server, measured with the budget lifted. */
  rssPerServerMb: number;
  estimatePerServerMb: number;
}

/**
 * Wall-clock percentiles, and the same operations' CPU time: on a machine
 * shared with other work the wall clock includes waiting for a core, which
 * CPU time does not.
 */
export interface Timed {
  wall: Latency;
  cpu: Latency;
}

class Timer {
  private readonly wall: number[] = [];
  private readonly cpu: number[] = [];
  time<T>(work: () => T): T {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = work();
    this.wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    this.cpu.push((c.user + c.system) / 1000);
    return out;
  }
  async timeAsync<T>(work: () => Promise<T>): Promise<T> {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await work();
    this.wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    this.cpu.push((c.user + c.system) / 1000);
    return out;
  }
  result(): Timed {
    return { wall: percentiles(this.wall), cpu: percentiles(this.cpu) };
  }
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** A document as the plain text file a team would drop in (title line, blank-line paragraphs). */
function asText(doc: Doc): string {
  return `${doc.meta.title}\n\n${doc.paragraphs.map((p) => p.text).join('\n\n')}\n`;
}

/** Writes `perServer` documents drawn from `docs` (seeded) into each server's folder under `dataDir`. */
export async function writeServerFolders(dataDir: string, guildIds: readonly string[], docs: readonly Doc[], perServer: number, seed: number): Promise<void> {
  const rand = seededRandom(seed);
  for (const id of guildIds) {
    const dir = path.join(dataDir, 'guilds', id);
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < perServer; i++) {
      const doc = docs[Math.floor(rand() * docs.length)]!;
      await writeFile(path.join(dir, `${doc.slug}-${i}.txt`), asText(doc));
    }
  }
}

export async function runTeamsBench(options: TeamsOptions = {}): Promise<TeamsReport> {
  const { corpus = DEFAULT_CORPUS, servers = 1000, perServer = 20, budgetMb = 512, seed = 11, log = () => {} } = options;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'dossier-teams-'));
  const indexDir = await mkdtemp(path.join(os.tmpdir(), 'dossier-teams-index-'));
  try {
    log(`shared library: ${corpus}`);
    const shared = await openLibrary(corpus, { indexDir, complete: true });
    gc();
    const sharedRss = mb(process.memoryUsage().rss);
    const guildIds = Array.from({ length: servers }, (_, i) => String(100_000_000_000_000_000n + BigInt(i)));
    log(`writing ${servers} servers × ${perServer} documents…`);
    const corpusDocs = await loadCorpus(corpus);
    await writeServerFolders(dataDir, guildIds, corpusDocs, perServer, seed);
    const settings = { dataDir, maxBytes: 10 * 1024 * 1024, allowPrivateUrls: false };
    const rand = seededRandom(seed + 1);
    const sharedQueries = generateQueries(shared.points.toArray(), 300, seed).map((q) => q.text);

    const { rssPerServerMb, estimatePerServerMb } = await perServerMemory(shared, settings, guildIds.slice(0, Math.min(50, servers)));
    gc();

    // Every server used in turn, as after a restart: the first command loads its library.
    const libraries = new Libraries(new LibraryManager(shared), { settings, memoryBudgetBytes: budgetMb * 1024 * 1024 });
    const first = new Timer();
    let rssMax = 0;
    for (const [i, id] of guildIds.entries()) {
      await first.timeAsync(async () => (await libraries.server(id)).library().search(sharedQueries[i % sharedQueries.length]!, { limit: 5 }));
      if (i % 25 === 0) rssMax = Math.max(rssMax, mb(process.memoryUsage().rss));
      if ((i + 1) % 250 === 0) log(`${i + 1}/${servers} servers used`);
    }
    rssMax = Math.max(rssMax, mb(process.memoryUsage().rss));

    // Searches and keystrokes in loaded servers: queries on shared text and on each server's own.
    const loaded = guildIds.filter((id) => libraries.isLoaded(id));
    const searches = new Timer();
    const keys = new Timer();
    for (let n = 0; n < 2000; n++) {
      const server = await libraries.server(loaded[Math.floor(rand() * loaded.length)]!);
      const view: Library = server.library();
      const own = server.documents;
      const query =
        own.length && rand() < 0.5
          ? ownQuery(own[Math.floor(rand() * own.length)]!, rand)
          : sharedQueries[Math.floor(rand() * sharedQueries.length)]!;
      searches.time(() => view.search(query, { limit: 5 }));
      if (n % 4 === 0) {
        // Each keystroke of the query's first two words in /quote, and a document name in /search.
        const typed = query.split(' ').slice(0, 2).join(' ');
        for (let k = 1; k <= typed.length; k++) {
          keys.time(() => {
            citationChoices(view, typed.slice(0, k));
            documentChoices(view, typed.slice(0, Math.min(k, 6)));
          });
        }
      }
    }

    return {
      shared: { documents: shared.docs.length, points: shared.points.length, rssMb: Math.round(sharedRss) },
      servers,
      perServer,
      budgetMb,
      firstCommand: first.result(),
      search: searches.result(),
      autocomplete: keys.result(),
      rssMaxMb: Math.round(rssMax),
      loadedAtEnd: loaded.length,
      rssPerServerMb,
      estimatePerServerMb,
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await rm(indexDir, { recursive: true, force: true });
  }
}

/** RSS per loaded server: the budget lifted, a sample of servers loaded, the growth divided. */
async function perServerMemory(shared: Library, settings: ConstructorParameters<typeof Libraries>[1]['settings'], sample: readonly string[]) {
  const unbounded = new Libraries(new LibraryManager(shared), { settings, memoryBudgetBytes: Number.MAX_SAFE_INTEGER });
  gc();
  const before = process.memoryUsage().rss;
  for (const id of sample) await unbounded.server(id);
  gc();
  return { rssPerServerMb: mb(process.memoryUsage().rss - before) / sample.length, estimatePerServerMb: mb(unbounded.stats().bytes) / sample.length };
}

/** Four words in a row from one of the server's own sentences. */
function ownQuery(doc: Doc, rand: () => number): string {
  const sentences = doc.paragraphs.flatMap((p) => p.sentences).filter((s) => s.split(' ').length >= 6);
  const s = sentences[Math.floor(rand() * sentences.length)] ?? doc.meta.title;
  const words = s.split(/\s+/);
  const at = Math.floor(rand() * Math.max(1, words.length - 4));
  return words.slice(at, at + 4).join(' ');
}

export function formatTeamsReport(r: TeamsReport, ms: (v: number) => string): string {
  const t = (x: Timed) => `p50 ${ms(x.wall.p50)} ms · p99 ${ms(x.wall.p99)} ms · max ${ms(x.wall.max)} ms (CPU time p50 ${ms(x.cpu.p50)} · p99 ${ms(x.cpu.p99)} · max ${ms(x.cpu.max)})`;
  return [
    `shared library: ${r.shared.documents} documents, ${r.shared.points} points (RSS ${r.shared.rssMb} MB); ${r.servers} servers × ${r.perServer} documents of their own; TEAM_MEMORY_MB ${r.budgetMb}`,
    `  first command in a server (its library loaded on demand, then a search): ${t(r.firstCommand)}`,
    `  search in loaded servers: ${t(r.search)}`,
    `  autocomplete keystrokes (/quote citation + /search document): ${t(r.autocomplete)}`,
    `  RSS with all ${r.servers} servers used in turn: max ${r.rssMaxMb} MB; ${r.loadedAtEnd} loaded at the end (the budget unloads the rest)`,
    `  RSS per loaded server: ${r.rssPerServerMb.toFixed(1)} MB measured (budget estimate ${r.estimatePerServerMb.toFixed(1)} MB)`,
  ].join('\n');
}

export function teamsTargets(r: TeamsReport, ms: (v: number) => string): [string, boolean, string][] {
  return [
    ['teams: search p50 ≤ 3 ms in any loaded server', r.search.wall.p50 <= 3, ms(r.search.wall.p50)],
    ['teams: search p99 ≤ 10 ms', r.search.wall.p99 <= 10, ms(r.search.wall.p99)],
    ['teams: autocomplete p99 ≤ 30 ms', r.autocomplete.wall.p99 <= 30, ms(r.autocomplete.wall.p99)],
    ['teams: first command ≤ 300 ms (library loaded on demand)', r.firstCommand.wall.max <= 300, `max ${ms(r.firstCommand.wall.max)}, p99 ${ms(r.firstCommand.wall.p99)}`],
    ['teams: RSS < 1.5 GB with every server used in turn', r.rssMaxMb < 1536, `${r.rssMaxMb} MB`],
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { corpus: { type: 'string' }, servers: { type: 'string' }, 'per-server': { type: 'string' }, 'budget-mb': { type: 'string' } },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const ms = (v: number) => (v < 10 ? v.toFixed(1) : Math.round(v).toString());
  const report = await runTeamsBench({
    corpus: values.corpus,
    servers: num(values.servers),
    perServer: num(values['per-server']),
    budgetMb: num(values['budget-mb']),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatTeamsReport(report, ms)}\n`);
  for (const [name, ok, value] of teamsTargets(report, ms)) process.stdout.write(`  ${ok ? 'met ' : 'MISS'}  ${name.padEnd(58)} ${value}\n`);
}
