import Fuse, { type IFuseOptions } from 'fuse.js';
import { inflections } from '../text/inflect.js';
import { fold, isStopword, tokenize, words, type Token } from '../text/normalize.js';
import { questionRoles } from '../text/question.js';
import { MAX_SENTENCE_CHARS } from '../text/segment.js';
import type { Point, Range, SearchHit, SearchOptions, Suggestion } from '../types.js';
import { INFLECTION, quotableLength, wordMatch } from './fuzzy.js';
import { PointList } from './point-list.js';
import type { Segment } from './segment.js';
import { SegmentedIndex } from './segmented.js';
import type { PointStore, SearchResult } from './types.js';

/**
 * A question's verb against its names and nouns: the answer tends to say the
 * verb in other words ("what did Putin want" → "Putin's high hopes of …").
 */
const QUESTION_VERB = 0.4;

/** Below this many points fuse.js scans them all; above it the segmented index's candidate stage does the work. */
export const FULL_SCAN_LIMIT = 500;
/** ...and only while the text it scans stays under this many characters (a full scan costs about 1 ms per 1,000). */
const FULL_SCAN_CHARS = 50_000;

/** Whether fuse.js may scan these points whole on every search: few enough, and short enough. */
export function smallEnoughToScan(points: Iterable<Point> & { readonly length: number }, limit = FULL_SCAN_LIMIT): boolean {
  if (points.length > limit) return false;
  let chars = 0;
  for (const p of points) chars += Math.min(p.text.length, PASSAGE_SCAN_CHARS);
  return chars <= FULL_SCAN_CHARS;
}

/**
 * Characters of one passage that fuzzy matching and highlighting look at.
 * Sentences are never longer than this (see MAX_SENTENCE_CHARS), so only a
 * long paragraph is cut short, and its own sentences are searched whole: a
 * match deep in it is still found through them. This keeps a search's cost
 * bounded by the query and the candidates, never by one passage's length.
 */
export const PASSAGE_SCAN_CHARS = 2 * MAX_SENTENCE_CHARS;

/** The part of a passage that is scored and highlighted. */
export function scanned(text: string): string {
  return text.length <= PASSAGE_SCAN_CHARS ? text : text.slice(0, PASSAGE_SCAN_CHARS);
}

interface Record {
  /** Folded text: what fuse.js matches against. */
  n: string;
  id: number;
}

interface QueryWord {
  norm: string;
  weight: number;
  /** The last word of a query typed without a trailing space may be unfinished. */
  prefix: boolean;
}

const FUSE_OPTIONS: IFuseOptions<Record> = {
  keys: ['n'],
  includeScore: true,
  ignoreLocation: true,
  threshold: 0.35,
  useTokenSearch: true,
  tokenize: (text: string) => words(text),
  shouldSort: true,
};

/** What ranking, summaries and suggestions need from a vocabulary, small or segmented. */
export interface Lexical {
  readonly size: number;
  frequency(word: string): number;
  idf(word: string): number;
  withPrefix(prefix: string, limit: number): string[];
  nearest(word: string): string | undefined;
  expand(word: string, allowPrefix: boolean): Map<string, number>;
}

export interface StoreOptions {
  /** Libraries up to this many points are scanned whole by fuse.js (tests lower it to exercise the index). */
  fullScanLimit?: number;
  /** A prebuilt index over exactly these points (from a snapshot or a worker). */
  index?: SegmentedIndex;
}

/**
 * The in-process store. Small libraries: fuse.js scans every passage. Large
 * ones: a segmented index (postings, typo index, stored word sequences) picks
 * and scores candidates without scanning. Either way our own re-ranking puts
 * passages containing the whole query before those that contain one word, and
 * a sentence and its own paragraph count as one result.
 */
export class InMemoryPointStore implements PointStore {
  /** Vocabulary, postings and word sequences; for large libraries also the search itself. */
  readonly index: SegmentedIndex;
  /** Small libraries only: fuse.js over every passage. */
  private readonly fuse: Fuse<Record> | null = null;

  private readonly points: PointList;

  constructor(points: readonly Point[] | PointList, options: StoreOptions = {}) {
    this.points = PointList.of(points);
    this.index = options.index ?? SegmentedIndex.build(this.points);
    if (!options.index && smallEnoughToScan(this.points, options.fullScanLimit)) {
      this.fuse = new Fuse(
        this.points.map((p) => ({ n: fold(scanned(p.text)), id: p.id })),
        FUSE_OPTIONS,
      );
    }
  }

  /** True when searches go through the index's candidate stage (large libraries): then changes can be applied incrementally. */
  get segmented(): boolean {
    return this.fuse === null;
  }

  /** Live passages (the index keeps removed documents' points, tombstoned). */
  get size(): number {
    return this.index.removed.size > 0 ? this.livePoints().length : this.points.length;
  }

  /** Words an addition would re-index here to merge the index's deltas (0 when it would not merge them). */
  get mergeWords(): number {
    return this.segmented ? this.index.mergeWords : 0;
  }

  get vocabulary(): Lexical {
    return this.index.lexicon;
  }

  /** Every point this store knows by id, removed ones included: `allPoints[p.id] === p`. */
  get allPoints(): PointList {
    return this.points;
  }

  livePoints(): Point[] {
    const index = this.index;
    if (index.removed.size === 0) return [...this.points];
    return this.points.filter((p) => index.isLive(p));
  }

  /**
   * A store with documents removed (by slug) and points added; added points
   * carry ids from `allPoints.length` on. It shares this store's index and
   * adds a small segment, so the cost is that of the change.
   */
  withChanges(added: readonly Point[], removeSlugs: readonly string[], options: StoreOptions = {}, built?: Segment): InMemoryPointStore {
    if (!this.segmented) throw new Error('withChanges needs a segmented store; rebuild small libraries instead');
    const index = this.index.withChanges(added, removeSlugs, built);
    return new InMemoryPointStore(index.points, { ...options, index });
  }

  search(query: string, options: SearchOptions): SearchResult {
    const qwords = this.queryWords(query);
    if (qwords.length === 0) return { hits: [], complete: false, suggestions: [] };
    const folded = qwords.map((w) => w.norm).join(' ');
    const inScope = (p: Point) => !options.document || p.doc === options.document;

    let hits: SearchHit[];
    const index = this.index;
    if (!this.fuse) {
      const scored: SearchHit[] = index
        .search(qwords, options.document)
        .map((s) => ({ point: this.points.at(s.id)!, score: s.score, coverage: s.coverage, highlights: [] }));
      scored.sort(compareHits);
      const memo = new Map<string, boolean>();
      hits = collapse(scored, (p) => index.paragraphIdOf(p.id), options.limit).map((h) => ({
        ...h,
        highlights: highlightsOf(h.point, qwords, memo),
      }));
    } else {
      const scored: SearchHit[] = [];
      for (const r of this.fuse.search(folded)) {
        const point = this.points.at(r.item.id)!;
        if (!inScope(point)) continue;
        const hit = scorePoint(point, qwords, 1 - (r.score ?? 1));
        if (hit) scored.push(hit);
      }
      scored.sort(compareHits);
      hits = collapse(scored, (p) => index.paragraphIdOf(p.id), options.limit);
    }
    const complete = hits.length > 0 && hits[0]!.coverage >= 0.999;
    const suggestions = complete ? [] : this.suggest(qwords, hits.length > 0);
    return { hits, complete, suggestions };
  }

  complete(prefix: string, limit: number): string[] {
    const w = words(prefix);
    const last = w[w.length - 1];
    if (!last) return [];
    return this.vocabulary.withPrefix(last, limit);
  }

  private queryWords(query: string): QueryWord[] {
    const text = query.slice(0, 500);
    const tokens = tokenize(text);
    const typing = !/\s$/.test(query);
    // A question's grammar counts for nothing and its verb for less (src/text/question.ts).
    const roles = questionRoles(text, tokens);
    const grammar = (i: number) => (roles ? roles[i] === 'grammar' : isStopword(tokens[i]!.norm));
    const hasContent = tokens.some((_, i) => !grammar(i));
    const out: QueryWord[] = [];
    tokens.forEach((t, i) => {
      // A query of only function words ("to be or not") still has to match something.
      if (grammar(i) && hasContent && tokens.length > 1) {
        out.push({ norm: t.norm, weight: roles ? 0 : 0.05, prefix: false });
        return;
      }
      const vocab = this.vocabulary;
      // A word weighs what its commonest form in the library weighs: "want" as often as "wants" and "wanted".
      let idf = vocab.size > 0 ? vocab.idf(t.norm) : 1;
      if (vocab.size > 0) for (const form of inflections(t.norm)) idf = Math.min(idf, vocab.idf(form));
      const role = roles?.[i] === 'predicate' ? QUESTION_VERB : 1;
      out.push({ norm: t.norm, weight: Math.max(0.5, Math.min(idf, 8)) * role, prefix: typing && i === tokens.length - 1 });
    });
    return out.slice(0, 32);
  }

  /**
   * "Did you mean": the query with each word replaced by its nearest library
   * word; then the most of its words that some passage holds together
   * ("putin pakistan" for "what did Putin want from Pakistan?"); then single
   * words, but a word already found as typed only on a total miss, since
   * offering it again after it matched would lead nowhere. Each with how many
   * sentences have all its words.
   */
  private suggest(qwords: QueryWord[], matched: boolean): Suggestion[] {
    const content = qwords.filter((q) => q.weight >= 0.1);
    if (content.length === 0) return [];
    const vocab = this.vocabulary;
    const typed = content.map((q) => q.norm);
    const replaced = typed.map((w) => (vocab.frequency(w) > 0 ? w : vocab.nearest(w)));
    const suggestions: Suggestion[] = [];
    const add = (words: readonly string[], count: number) => {
      const text = words.join(' ');
      if (count <= 0 || text === typed.join(' ') || suggestions.some((s) => s.text === text)) return;
      if (matched && words.length === 1 && typed.includes(text)) return;
      suggestions.push({ text, count });
    };
    const weightOf = new Map<string, number>();
    replaced.forEach((w, i) => w !== undefined && weightOf.set(w, Math.max(weightOf.get(w) ?? 0, content[i]!.weight)));
    const known = [...weightOf.keys()];
    // Counted as search matches them: "putin" in "Putin's", "want" in "wanted".
    const forms = new Map(known.map((w) => [w, [...vocab.expand(w, false)].filter(([, q]) => q >= INFLECTION).map(([f]) => f)]));
    const count = (words: readonly string[]) => this.index.countAll(words.map((w) => forms.get(w)!));
    if (known.length > 0) add(known, count(known));
    for (const subset of largestSubsets(known, weightOf, count)) add(subset.words, subset.count);
    // Single words the library does have, most useful first.
    for (const w of known) if (!matched || !typed.includes(w)) add([w], vocab.frequency(w));
    return suggestions.slice(0, 5);
  }
}

/** Most subsets tried when looking for the most words of a query that occur together. */
const MAX_SUBSETS = 64;

/**
 * The largest subsets (of two words or more) of `words` that some sentence
 * holds together, the weightiest words kept first (a question's names before
 * its verb), then most sentences: what is left of the query once the words
 * that no passage shares with the rest are dropped.
 */
function largestSubsets(
  words: readonly string[],
  weightOf: ReadonlyMap<string, number>,
  count: (words: readonly string[]) => number,
): { words: string[]; count: number }[] {
  const weight = (subset: readonly string[]) => subset.reduce((sum, w) => sum + (weightOf.get(w) ?? 0), 0);
  let tried = 0;
  for (let size = words.length - 1; size >= 2; size--) {
    const found: { words: string[]; count: number }[] = [];
    for (const subset of combinations(words, size)) {
      if (++tried > MAX_SUBSETS) return found;
      const n = count(subset);
      if (n > 0) found.push({ words: subset, count: n });
    }
    if (found.length > 0) return found.sort((a, b) => weight(b.words) - weight(a.words) || b.count - a.count).slice(0, 3);
  }
  return [];
}

/** Subsets of `items` of the given size, in order, each keeping the items' order. */
function* combinations<T>(items: readonly T[], size: number, from = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = from; i <= items.length - size; i++) for (const rest of combinations(items, size - 1, i + 1)) yield [items[i]!, ...rest];
}

function scorePoint(point: Point, qwords: QueryWord[], fuseScore: number): SearchHit | null {
  const tokens = tokenize(scanned(point.text));
  let total = 0;
  let covered = 0;
  let quality = 0;
  const positions: number[] = [];
  const highlights: Range[] = [];
  for (const q of qwords) {
    total += q.weight;
    let best = 0;
    let bestPos = -1;
    tokens.forEach((t: Token, i) => {
      const m = wordMatch(q.norm, t.norm, q.prefix);
      if (m > 0 && q.weight >= 0.1) highlights.push([t.start, t.end]);
      if (m > best) {
        best = m;
        bestPos = i;
      }
    });
    if (best > 0) {
      covered += q.weight;
      quality += q.weight * best;
    }
    positions.push(bestPos);
  }
  if (covered === 0) return null;
  let adjacent = 0;
  for (let i = 1; i < positions.length; i++) {
    if (positions[i - 1]! >= 0 && positions[i] === positions[i - 1]! + 1) adjacent++;
  }
  const phrase = positions.length > 1 ? adjacent / (positions.length - 1) : 0;
  const lengthPrior = quotableLength(point.text.length);
  const coverage = covered / total;
  const score = 0.6 * (quality / total) + 0.15 * phrase + 0.15 * fuseScore + 0.1 * lengthPrior;
  return { point, score, coverage, highlights: mergeRanges(highlights) };
}

/** The words of a passage that answer a content word of the query; `memo` remembers each word's verdict for the query. */
function highlightsOf(point: Point, qwords: QueryWord[], memo: Map<string, boolean>): Range[] {
  const out: Range[] = [];
  for (const t of tokenize(scanned(point.text))) {
    let hit = memo.get(t.norm);
    if (hit === undefined) {
      hit = qwords.some((q) => q.weight >= 0.1 && wordMatch(q.norm, t.norm, q.prefix) > 0);
      memo.set(t.norm, hit);
    }
    if (hit) out.push([t.start, t.end]);
  }
  return mergeRanges(out);
}

/** Whole-query matches first; within a band, the better score; then library order for stability. */
function compareHits(a: SearchHit, b: SearchHit): number {
  return band(b) - band(a) || b.score - a.score || a.point.id - b.point.id;
}

// Module level, not a closure inside the comparator: it runs for every comparison.
function band(h: SearchHit): number {
  return Math.round(h.coverage * 20);
}

/**
 * A sentence and the paragraph it belongs to are one result: whichever ranks
 * first stands for both, so the reader never sees the same words twice.
 */
function collapse(sorted: SearchHit[], paragraphOf: (p: Point) => number, limit: number): SearchHit[] {
  const used = new Set<number>();
  const out: SearchHit[] = [];
  for (const hit of sorted) {
    const para = paragraphOf(hit.point);
    if (used.has(para)) continue;
    used.add(para);
    out.push(hit);
    if (out.length >= limit) break;
  }
  return out;
}

export function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

