/**
 * Child process of bench/run.ts: starts like the bot does, from a persisted
 * index, and measures what a user would feel — time to ready, memory,
 * autocomplete, event-loop delay with many users at once (flat out, and at a
 * typing pace), and how soon a newly added document can be found. Prints one
 * JSON line.
 *
 *   node --import tsx bench/serve.ts <corpus> <indexDir> <seed> <windows>          from the persisted index
 *   node --import tsx bench/serve.ts <corpus> <indexDir> cold                        cold build (worker), then exit
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { citationChoices, documentChoices } from '../src/interactions/autocomplete.js';
import { openLibrary } from '../src/store/build.js';
import { segmentDocumentBody } from '../src/text/segment.js';
import { generateQueries } from './queries.js';
import { percentiles } from './search-bench.js';

const [corpus, indexDir, seedArg, windowsArg] = process.argv.slice(2);

if (seedArg === 'cold') {
  // The main thread during a cold build: how late does a 5 ms timer fire?
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  // Garbage-collection pauses on this thread, to tell them apart from work that blocks.
  const pauses: number[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push(e.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const phases: Record<string, number> = {};
  const started = performance.now();
  let built: () => void;
  const done = new Promise<void>((resolve) => (built = resolve));
  const logger = {
    info: (_o: object, msg: string) => {
      phases[msg] = performance.now() - started;
      if (msg === 'library built') built();
    },
    warn: () => {},
    error: () => {},
  } as never;
  const library = await openLibrary(corpus!, { indexDir, logger });
  const readyMs = performance.now() - started;
  // Searches are served from here on; the worker is still building topics and saving the snapshot.
  const probes: number[] = [];
  while (!phases['library built']) {
    const s = performance.now();
    library.search('federal infrastructure funding', { limit: 5 });
    probes.push(performance.now() - s);
    await Promise.race([done, new Promise((r) => setTimeout(r, 50))]);
  }
  delay.disable();
  process.stdout.write(
    `${JSON.stringify({
      phases,
      readyMs,
      builtMs: phases['library built'],
      searchesWhileBuilding: probes.length,
      slowestSearchWhileBuilding: Math.max(...probes),
      longestGcPause: Math.max(0, ...pauses),
      loopDelay: { max: delay.max / 1e6, p99: delay.percentile(99) / 1e6 },
      documents: library.docs.length,
      topics: library.topics.length,
    })}\n`,
  );
  process.exit(0);
}

const library = await openLibrary(corpus!, { indexDir });
const readyMs = process.uptime() * 1000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
gc();
const mem = process.memoryUsage();

const queries = generateQueries(library.points.toArray(), Number(windowsArg), Number(seedArg));

// Autocomplete: every keystroke of every query (from the third character), as Discord sends them.
const typed: string[] = [];
for (const q of queries.slice(0, 90)) for (let i = 3; i <= q.text.length; i++) typed.push(q.text.slice(0, i));
for (const t of typed.slice(0, 50)) citationChoices(library, t);
const acTimes: number[] = [];
for (const t of typed) {
  const s = performance.now();
  citationChoices(library, t);
  documentChoices(library, t.split(' ')[0]!);
  acTimes.push(performance.now() - s);
}

/**
 * Concurrent users: each sends a search or a keystroke, waits `think` ms, sends
 * the next. Returns each operation's time and the event-loop delay meanwhile
 * (how late a 5 ms timer fires: blocking plus waiting behind queued work).
 */
async function users(count: number, perUser: number, think: (u: number, i: number) => number) {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const served: number[] = [];
  loop.enable();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, u) => {
      for (let i = 0; i < perUser; i++) {
        await new Promise((r) => setTimeout(r, think(u, i)));
        const q = queries[(u * perUser + i) % queries.length]!;
        const s = performance.now();
        if (i % 2) citationChoices(library, q.text.slice(0, Math.max(3, q.text.length - 2)));
        else library.search(q.text, { limit: 5 });
        served.push(performance.now() - s);
      }
    }),
  );
  loop.disable();
  return {
    users: count,
    operations: served.length,
    ms: performance.now() - started,
    latency: percentiles(served),
    loopDelay: { max: loop.max / 1e6, p99: loop.percentile(99) / 1e6, mean: loop.mean / 1e6 },
  };
}

const USERS = 16;
// Saturating: 0–40 ms between requests is more than one core can serve, so this measures throughput and queueing.
const concurrent = await users(USERS, Math.ceil(Math.min(queries.length, 600) / USERS) * 2, (u, i) => (u * 17 + i * 13) % 41);
// Interactive: a request every 100–300 ms per user (fast typing), ~80 a second in all: the event loop's delay
// here is what a user feels from other users' searches.
const interactive = await users(USERS, 40, (u, i) => 100 + ((u * 37 + i * 53) % 201));

// A new document, then its removal, at full size.
const marker = 'quetzalcoatlus fossil registry';
const doc = {
  slug: 'bench-new-document',
  path: 'bench-new-document.txt',
  meta: { title: 'Benchmark addition', tags: [] },
  paragraphs: segmentDocumentBody(`The ${marker} opened to analysts on Tuesday.\n\nIt lists every specimen found since 1971.`),
};
const addStarted = performance.now();
const added = library.with({ add: [doc] });
const found = added.search(marker, { limit: 1 }).hits[0]?.point.doc === doc.slug;
const addMs = performance.now() - addStarted;
const removeStarted = performance.now();
const removed = added.with({ remove: [doc.slug] });
const gone = removed.search(marker, { limit: 1 }).hits.every((h) => h.point.doc !== doc.slug);
const removeMs = performance.now() - removeStarted;

process.stdout.write(
  `${JSON.stringify({
    readyMs,
    heapMB: mem.heapUsed / 2 ** 20,
    rssMB: mem.rss / 2 ** 20,
    arrayBuffersMB: mem.arrayBuffers / 2 ** 20,
    autocomplete: percentiles(acTimes),
    concurrent,
    interactive,
    newDocument: { addMs, found, removeMs, gone },
    topics: [...library.topics].sort((a, b) => b.points.length - a.points.length).slice(0, 20).map((t) => ({ name: t.name, points: t.points.length, documents: t.documents.length })),
    topicCount: library.topics.length,
    documents: library.docs.length,
    points: library.points.length,
  })}\n`,
);
