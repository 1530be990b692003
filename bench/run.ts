/**
 * Dossier's benchmark: search speed and answer quality at 1k, 10k, 100k and
 * full corpus size, side by side with plain tuned fuse.js in the same run;
 * cold build in a worker, ready-from-persisted, memory, event-loop delay under
 * concurrent queries, new-document latency, summary ROUGE vs Lead-3, topics,
 * the long-line worst case (bench/long-lines.ts) and the daily brief at full
 * size (bench/digest.ts), and interactions per second for one bot process
 * against two shard processes (bench/shards.ts).
 *
 *   npm run bench [-- --corpus PATH] [--json FILE] [--quick] [--seed N] [--queries N] [--eval FILE] [--skip-load] [--skip-shards]
 *
 * The corpus is a folder of .txt files, title on line 1 (default: the White
 * House Briefing Room corpus next to the repository). Nothing is written
 * inside the corpus folder: the persisted index goes to a temporary folder.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { pointsOf } from '../src/points.js';
import { buildTopics } from '../src/topics/build.js';
import { DEFAULT_CORPUS, loadCorpus, REPO, sentenceCount, subset } from './corpus.js';
import { generateQueries, MIN_CONTENT } from './queries.js';
import { qualityTargets, runQualitySections } from './quality.js';
import { PLAIN_FUSE_OPTIONS, runDossier, runFuse, type EngineResult } from './search-bench.js';
import { formatLoadReport, runLoadBench, type LoadReport } from './load.js';
import { formatLongLinesReport, runLongLinesBench } from './long-lines.js';
import { formatTeamsReport, runTeamsBench, teamsTargets } from './teams.js';
import { formatDigestReport, runDigestBench } from './digest.js';
import { formatShardsReport, runShardsBench, type ShardsReport } from './shards.js';

const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string' },
    json: { type: 'string' },
    quick: { type: 'boolean' },
    seed: { type: 'string' },
    queries: { type: 'string' },
    eval: { type: 'string' },
    'fuse-budget': { type: 'string' },
    'skip-load': { type: 'boolean' },
    'skip-shards': { type: 'boolean' },
    'only-quality': { type: 'boolean' },
  },
});
const quick = Boolean(args.quick);
/** Only the answer-quality sections (questions, summaries, topics), with the full-corpus search they need. */
const onlyQuality = Boolean(args['only-quality']);
const corpusDir = path.resolve(args.corpus ?? DEFAULT_CORPUS);
const seed = Number(args.seed ?? 42);
const windows = Number(args.queries ?? (quick ? 60 : 200));
const fuseBudgetMs = Number(args['fuse-budget'] ?? (quick ? 3 : 15)) * 1000;
const evalPath = path.resolve(args.eval ?? path.join(REPO, '../shared/eval/cnndm100.json'));
const log = (line = '') => process.stdout.write(`${line}\n`);
const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(1) : Math.round(v).toString()) : '–');
const pct = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');

log(`Dossier benchmark · ${new Date().toISOString()} · Node ${process.version} · ${os.cpus().length} CPUs · load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
log(`corpus ${corpusDir} · seed ${seed} · ${windows} windows × 3 variants (exact, one typo per word ≥4 letters, reordered with the last word cut) · ${MIN_CONTENT}+ content words per 4-word window`);
const loadStarted = performance.now();
const allDocs = await loadCorpus(corpusDir);
const total = sentenceCount(allDocs);
log(`${allDocs.length} documents, ${total} sentences, read and segmented in ${ms(performance.now() - loadStarted)} ms`);
log();

// ---------------------------------------------------------------- search at each size
interface SizeRow {
  target: number | 'full';
  documents: number;
  sentences: number;
  points: number;
  dossier: EngineResult;
  /** Left out with --only-quality. */
  fuse?: EngineResult;
}
const sizes: (number | 'full')[] = onlyQuality ? ['full'] : quick ? [1000, 10000, 'full'] : [1000, 10000, 100000, 'full'];
const rows: SizeRow[] = [];
let fullStore: ReturnType<typeof runDossier>['store'] | undefined;
let fullPoints: ReturnType<typeof pointsOf> = [];
log(`Search: Dossier's store vs plain fuse.js ${JSON.stringify({ ...PLAIN_FUSE_OPTIONS, keys: undefined })} on the same passages (paragraphs + sentences) and queries; fuse.js time-boxed to ${fuseBudgetMs / 1000} s per size.`);
const header = ['size', 'docs', 'passages', 'engine', 'queries', 'build ms', 'p50 ms', 'p95 ms', 'p99 ms', 'R@1', 'R@5', 'R@1 exact/typo/reord'];
log(header.join(' | '));
for (const target of sizes) {
  if (target !== 'full' && target >= total) continue;
  const docs = target === 'full' ? allDocs : subset(allDocs, target, seed);
  const points = pointsOf(docs);
  const queries = generateQueries(points, windows, seed);
  const dossier = runDossier(points, queries);
  const fuse = onlyQuality ? undefined : runFuse(points, queries, fuseBudgetMs);
  if (target === 'full') {
    fullStore = dossier.store;
    fullPoints = points;
  }
  const row: SizeRow = { target, documents: docs.length, sentences: sentenceCount(docs), points: points.length, dossier: { ...dossier, store: undefined } as EngineResult, fuse };
  rows.push(row);
  for (const [name, r] of [['dossier', dossier] as const, ...(fuse ? [['fuse.js', fuse] as const] : [])]) {
    const v = r.recall.byVariant;
    log(
      [
        target === 'full' ? `full (${row.sentences})` : `${target / 1000}k`,
        docs.length,
        points.length,
        name,
        `${r.queries}${r.sampled ? ` of ${queries.length} (sample)` : ''}`,
        ms(r.buildMs),
        ms(r.latency.p50),
        ms(r.latency.p95),
        ms(r.latency.p99),
        // A handful of queries says nothing about recall: shown only from 30 queries up.
        r.queries >= 30 ? pct(r.recall.at1) : `(${r.queries} q)`,
        r.queries >= 30 ? pct(r.recall.at5) : '',
        r.queries >= 30 ? `${pct(v.exact.at1)}/${pct(v.typo.at1)}/${pct(v.reordered.at1)}` : '',
      ].join(' | '),
    );
  }
}
log();

// ---------------------------------------------------------------- answer quality only
if (onlyQuality) {
  const quality = await runQualitySections({ store: fullStore, points: fullPoints, knownItem: rows.at(-1)?.dossier.recall, corpusDir, evalPath, seed, quick, log });
  const started = performance.now();
  const topics = buildTopics({ docs: allDocs, points: fullPoints });
  log(`Topics: ${topics.length} built in ${ms(performance.now() - started)} ms (on the main thread here); the 20 largest:`);
  for (const t of topics.slice(0, 20)) log(`  ${String(t.points.length).padStart(6)} points · ${String(t.documents.length).padStart(5)} docs · ${t.name}`);
  log();
  log('Targets (full corpus):');
  for (const [name, ok, value] of qualityTargets(quality)) log(`  ${ok ? 'met ' : 'MISS'}  ${name.padEnd(48)} ${value}`);
  if (args.json) {
    const out = { date: new Date().toISOString(), node: process.version, loadavg: os.loadavg(), corpus: corpusDir, seed, quick, onlyQuality, sizes: rows, ...quality, topics: topics.slice(0, 20).map((t) => ({ name: t.name, points: t.points.length, documents: t.documents.length })) };
    await writeFile(path.resolve(args.json), `${JSON.stringify(out, null, 2)}\n`);
    log(`\nfigures written to ${path.resolve(args.json)}`);
  }
  process.exit(0);
}

// ---------------------------------------------------------------- cold build in a worker
log('Cold start without a saved index, in a fresh process (bench/serve.ts cold): a worker thread builds; the main thread stays free.');
const run = promisify(execFile);
const child = async (...rest: string[]) => {
  // Started with the bot's own V8 flag (Dockerfile, npm start), so this measures what is deployed.
  const { stdout } = await run(process.execPath, ['--initial-old-space-size=320', '--import', 'tsx', path.join(REPO, 'bench/serve.ts'), corpusDir, ...rest], { cwd: REPO, maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
};
const indexDir = await mkdtemp(path.join(os.tmpdir(), 'dossier-bench-index-'));
const coldRun = (await child(indexDir, 'cold')) as {
  phases: Record<string, number>;
  readyMs: number;
  builtMs: number;
  searchesWhileBuilding: number;
  slowestSearchWhileBuilding: number;
  longestGcPause: number;
  loopDelay: { max: number; p99: number };
  topics: number;
};
const p = coldRun.phases;
const cold = {
  indexedMs: p['indexing: topics'] ?? NaN,
  topicsMs: (p['indexing: done'] ?? NaN) - (p['indexing: topics'] ?? NaN),
  readyMs: coldRun.readyMs,
  builtMs: coldRun.builtMs,
  searchesWhileBuilding: coldRun.searchesWhileBuilding,
  slowestSearchWhileBuildingMs: coldRun.slowestSearchWhileBuilding,
  longestGcPauseMs: coldRun.longestGcPause,
  snapshotMB: (await stat(path.join(indexDir, 'library.snapshot'))).size / 2 ** 20,
  loopDelayMaxMs: coldRun.loopDelay.max,
  loopDelayP99Ms: coldRun.loopDelay.p99,
  topics: coldRun.topics,
};
log(
  `worker: read + index ${ms(cold.indexedMs)} ms, then topics ${ms(cold.topicsMs)} ms · searchable after ${ms(cold.readyMs)} ms · topics in and snapshot (${cold.snapshotMB.toFixed(1)} MB) saved after ${ms(cold.builtMs)} ms · ${cold.searchesWhileBuilding} searches served meanwhile (slowest ${ms(cold.slowestSearchWhileBuildingMs)} ms: the first, before the JIT warms up) · main-thread event-loop delay max ${ms(cold.loopDelayMaxMs)} ms, p99 ${ms(cold.loopDelayP99Ms)} ms (longest garbage-collection pause ${ms(cold.longestGcPauseMs)} ms)`,
);
log();

/** One bench/serve.ts run of simulated users (see `users` there). */
interface UsersRun {
  users: number;
  operations: number;
  ms: number;
  latency: { p50: number; p99: number; max: number };
  loopDelay: { max: number; p99: number };
}

// ---------------------------------------------------------------- a fresh process from the persisted index
log('A fresh process started from the persisted index (bench/serve.ts):');
const serve = (await child(indexDir, String(seed), String(windows))) as {
  readyMs: number;
  heapMB: number;
  rssMB: number;
  arrayBuffersMB: number;
  autocomplete: { n: number; p50: number; p95: number; p99: number; max: number };
  concurrent: UsersRun;
  interactive: UsersRun;
  newDocument: { addMs: number; found: boolean; removeMs: number; gone: boolean };
  topics: { name: string; points: number; documents: number }[];
  topicCount: number;
};
await rm(indexDir, { recursive: true, force: true });
log(`ready ${ms(serve.readyMs)} ms after process start · heap ${serve.heapMB.toFixed(0)} MB (+ ${serve.arrayBuffersMB.toFixed(0)} MB index arrays off-heap; RSS ${serve.rssMB.toFixed(0)} MB)`);
log(`autocomplete (/quote citation + /search document, every keystroke of 90 queries): ${serve.autocomplete.n} calls, p50 ${ms(serve.autocomplete.p50)} ms, p99 ${ms(serve.autocomplete.p99)} ms, max ${ms(serve.autocomplete.max)} ms`);
const c = serve.concurrent;
log(
  `${c.users} users flat out (0–40 ms between requests), ${c.operations} searches and keystrokes in ${ms(c.ms)} ms (${Math.round((c.operations / c.ms) * 1000)} a second): p50 ${ms(c.latency.p50)} ms, p99 ${ms(c.latency.p99)} ms, longest single operation ${ms(c.latency.max)} ms · event-loop delay max ${ms(c.loopDelay.max)} ms, p99 ${ms(c.loopDelay.p99)} ms (saturated: requests queue behind each other)`,
);
const it = serve.interactive;
log(
  `${it.users} users typing (100–300 ms between requests), ${it.operations} searches and keystrokes: p50 ${ms(it.latency.p50)} ms, p99 ${ms(it.latency.p99)} ms, longest single operation ${ms(it.latency.max)} ms · event-loop delay max ${ms(it.loopDelay.max)} ms, p99 ${ms(it.loopDelay.p99)} ms`,
);
log(`new document searchable after ${ms(serve.newDocument.addMs)} ms (${serve.newDocument.found ? 'found' : 'NOT FOUND'}); removal effective after ${ms(serve.newDocument.removeMs)} ms (${serve.newDocument.gone ? 'gone' : 'STILL THERE'})`);
log();

// ---------------------------------------------------------------- answer quality
const quality = await runQualitySections({ store: fullStore, points: fullPoints, knownItem: rows.at(-1)?.dossier.recall, corpusDir, evalPath, seed, quick, log });

log(`Topics: ${cold.topics} built in ${ms(cold.topicsMs)} ms (in the build worker); the 20 largest:`);
for (const t of serve.topics) log(`  ${String(t.points).padStart(6)} points · ${String(t.documents).padStart(5)} docs · ${t.name}`);
log();

// ---------------------------------------------------------------- the long-line worst case (issue 11)
log('Long lines: a 10 MB document of lines just under the line limit, ingested into the bundled library, then searched and typed into /quote:');
const longLines = await runLongLinesBench(10, seed);
log(formatLongLinesReport(longLines, ms));
log();

// ---------------------------------------------------------------- the daily brief (issue 13)
log('Daily brief at full size (bench/digest.ts): composing runs on the event loop, once per server per day:');
const digest = await runDigestBench(allDocs);
log(formatDigestReport(digest, ms));
log();

// ---------------------------------------------------------------- load through the fake Discord (issue 6)
let load: LoadReport | undefined;
if (!args['skip-load']) {
  log(quick ? 'Load test (quick: 2,000 documents, 500 interactions) through the fake Discord:' : 'Load test: 2,000 interactions from 50 users (up to 50 concurrent), mixed commands and autocomplete, 10,000 documents, through the fake Discord:');
  load = await runLoadBench({ corpus: corpusDir, ...(quick ? { documents: 2000, interactions: 500 } : {}) });
  log(formatLoadReport(load));
  log();
}

// ---------------------------------------------------------------- many teams on one bot (issue 10)
log(`Teams: the corpus as the shared library, ${quick ? 100 : 1000} servers with 20 documents of their own each (bench/teams.ts):`);
const teams = await runTeamsBench({ corpus: corpusDir, servers: quick ? 100 : 1000, seed });
log(formatTeamsReport(teams, ms));
let teamsLoad: LoadReport | undefined;
if (!args['skip-load']) {
  log(quick ? 'Load test over 20 servers (quick: 2,000 documents, 500 interactions):' : 'Load test over 100 servers, each with 20 documents of its own: 2,000 interactions from 50 users, 10,000 shared documents:');
  teamsLoad = await runLoadBench({ corpus: corpusDir, servers: quick ? 20 : 100, ...(quick ? { documents: 2000, interactions: 500 } : {}) });
  log(formatLoadReport(teamsLoad));
}
log();

// ---------------------------------------------------------------- shard processes (issue 15)
let shards: ShardsReport | undefined;
if (!args['skip-shards']) {
  log(`Shards: interactions per second, one bot process (both shards) against two shard processes (SHARD_IDS=0 and 1), real src/main.ts processes through the fake Discord, one PostgreSQL, and how long a document change takes to reach both (bench/shards.ts):`);
  shards = await runShardsBench({ corpus: corpusDir, ...(quick ? { documents: 200, interactions: 500, changes: 5 } : {}) });
  log(formatShardsReport(shards));
  log();
}

// ---------------------------------------------------------------- targets
const full = rows.find((r) => r.target === 'full')!.dossier;
const checks: [string, boolean, string][] = [
  ['search p50 ≤ 5 ms', full.latency.p50 <= 5, ms(full.latency.p50)],
  ['search p95 ≤ 25 ms', full.latency.p95 <= 25, ms(full.latency.p95)],
  ['search p99 ≤ 50 ms', full.latency.p99 <= 50, ms(full.latency.p99)],
  ['autocomplete p99 ≤ 30 ms', serve.autocomplete.p99 <= 30, ms(serve.autocomplete.p99)],
  ['recall@1 ≥ 0.90', full.recall.at1 >= 0.9, pct(full.recall.at1)],
  ['recall@5 ≥ 0.97', full.recall.at5 >= 0.97, pct(full.recall.at5)],
  ['ready from persisted ≤ 5 s', serve.readyMs <= 5000, ms(serve.readyMs)],
  ['cold build ≤ 15 s (searchable)', cold.readyMs <= 15000, ms(cold.readyMs)],
  ['cold build never blocks the main thread > 50 ms', cold.loopDelayMaxMs <= 50, ms(cold.loopDelayMaxMs)],
  ['heap ≤ 300 MB', serve.heapMB <= 300, serve.heapMB.toFixed(0)],
  ['new document searchable ≤ 1 s', serve.newDocument.found && serve.newDocument.addMs <= 1000, ms(serve.newDocument.addMs)],
  [
    'no search/autocomplete blocks the loop > 50 ms',
    Math.max(serve.concurrent.latency.max, serve.interactive.latency.max, serve.autocomplete.max) <= 50 && serve.interactive.loopDelay.max <= 50,
    `${ms(Math.max(serve.concurrent.latency.max, serve.interactive.latency.max, serve.autocomplete.max))} (longest single operation); loop delay with users typing ${ms(serve.interactive.loopDelay.max)}`,
  ],
  ...qualityTargets(quality),
  ['topics ≤ 30 s', cold.topicsMs <= 30000, ms(cold.topicsMs)],
  ['long lines: every search < 50 ms', longLines.search.max < 50, `max ${ms(longLines.search.max)}, p99 ${ms(longLines.search.p99)}`],
  ['long lines: every keystroke < 50 ms', longLines.keystrokes.max < 50, `max ${ms(longLines.keystrokes.max)}, p99 ${ms(longLines.keystrokes.p99)}`],
  ...(['ingest', 'serverIngest', 'serverRederive'] as const).flatMap((step): [string, boolean, string][] => {
    const b = longLines[step];
    return [
      [`long lines (${step}): never blocks the loop > 100 ms`, b.longestBlockMs <= 100, `${ms(b.longestBlockMs)} (${ms(b.longestBlockCpuMs)} on a core), load ${b.loadAverage.toFixed(1)}`],
      [`long lines (${step}): no block > 100 ms of main-thread CPU`, b.longestCpuBlockMs <= 100, ms(b.longestCpuBlockMs)],
    ];
  }),
  ...(load
    ? ([
        ['load: zero failed interactions', load.failed === 0, String(load.failed)],
        ['load: no ack later than 3 s', load.lateAcks === 0, `${load.lateAcks} late`],
      ] as [string, boolean, string][])
    : []),
  ...teamsTargets(teams, ms),
  ...(teamsLoad
    ? ([
        ['teams load: zero failed interactions', teamsLoad.failed === 0, String(teamsLoad.failed)],
        ['teams load: no ack later than 3 s', teamsLoad.lateAcks === 0, `${teamsLoad.lateAcks} late`],
      ] as [string, boolean, string][])
    : []),
  ...(shards ? ([['shards: zero failed interactions', [...shards.one, ...shards.two].every((r) => r.failed === 0), String([...shards.one, ...shards.two].reduce((n, r) => n + r.failed, 0))]] as [string, boolean, string][]) : []),
];
log('Targets (full corpus):');
for (const [name, ok, value] of checks) log(`  ${ok ? 'met ' : 'MISS'}  ${name.padEnd(48)} ${value}`);

if (args.json) {
  const out = { date: new Date().toISOString(), node: process.version, loadavg: os.loadavg(), corpus: corpusDir, seed, windows, quick, sizes: rows, questions: quality.questions, rouge: quality.rouge, bundledSummaries: quality.bundled, stability: quality.stability, cold, serve, longLines, digest, load, teams, teamsLoad, shards, targets: checks.map(([name, met, value]) => ({ name, met, value })) };
  await writeFile(path.resolve(args.json), `${JSON.stringify(out, null, 2)}\n`);
  log(`\nfigures written to ${path.resolve(args.json)}`);
}
