/**
 * Extractive summaries: every summary sentence is one of the input points, returned
 * as-is, so a summary can only ever quote.
 *
 * Method: centroid scoring (Radev et al. 2004). Each sentence is a unit TF-IDF
 * vector over content words (folded, stopwords dropped, plurals and possessives
 * stripped); its centrality is its dot product with the centroid of the others,
 * i.e. its summed cosine similarity to them. Off-subject sentences rank last, a
 * position prior favours a document's early sentences (news and analysis state
 * their point first), and greedy selection skips any sentence too similar to one
 * already chosen. Tuning and figures: bench/summary-eval.ts.
 */
import type { Point } from '../types.js';
import { isSummarizable } from './filter.js';
import { termsOf } from './terms.js';

export { isByline, isSummarizable, MIN_SUMMARY_WORDS } from './filter.js';
export { contentTerms, termsOf } from './terms.js';

export interface SummarizeOptions {
  /** Fewest sentences to return when that many candidates exist (default 2). */
  min?: number;
  /** Most sentences to return (default 5). */
  max?: number;
  /** Inverse document frequency of a content term (as from `contentTerms`), e.g. library-wide. */
  idf?: (term: string) => number;
  /**
   * 0..1: how much a sentence's rank within its document counts against its
   * centrality. Defaults to DOCUMENT_POSITION_WEIGHT, right for summarising documents;
   * topic summaries, whose members are already on one subject, want less.
   */
  positionWeight?: number;
}

export const SUMMARY_LENGTHS = { short: 2, medium: 3, long: 5 } as const;
export type SummaryLength = keyof typeof SUMMARY_LENGTHS;

/** Sentence count for `/summary length:`; unknown or missing values mean medium. */
export function summaryLength(len?: string): number {
  const key = len?.toLowerCase() as SummaryLength | undefined;
  return key && key in SUMMARY_LENGTHS ? SUMMARY_LENGTHS[key] : SUMMARY_LENGTHS.medium;
}

/**
 * Cosine above which a sentence is treated as repeating one already chosen. A bit
 * under the textbook 0.5: TF-IDF cosines between sentences of one story run low.
 */
const REDUNDANCY = 0.4;
/**
 * Sentences less central than this share of the most central one are off the
 * document's subject (an aside, a caption, a sign-off): they rank after every
 * on-subject sentence whatever their position, and are used only to reach `min`.
 */
const ON_SUBJECT = 0.4;
/**
 * Default weight of the position prior against normalised centrality. News and
 * analysis state their point first: on the news sample (bench/summary-eval.ts)
 * Lead-3 beats centrality alone by 1.5 ROUGE-1 points. With off-subject sentences
 * ranked last, every weight in 0.75–0.9 (and ON_SUBJECT 0.3–0.45, REDUNDANCY
 * 0.3–0.5) beats Lead-3 on both halves of the sample; this is the middle of that
 * plateau. Centrality still reorders the lead and replaces its asides.
 */
export const DOCUMENT_POSITION_WEIGHT = 0.85;
/** Position decay: prior = 1 / (1 + rank / POSITION_SCALE). */
const POSITION_SCALE = 3;

/**
 * How many sentences a summary of `n` usable candidates gets: about a third of
 * them, within [min, max], so short material gets a short summary (3 → 2).
 */
export function summarySize(n: number, min = 2, max = 5): number {
  const lo = Math.min(min, max);
  return Math.min(n, Math.max(lo, Math.min(max, Math.ceil(n / 3))));
}

type Vector = Map<string, number>;

function vectorOf(terms: readonly string[], idf: (t: string) => number): Vector {
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  const v: Vector = new Map();
  let norm = 0;
  for (const [t, n] of tf) {
    // Sublinear tf: a word repeated in one sentence is not thrice as central.
    const w = (1 + Math.log(n)) * idf(t);
    if (w > 0) {
      v.set(t, w);
      norm += w * w;
    }
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [t, w] of v) v.set(t, w / norm);
  return v;
}

/** Dot product; both vectors are unit-length, so this is the cosine. */
function dot(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [t, w] of small) {
    const o = large.get(t);
    if (o !== undefined) s += w * o;
  }
  return s;
}

const vectorCache = new WeakMap<(term: string) => number, WeakMap<Point, Vector>>();
const idfMemo = new WeakMap<(term: string) => number, (term: string) => number>();

function memoIdf(idf: (term: string) => number): (term: string) => number {
  let memo = idfMemo.get(idf);
  if (!memo) {
    const values = new Map<string, number>();
    memo = (t) => {
      let v = values.get(t);
      if (v === undefined) values.set(t, (v = idf(t)));
      return v;
    };
    idfMemo.set(idf, memo);
  }
  return memo;
}

function localIdf(termLists: readonly (readonly string[])[]): (t: string) => number {
  const df = new Map<string, number>();
  for (const terms of termLists) for (const t of new Set(terms)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = termLists.length;
  // Smoothed so a word in every sentence still counts a little.
  return (t) => Math.log((n + 1) / ((df.get(t) ?? 0) + 1)) + 1;
}

const usableCache = new WeakMap<Point, boolean>();

/** `isSummarizable`, memoised: topic summaries revisit the same sentences. */
function usable(point: Point): boolean {
  let ok = usableCache.get(point);
  if (ok === undefined) {
    ok = isSummarizable(point.text);
    usableCache.set(point, ok);
  }
  return ok;
}

/**
 * Library-wide IDF over sentence points, keyed like `contentTerms`, to pass to
 * `summarize` as `idf` (a search index keyed by unstemmed words would miss
 * "shipment" for "shipments" and weigh it as unseen).
 */
export function sentenceIdf(points: readonly Point[]): (term: string) => number {
  const df = new Map<string, number>();
  let n = 0;
  for (const p of points) {
    if (p.kind !== 'sentence') continue;
    n++;
    for (const t of new Set(termsOf(p))) df.set(t, (df.get(t) ?? 0) + 1);
  }
  return (t) => {
    const f = df.get(t) ?? 0;
    return Math.log(1 + (n - f + 0.5) / (f + 0.5));
  };
}

/**
 * Picks 2–5 central sentence points from `candidates` (fewer when the material is
 * short), and returns them in the order given, which callers keep in source order.
 * Only `kind: 'sentence'` points that read as real sentences are considered. The
 * result holds the very objects passed in.
 */
export function summarize(candidates: readonly Point[], opts: SummarizeOptions = {}): Point[] {
  const max = Math.max(1, opts.max ?? 5);
  const min = Math.min(max, Math.max(1, opts.min ?? 2));

  const pool: { point: Point; order: number; terms: readonly string[] }[] = [];
  candidates.forEach((point, order) => {
    if (point.kind !== 'sentence' || !usable(point)) return;
    const terms = termsOf(point);
    if (terms.length > 0) pool.push({ point, order, terms });
  });
  if (pool.length === 0) return [];
  const k = summarySize(pool.length, min, max);

  let vectors: Vector[];
  if (opts.idf) {
    // A caller's idf is library-wide and reused (every topic summary shares one), so
    // a sentence's vector under it is worth keeping.
    let cache = vectorCache.get(opts.idf);
    if (!cache) vectorCache.set(opts.idf, (cache = new WeakMap()));
    const idf = memoIdf(opts.idf);
    vectors = pool.map((c) => {
      let v = cache.get(c.point);
      if (!v) cache.set(c.point, (v = vectorOf(c.terms, idf)));
      return v;
    });
  } else {
    const idf = localIdf(pool.map((c) => c.terms));
    vectors = pool.map((c) => vectorOf(c.terms, idf));
  }

  // Rank among the same document's usable candidates, so topic summaries drawn from
  // many documents favour each one's early mentions rather than the first document.
  const seen = new Map<string, number>();
  const rank = pool.map((c) => {
    const r = seen.get(c.point.doc) ?? 0;
    seen.set(c.point.doc, r + 1);
    return r;
  });

  // Sum of unit vectors: its dot with a sentence, less the sentence's own 1, is the
  // sum of its cosines to the other candidates (degree centrality), so an aside that
  // shares nothing scores 0 and length alone earns nothing.
  const centroid: Vector = new Map();
  for (const v of vectors) for (const [t, w] of v) centroid.set(t, (centroid.get(t) ?? 0) + w);
  const centrality = vectors.map((v) => Math.max(0, dot(v, centroid) - (v.size > 0 ? 1 : 0)));
  const best = centrality.reduce((m, c) => Math.max(m, c), 0) || 1;

  const pw = Math.min(1, Math.max(0, opts.positionWeight ?? DOCUMENT_POSITION_WEIGHT));
  const scored = pool.map((_, i) => ({
    i,
    score:
      (centrality[i]! / best < ON_SUBJECT ? -1 : 0) +
      (1 - pw) * (centrality[i]! / best) +
      pw / (1 + rank[i]! / POSITION_SCALE),
  }));
  scored.sort((a, b) => b.score - a.score || a.i - b.i);

  const chosen: number[] = [];
  for (const { i } of scored) {
    if (chosen.length >= k) break;
    if (chosen.some((j) => dot(vectors[i]!, vectors[j]!) > REDUNDANCY)) continue;
    chosen.push(i);
  }
  // Near-identical material (a wire story repeated) can leave the filter short of
  // `min`; then repetition beats an empty summary.
  for (const { i } of scored) {
    if (chosen.length >= Math.min(k, min)) break;
    if (!chosen.includes(i)) chosen.push(i);
  }

  return chosen
    .sort((a, b) => pool[a]!.order - pool[b]!.order)
    .map((i) => pool[i]!.point);
}
