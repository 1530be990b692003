/**
 * Extractive summaries: every summary sentence is one of the input points, returned
 * as-is, so a summary can only ever quote.
 *
 * Method: centroid scoring (Radev et al. 2004). Each sentence is a unit TF-IDF
 * vector over content words (folded, stopwords dropped, plurals and possessives
 * stripped); its centrality is its dot product with the centroid of the others,
 * i.e. its summed cosine similarity to them, with agreement across paragraphs
 * counting more than with a sentence's own neighbours. Off-subject sentences and
 * pointers to other pieces rank last; a position prior favours early sentences
 * only as far as the text reads like news (centrality falling with position),
 * so an analysis piece is summarised by the argument it keeps returning to, not
 * its opening. Where a document argues rather than reports, two more things
 * count, as they do in how such pieces are built: its closing paragraph
 * restates the point (its most central sentence gains), and sentences pinned
 * to a date or an amount report the events and figures the argument works on
 * rather than its claims (they lose part of their centrality). Greedy
 * selection skips any sentence too similar to one already chosen. Tuning and
 * figures: bench/summary-eval.ts, docs/benchmarks.md.
 */
import type { Point } from '../types.js';
import { entityTypes } from '../text/nlp.js';
import { isSummarizable } from './filter.js';
import { namedTermsOf, withNameIdf } from './terms.js';

export { isByline, isSummarizable, MIN_SUMMARY_WORDS } from './filter.js';
export { contentTerms, namedTermsOf, termsOf } from './terms.js';

export interface SummarizeOptions {
  /** Fewest sentences to return when that many candidates exist (default 2). */
  min?: number;
  /** Most sentences to return (default 5). */
  max?: number;
  /** Inverse document frequency of a content term (as from `contentTerms`), e.g. library-wide. */
  idf?: (term: string) => number;
  /**
   * 0..1: how much a sentence's rank within its document counts against its
   * centrality. Defaults to DOCUMENT_POSITION_WEIGHT scaled by how news-like the
   * candidates read (0 for an argument, all of it for an inverted pyramid);
   * topic summaries, whose members are already on one subject, pass a fixed one.
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

function memoIdf(wordIdf: (term: string) => number): (term: string) => number {
  let memo = idfMemo.get(wordIdf);
  if (!memo) {
    const values = new Map<string, number>();
    const idf = withNameIdf(wordIdf);
    memo = (t) => {
      let v = values.get(t);
      if (v === undefined) values.set(t, (v = idf(t)));
      return v;
    };
    idfMemo.set(wordIdf, memo);
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
    for (const t of new Set(namedTermsOf(p))) df.set(t, (df.get(t) ?? 0) + 1);
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
    const terms = namedTermsOf(point);
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

  const centrality = centralities(pool.map((c) => c.point), vectors);
  const best = centrality.reduce((m, c) => Math.max(m, c), 0) || 1;
  const norm = centrality.map((c, i) => (c / best) * (refersElsewhere(pool[i]!.point.text) ? REFERENCE_PENALTY : 1));

  // A caller's fixed weight means the candidates are not one document's run of sentences (a topic's).
  const news = opts.positionWeight === undefined ? newsLike(pool.map((c) => c.point.doc), rank, norm) : 1;
  const pw = Math.min(1, Math.max(0, opts.positionWeight ?? DOCUMENT_POSITION_WEIGHT * news));
  const scored = pool.map((_, i) => ({
    i,
    score: (norm[i]! < ON_SUBJECT ? -1 : 0) + (1 - pw) * norm[i]! + pw / (1 + rank[i]! / POSITION_SCALE),
  }));
  if (news < 1) weighArgument(pool.map((c) => c.point), norm, scored, 1 - news, k);
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

/**
 * A sentence that points to another piece ("which was analyzed here", "the
 * preceding hyperlinked piece", "the transcript that can be read here") is about
 * the author's other writing as much as about the subject: it stays available,
 * but at this share of its centrality.
 */
const REFERENCE_PENALTY = 0.5;
// "here" standing for a link: after a verb of writing or reading, or before "at the time"/"in March".
const REFERENCE =
  /\b(?:hyperlinked|(?:analy[sz]ed|explained|discussed|argued|covered|detailed|written|elaborated|read|seen|found|predicted|touched upon|mentioned)\s+(?:about\s+)?here\b|(?:preceding|previous|aforementioned|linked|above|earlier)\s+(?:piece|article|analysis|report|post))/i;

export function refersElsewhere(text: string): boolean {
  return REFERENCE.test(text);
}

/**
 * Share of the top centrality that the closing paragraph's most central
 * sentence gains in a document that argues: an argument ends by restating its
 * point or saying what should follow from it ("it's long since been time for
 * Pakistan to …"), in words of its own rather than the body's, so centrality
 * alone ranks it low. One sentence per document: the close is one claim, not a
 * second summary. Any value in 0.1–0.4 gives the bundled article the same
 * medium summary.
 */
const CONCLUSION_WEIGHT = 0.25;
/** A document needs an opening, a body and a close to have a closing paragraph worth the name. */
const MIN_PARAGRAPHS_FOR_CLOSE = 3;
/**
 * Share of its centrality a sentence pinned to a date, a time, a duration or
 * an amount ("this week's SCO Summit", "approaching $1 billion", "approved
 * over a year ago") loses in a document that argues: such sentences report
 * the events and figures an argument works on, while its claims are general.
 * Any value in 0.1–0.45 gives the bundled article the same medium summary.
 */
const EVIDENCE_DISCOUNT = 0.25;
/** Entity types (wink-nlp's recogniser) that pin a sentence to an event or a figure. */
const EVIDENCE_ENTITIES: ReadonlySet<string> = new Set(['DATE', 'TIME', 'DURATION', 'MONEY', 'PERCENT']);
/** Candidates, per summary sentence wanted, that the entity recogniser reads (it costs ~0.3 ms a sentence). */
const EVIDENCE_READ_PER_PICK = 4;

/**
 * Adjusts scores for a document that argues (`argument` 0..1, the share of
 * it that is not news-like): the closing paragraph's most central sentence
 * gains, sentences pinned to dates and amounts lose. Only the leading
 * candidates are read for entities, so a long library-wide summary stays cheap.
 */
function weighArgument(points: readonly Point[], norm: readonly number[], scored: { i: number; score: number }[], argument: number, k: number): void {
  const paragraphs = new Map<string, { count: number; last: number }>();
  for (const p of points) {
    const seen = paragraphs.get(p.doc) ?? { count: 0, last: -Infinity };
    if (p.paragraph !== seen.last) seen.count++;
    seen.last = Math.max(seen.last, p.paragraph);
    paragraphs.set(p.doc, seen);
  }
  const close = new Map<string, number>();
  points.forEach((p, i) => {
    const seen = paragraphs.get(p.doc)!;
    if (seen.count < MIN_PARAGRAPHS_FOR_CLOSE || p.paragraph !== seen.last || norm[i]! < ON_SUBJECT) return;
    const best = close.get(p.doc);
    if (best === undefined || norm[i]! > norm[best]!) close.set(p.doc, i);
  });
  for (const i of close.values()) scored[i]!.score += CONCLUSION_WEIGHT * argument;
  const leading = [...scored].sort((a, b) => b.score - a.score || a.i - b.i).slice(0, EVIDENCE_READ_PER_PICK * k);
  for (const s of leading) {
    if (entityTypes(points[s.i]!.text).some((t) => EVIDENCE_ENTITIES.has(t))) s.score -= EVIDENCE_DISCOUNT * argument * norm[s.i]!;
  }
}

/** Weight of a cosine to a sentence of the same paragraph, against 1 for one elsewhere in the document. */
const SAME_PARAGRAPH = 0.3;

/**
 * Each sentence's summed cosine to the other candidates (degree centrality, via
 * the sum of unit vectors: an aside that shares nothing scores 0, and length
 * alone earns nothing). Neighbours in one paragraph share words by construction
 * ("They last met … at the 2022 SCO Summit" after "… this week's SCO Summit"),
 * so where a document has paragraphs, agreement across paragraphs counts more:
 * the sentences an argument keeps returning to are its thesis.
 */
function centralities(points: readonly Point[], vectors: readonly Vector[]): number[] {
  const centroid: Vector = new Map();
  const paragraphs = new Map<string, Vector>();
  const paraKey = (p: Point) => `${p.doc}\u0000${p.paragraph}`;
  vectors.forEach((v, i) => {
    let para = paragraphs.get(paraKey(points[i]!));
    if (!para) paragraphs.set(paraKey(points[i]!), (para = new Map()));
    for (const [t, w] of v) {
      centroid.set(t, (centroid.get(t) ?? 0) + w);
      para.set(t, (para.get(t) ?? 0) + w);
    }
  });
  // One paragraph per document (a feed item, the evaluation's articles): nothing to discount.
  const discount = paragraphs.size > new Set(points.map((p) => p.doc)).size ? 1 - SAME_PARAGRAPH : 0;
  return vectors.map((v, i) => {
    const self = v.size > 0 ? 1 : 0;
    const all = dot(v, centroid) - self;
    const own = dot(v, paragraphs.get(paraKey(points[i]!))!) - self;
    return Math.max(0, all - discount * own);
  });
}

/**
 * 0..1: how news-like the candidates read, i.e. whether centrality falls with
 * position (an inverted pyramid: a lead the rest elaborates). Analysis builds
 * its argument across the piece, so there position earns nothing.
 */
/**
 * Correlation of centrality with earliness below which a document gets no
 * position prior, and above which it gets all of it. CNN/DailyMail articles
 * sit at a median of 0.28 (a quarter under 0.12); the bundled analysis piece,
 * once its pointers to other pieces are discounted, at 0.0. With the ramp at
 * 0.1–0.3 the news sample keeps its figures (bench/summary-eval.ts).
 */
const NEWS_CORRELATION = [0.1, 0.3] as const;

function newsLike(docs: readonly string[], rank: readonly number[], norm: readonly number[]): number {
  // Spearman-like: correlation between -rank and centrality, per document, averaged by size.
  const byDoc = new Map<string, number[]>();
  docs.forEach((d, i) => {
    const list = byDoc.get(d) ?? [];
    list.push(i);
    byDoc.set(d, list);
  });
  let sum = 0;
  let weight = 0;
  for (const idx of byDoc.values()) {
    if (idx.length < 4) continue;
    const xs = idx.map((i) => -rank[i]!);
    const ys = idx.map((i) => norm[i]!);
    const r = correlation(xs, ys);
    sum += r * idx.length;
    weight += idx.length;
  }
  const r = weight > 0 ? sum / weight : 1;
  return Math.min(1, Math.max(0, (r - NEWS_CORRELATION[0]) / (NEWS_CORRELATION[1] - NEWS_CORRELATION[0])));
}

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}
