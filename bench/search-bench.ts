/**
 * Search speed and answer quality at one library size: Dossier's store and
 * plain tuned fuse.js on the same passages and the same queries.
 */
import Fuse from 'fuse.js';
import { InMemoryPointStore } from '../src/store/point-store.js';
import type { Point } from '../src/types.js';
import { isRelevant, type BenchQuery, type Variant } from './queries.js';

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface Recall {
  at1: number;
  at5: number;
  byVariant: Record<Variant, { at1: number; at5: number }>;
}

export interface EngineResult {
  latency: Latency;
  recall: Recall;
  buildMs: number;
  /** Queries actually run (fuse.js runs a time-boxed sample at large sizes). */
  queries: number;
  sampled: boolean;
}

export function percentiles(times: number[]): Latency {
  const t = [...times].sort((a, b) => a - b);
  const at = (q: number) => (t.length ? t[Math.min(t.length - 1, Math.ceil(q * t.length) - 1)]! : NaN);
  return { n: t.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: t[t.length - 1] ?? NaN };
}

function recallOf(ranks: { variant: Variant; rank: number }[]): Recall {
  const rate = (list: typeof ranks, k: number) => (list.length ? list.filter((r) => r.rank >= 0 && r.rank < k).length / list.length : NaN);
  const byVariant = {} as Recall['byVariant'];
  for (const v of ['exact', 'typo', 'reordered'] as Variant[]) {
    const list = ranks.filter((r) => r.variant === v);
    byVariant[v] = { at1: rate(list, 1), at5: rate(list, 5) };
  }
  return { at1: rate(ranks, 1), at5: rate(ranks, 5), byVariant };
}

function paragraphCitation(p: Point): string {
  return `${p.doc}#p${p.paragraph}`;
}

/** Queries in a fixed interleaved order (exact, typo, reordered, …) so a time-boxed sample keeps the mix. */
export function runDossier(points: readonly Point[], queries: readonly BenchQuery[], store?: InMemoryPointStore): EngineResult & { store: InMemoryPointStore } {
  const t0 = performance.now();
  const s = store ?? new InMemoryPointStore(points);
  const buildMs = performance.now() - t0;
  // Warm-up: the first queries pay for JIT compilation, not for the index.
  for (const q of queries.slice(0, 30)) s.search(q.text, { limit: 5 });
  const times: number[] = [];
  const ranks: { variant: Variant; rank: number }[] = [];
  for (const q of queries) {
    const started = performance.now();
    const { hits } = s.search(q.text, { limit: 5 });
    times.push(performance.now() - started);
    ranks.push({ variant: q.variant, rank: hits.findIndex((h) => isRelevant(q, h.point, paragraphCitation)) });
  }
  return { latency: percentiles(times), recall: recallOf(ranks), buildMs, queries: queries.length, sampled: false, store: s };
}

export const PLAIN_FUSE_OPTIONS = { keys: ['text'], includeScore: true, ignoreLocation: true, threshold: 0.35 };

/** Plain tuned fuse.js over the same points; stops after `budgetMs` of querying and says how many it ran. */
export function runFuse(points: readonly Point[], queries: readonly BenchQuery[], budgetMs: number): EngineResult {
  const t0 = performance.now();
  const fuse = new Fuse(points as Point[], PLAIN_FUSE_OPTIONS);
  const buildMs = performance.now() - t0;
  const times: number[] = [];
  const ranks: { variant: Variant; rank: number }[] = [];
  const started = performance.now();
  for (const q of queries) {
    if (performance.now() - started > budgetMs && times.length >= 1) break;
    const s = performance.now();
    const results = fuse.search(q.text, { limit: 5 });
    times.push(performance.now() - s);
    ranks.push({ variant: q.variant, rank: results.findIndex((r) => isRelevant(q, r.item, paragraphCitation)) });
  }
  return { latency: percentiles(times), recall: recallOf(ranks), buildMs, queries: times.length, sampled: times.length < queries.length };
}
