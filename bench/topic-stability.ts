/**
 * Topic stability: the share of topic names that stay as they were when
 * documents arrive, and how much of each kept topic's membership stays.
 * Two bases: the bundled article alone, and the corpus less a held-out set;
 * to each, 1, 10 and 100 held-out corpus documents are added (seeded), and
 * the topics are built from scratch each time, as a cold start would.
 *
 *   node --import tsx bench/topic-stability.ts [corpus]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDocuments } from '../src/documents/load.js';
import { pointsOf } from '../src/points.js';
import { seededRandom } from '../src/random.js';
import { buildTopics } from '../src/topics/build.js';
import type { Doc, Topic } from '../src/types.js';
import { DEFAULT_CORPUS, REPO, loadCorpus } from './corpus.js';

export interface StabilityRow {
  base: string;
  added: number;
  topicsBefore: number;
  topicsAfter: number;
  /** Share of the names before that are still there after. */
  namesKept: number;
  /** Mean over kept names of |members before ∩ after| / |members before| (by citation). */
  membersKept: number;
  /** Names that went, for the record. */
  lost: string[];
  buildMs: number;
}

const ADDS = [1, 10, 100] as const;

function compare(base: string, added: number, before: readonly Topic[], after: readonly Topic[], buildMs: number): StabilityRow {
  const byName = new Map(after.map((t) => [t.name, t]));
  const kept = before.filter((t) => byName.has(t.name));
  const membersKept =
    kept.reduce((sum, t) => {
      const now = new Set(byName.get(t.name)!.points.map((p) => p.citation));
      return sum + t.points.filter((p) => now.has(p.citation)).length / Math.max(1, t.points.length);
    }, 0) / Math.max(1, kept.length);
  return {
    base,
    added,
    topicsBefore: before.length,
    topicsAfter: after.length,
    namesKept: before.length ? kept.length / before.length : NaN,
    membersKept,
    lost: before.filter((t) => !byName.has(t.name)).map((t) => t.name),
    buildMs,
  };
}

function build(docs: readonly Doc[]): { topics: Topic[]; ms: number } {
  const started = performance.now();
  const topics = buildTopics({ docs: [...docs], points: pointsOf(docs) });
  return { topics, ms: performance.now() - started };
}

/** Stability rows for both bases; `full` false uses 1,500 corpus documents as the corpus base (quick runs). */
export async function measureStability(corpusDir: string, seed: number, full = true): Promise<StabilityRow[]> {
  const corpus = await loadCorpus(corpusDir);
  const rand = seededRandom(seed);
  const order = corpus.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const heldOut = order.slice(0, 100).map((i) => corpus[i]!);
  const rest = order.slice(100, full ? undefined : 1600).sort((a, b) => a - b).map((i) => corpus[i]!);
  // The bundled article as shipped (the working data/ may hold a user's own documents too).
  const article = (await loadDocuments(path.join(REPO, 'test/fixtures/library'))).docs;

  const rows: StabilityRow[] = [];
  for (const [name, base] of [
    ['bundled article', article],
    [`corpus (${rest.length} documents)`, rest],
  ] as const) {
    const before = build(base);
    for (const n of ADDS) {
      const after = build([...base, ...heldOut.slice(0, n)]);
      rows.push(compare(name, n, before.topics, after.topics, after.ms));
    }
  }
  return rows;
}

export function formatStability(rows: readonly StabilityRow[]): string {
  return rows
    .map(
      (r) =>
        `  ${r.base.padEnd(26)} +${String(r.added).padEnd(4)} names kept ${(100 * r.namesKept).toFixed(0).padStart(3)} % (${r.topicsBefore} → ${r.topicsAfter} topics), members of kept topics kept ${(100 * r.membersKept).toFixed(0)} %` +
        (r.lost.length ? ` · gone: ${r.lost.slice(0, 6).join(', ')}${r.lost.length > 6 ? ', …' : ''}` : ''),
    )
    .join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await measureStability(path.resolve(process.argv[2] ?? DEFAULT_CORPUS), 42, !process.argv.includes('--quick'));
  process.stdout.write(`${formatStability(rows)}\n`);
}
