/**
 * Load test: many simulated users hitting the real bot (discord.js client,
 * interaction boundary, command modules) through the loopback fake Discord,
 * against a large library. Prints ack latency percentiles, failures and RSS.
 *
 *   npm run bench:load                                  # 2,000 interactions, 50 users, 50 concurrent, 10,000 documents
 *   npm run bench:load -- --documents 1000 --interactions 300
 *
 * `runLoadBench` is exported for bench/run.ts.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_COOLDOWNS, NO_COOLDOWNS } from '../src/abuse/cooldown.js';
import { startService } from '../src/discord/service.js';
import { LibraryManager } from '../src/ingest/manager.js';
import { loadCommands } from '../src/interactions/registry.js';
import { GENERIC_ERROR } from '../src/interactions/run.js';
import { Library } from '../src/library.js';
import { Lifecycle } from '../src/lifecycle/index.js';
import { silentLogger } from '../src/log.js';
import { Libraries } from '../src/tenancy/libraries.js';
import { oneLibrary } from '../src/tenancy/scope.js';
import type { Doc } from '../src/types.js';
import { startFakeDiscord } from '../test/fake-discord/server.js';
import { registerCommands } from '../test/helpers/bot.js';
import { DEFAULT_CORPUS, loadCorpus } from './corpus.js';
import { seededRandom } from '../src/random.js';
import { generateQueries } from './queries.js';
import { writeServerFolders } from './teams.js';

export interface LoadOptions {
  documents?: number;
  interactions?: number;
  users?: number;
  concurrency?: number;
  corpus?: string;
  seed?: number;
  /** Off by default: the point is to measure the work, and the limits would turn most of it away. */
  cooldowns?: boolean;
  /**
   * Spread the interactions over this many servers, each with `perServer`
   * documents of its own (its library loaded on its first interaction);
   * 0: one library for every interaction.
   */
  servers?: number;
  perServer?: number;
  /** TEAM_MEMORY_MB for the servers' libraries (default: the product's default). */
  budgetMb?: number;
  log?: (line: string) => void;
}

export interface LoadReport {
  /** Servers the interactions came from (0: one library for all). */
  servers: number;
  documents: number;
  points: number;
  interactions: number;
  failed: number;
  failures: string[];
  lateAcks: number;
  ackMs: { p50: number; p95: number; p99: number; max: number };
  byKind: Record<string, number>;
  /** The longest the event loop was blocked: what every other user waits behind. */
  loopDelayMs: { p99: number; max: number };
  rssMb: { before: number; after: number };
  heapMb: { before: number; after: number };
  wallSeconds: number;
}

type Kind = 'search' | 'quote' | 'topic' | 'topics' | 'summary' | 'sources' | 'autocomplete';
const MIX: [Kind, number][] = [
  ['search', 0.35], ['autocomplete', 0.3], ['quote', 0.15], ['topic', 0.05], ['summary', 0.05], ['topics', 0.05], ['sources', 0.05],
];

/**
 * The corpus, topped up to `count` documents with variants (same paragraphs,
 * rotated order, own slug) when it has fewer, or a synthetic library when
 * the corpus is not there.
 */
async function buildDocs(count: number, corpus: string, seed: number): Promise<Doc[]> {
  const base = existsSync(corpus) ? await loadCorpus(corpus) : synthetic(Math.min(count, 2_000), seed);
  const docs = base.slice(0, count);
  const rand = seededRandom(seed);
  for (let i = 0; docs.length < count; i++) {
    const src = base[Math.floor(rand() * base.length)]!;
    const shift = src.paragraphs.length > 1 ? 1 + Math.floor(rand() * (src.paragraphs.length - 1)) : 0;
    const paragraphs = [...src.paragraphs.slice(shift), ...src.paragraphs.slice(0, shift)].map((p, j) => ({ ...p, index: j + 1 }));
    docs.push({ ...src, slug: `${src.slug}-v${i}`, path: `variants/${src.slug}-v${i}.txt`, meta: { ...src.meta, title: `${src.meta.title} (variant ${i})` }, paragraphs });
  }
  return docs;
}

/** Memos in a made-up language with a Zipf-like vocabulary, so search work resembles real text. */
function synthetic(count: number, seed: number): Doc[] {
  const rand = seededRandom(seed);
  const syllables = 'ka lo mi ne ru ta vo shi pe da gri zan tor bel fu mor'.split(' ');
  const vocabulary = Array.from({ length: 5_000 }, () =>
    Array.from({ length: 2 + Math.floor(rand() * 2) }, () => syllables[Math.floor(rand() * syllables.length)]!).join(''),
  );
  const word = () => vocabulary[Math.floor(vocabulary.length * rand() ** 3)]!;
  const sentence = () => `${Array.from({ length: 8 + Math.floor(rand() * 14) }, word).join(' ').replace(/^./, (c) => c.toUpperCase())}.`;
  return Array.from({ length: count }, (_, i) => {
    const paragraphs = Array.from({ length: 6 }, (_, j) => {
      const sentences = Array.from({ length: 4 }, sentence);
      return { index: j + 1, text: sentences.join(' '), sentences };
    });
    return { slug: `synthetic-${i}`, path: `synthetic-${i}.txt`, meta: { title: `Synthetic memo ${i}`, tags: [] }, paragraphs };
  });
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

export async function runLoadBench(options: LoadOptions = {}): Promise<LoadReport> {
  const {
    documents = 10_000, interactions = 2_000, users = 50, concurrency = 50, corpus = DEFAULT_CORPUS, seed = 7, cooldowns = false, servers = 0, perServer = 20, log = () => {},
  } = options;
  log(`building a ${documents}-document library…`);
  const library = new Library(await buildDocs(documents, corpus, seed));
  log(`${library.docs.length} documents, ${library.points.length} points, ${library.topics.length} topics`);

  const fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-load' });
  // Each server with its own folder of documents drawn from the library; the shared library is the one above.
  const guilds = Array.from({ length: servers }, (_, i) => fake.addGuild(`Team ${i + 1}`));
  const dataDir = servers ? await mkdtemp(path.join(os.tmpdir(), 'dossier-load-')) : undefined;
  if (dataDir) await writeServerFolders(dataDir, guilds.map((g) => g.guildId), library.docs, perServer, seed);
  const libraries = dataDir
    ? new Libraries(new LibraryManager(library), { settings: { dataDir, maxBytes: 10 * 1024 * 1024, allowPrivateUrls: false }, memoryBudgetBytes: options.budgetMb && options.budgetMb * 1024 * 1024 })
    : oneLibrary(() => library);
  const commands = await loadCommands();
  const lifecycle = new Lifecycle();
  const { bot } = await startService({
    config: { apiUrl: fake.apiUrl, cooldowns: cooldowns ? DEFAULT_COOLDOWNS : NO_COOLDOWNS },
    token: fake.token,
    getLibrary: () => library,
    libraries,
    commands,
    logger: silentLogger,
    lifecycle,
  });
  await bot.ready;
  await registerCommands(fake);
  for (const g of guilds) await registerCommands(fake, g.guildId);

  const rand = seededRandom(seed + 1);
  const userIds = Array.from({ length: users }, (_, i) => fake.addUser(undefined, `analyst${i}`));
  const queries = generateQueries(library.points.toArray(), Math.ceil(interactions * 0.4) + 10, seed);
  const sentences = library.points.filter((p) => p.kind === 'sentence');
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const kindOf = () => {
    let r = rand();
    for (const [kind, share] of MIX) if ((r -= share) < 0) return kind;
    return 'search' as Kind;
  };
  let q = 0;
  const nextQuery = () => queries[q++ % queries.length]!.text;

  /** One interaction; resolves to its ack latency or throws with what went wrong. */
  async function one(kind: Kind, userId: string): Promise<number> {
    const guild = guilds.length ? pick(guilds) : undefined;
    const ctx = { userId, timeoutMs: 20_000, ...(guild ? { guildId: guild.guildId, channelId: guild.channelId } : {}) };
    if (kind === 'autocomplete') {
      const which = rand();
      const started = performance.now();
      if (which < 0.4) await fake.sendAutocomplete('quote', { citation: nextQuery().split(' ').slice(0, 2).join(' ') }, 'citation', ctx);
      else if (which < 0.7) await fake.sendAutocomplete('search', { query: 'x', document: pick(library.docs).slug.slice(0, 6) }, 'document', ctx);
      else await fake.sendAutocomplete('topic', { name: pick(library.topics)?.name.slice(0, 3) ?? '' }, 'name', ctx);
      return performance.now() - started;
    }
    const options: Record<string, string | number> =
      kind === 'search' ? { query: nextQuery(), limit: 1 + Math.floor(rand() * 5) }
      : kind === 'quote' ? { citation: pick(sentences).citation, context: Math.floor(rand() * 3) }
      : kind === 'topic' ? { name: pick(library.topics).name }
      : kind === 'summary' ? { document: pick(library.docs).slug }
      : {};
    const res = await fake.sendCommand(kind, options, ctx);
    // A miss is private: after a public defer the bot deletes the placeholder and follows up privately.
    const content = res.final()?.content || res.followups().at(-1)?.content || '';
    if (!content) throw new Error(`/${kind} ${JSON.stringify(options)}: no visible answer (${JSON.stringify(res.final() ?? 'nothing').slice(0, 300)})`);
    if (content === GENERIC_ERROR) throw new Error(`/${kind}: answered with the generic error`);
    return res.ackMs;
  }

  // Warm up one at a time first: building the index leaves a heap full of garbage whose first major
  // collection, and V8's first compiles, would otherwise land on the opening burst.
  (globalThis as { gc?: () => void }).gc?.();
  for (const kind of ['search', 'quote', 'topic', 'summary', 'topics', 'sources', 'autocomplete'] as Kind[]) {
    for (let i = 0; i < 3; i++) await one(kind, userIds[0]!).catch(() => {});
  }
  // Each server used once, one after another, as a day's first commands arrive: the timed run measures
  // servers at work, not 100 first uses landing in the same second (bench/teams.ts measures first use).
  for (const g of guilds) await fake.sendCommand('sources', {}, { guildId: g.guildId, channelId: g.channelId, timeoutMs: 60_000 }).catch(() => {});
  (globalThis as { gc?: () => void }).gc?.();
  const warmupRequests = fake.requests.length;
  const before = process.memoryUsage();
  const acks: number[] = [];
  const failures: string[] = [];
  const byKind: Record<string, number> = {};
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  let issued = 0;
  let done = 0;
  async function worker() {
    while (issued < interactions) {
      issued++;
      const kind = kindOf();
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      const at = ((performance.now() - started) / 1000).toFixed(1);
      try {
        acks.push(await one(kind, pick(userIds)));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        failures.push(`[${at} s] ${process.env.LOAD_DEBUG ? message : message.split('\n')[0]}`);
      }
      if (++done % 250 === 0) log(`${done}/${interactions} interactions`);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallSeconds = (performance.now() - started) / 1000;
  loop.disable();
  // Refused callbacks (10062 after the 3-second deadline, 40060 twice) count as failures even if a retry papered over them.
  const rejected = fake.requests.slice(warmupRequests).filter((r) => r.path.startsWith('/interactions/') && r.status >= 400 && !r.injected);
  for (const r of rejected) failures.push(`${r.method} ${r.path.replace(/\/[\w-]{20,}\//, '/…/')} → ${r.status}`);
  (globalThis as { gc?: () => void }).gc?.();
  const after = process.memoryUsage();

  await lifecycle.shutdown(silentLogger, 5_000);
  await fake.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });

  const sorted = [...acks].sort((a, b) => a - b);
  return {
    servers,
    documents: library.docs.length,
    points: library.points.length,
    interactions,
    failed: failures.length,
    failures: failures.slice(0, 10),
    lateAcks: acks.filter((ms) => ms > 3_000).length,
    ackMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: Math.round(sorted.at(-1) ?? 0) },
    byKind,
    loopDelayMs: { p99: Math.round(loop.percentile(99) / 1e6), max: Math.round(loop.max / 1e6) },
    rssMb: { before: mb(before.rss), after: mb(after.rss) },
    heapMb: { before: mb(before.heapUsed), after: mb(after.heapUsed) },
    wallSeconds: Math.round(wallSeconds * 10) / 10,
  };
}

export function formatLoadReport(r: LoadReport): string {
  return [
    `load: ${r.interactions} interactions against ${r.documents} documents (${r.points} points)${r.servers ? ` from ${r.servers} servers, each with its own documents` : ''} in ${r.wallSeconds} s`,
    `  mix: ${Object.entries(r.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `  ack latency ms: p50 ${r.ackMs.p50} · p95 ${r.ackMs.p95} · p99 ${r.ackMs.p99} · max ${r.ackMs.max}; later than 3 s: ${r.lateAcks}`,
    `  event loop blocked ms: p99 ${r.loopDelayMs.p99} · max ${r.loopDelayMs.max}`,
    `  failed: ${r.failed}${r.failures.length ? `\n    ${r.failures.join('\n    ')}` : ''}`,
    `  RSS MB: ${r.rssMb.before} before → ${r.rssMb.after} after; heap MB: ${r.heapMb.before} → ${r.heapMb.after}`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      documents: { type: 'string' }, interactions: { type: 'string' }, users: { type: 'string' },
      concurrency: { type: 'string' }, corpus: { type: 'string' }, cooldowns: { type: 'boolean' }, servers: { type: 'string' }, 'budget-mb': { type: 'string' },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const report = await runLoadBench({
    documents: num(values.documents), interactions: num(values.interactions), users: num(values.users),
    concurrency: num(values.concurrency), corpus: values.corpus, cooldowns: values.cooldowns, servers: num(values.servers), budgetMb: num(values['budget-mb']),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatLoadReport(report)}\n`);
  process.exit(report.failed === 0 && report.lateAcks === 0 ? 0 : 1);
}
