import Fuse, { type IFuseOptions } from 'fuse.js';
import { fold, isStopword, tokenize, words, type Token } from '../text/normalize.js';
import { MAX_SENTENCE_CHARS } from '../text/segment.js';
import type { Point, Range, SearchHit, SearchOptions, Suggestion } from '../types.js';
import { quotableLength, wordMatch } from './fuzzy.js';
import { SegmentedIndex } from './segmented.js';
import type { PointStore, SearchResult } from './types.js';

/** Below this many points fuse.js scans them all; above it the segmented index's candidate stage does the work. */
export const FULL_SCAN_LIMIT = 500;
/** ...and only while the text it scans stays under this many characters (a full scan costs about 1 ms per 1,000). */
const FULL_SCAN_CHARS = 50_000;

/** Whether fuse.js may scan these points whole on every search: few enough, and short enough. */
export function smallEnoughToScan(points: readonly Point[], limit = FULL_SCAN_LIMIT): boolean {
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

  constructor(
    private readonly points: readonly Point[],
    options: StoreOptions = {},
  ) {
    this.index = options.index ?? SegmentedIndex.build(points);
    if (!options.index && smallEnoughToScan(points, options.fullScanLimit)) {
      this.fuse = new Fuse(
        points.map((p) => ({ n: fold(scanned(p.text)), id: p.id })),
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

  get vocabulary(): Lexical {
    return this.index.lexicon;
  }

  /** Every point this store knows by id, removed ones included: `allPoints[p.id] === p`. */
  get allPoints(): readonly Point[] {
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
  withChanges(added: readonly Point[], removeSlugs: readonly string[], options: StoreOptions = {}): InMemoryPointStore {
    if (!this.segmented) throw new Error('withChanges needs a segmented store; rebuild small libraries instead');
    const index = this.index.withChanges(added, removeSlugs);
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
        .map((s) => ({ point: this.points[s.id]!, score: s.score, coverage: s.coverage, highlights: [] }));
      scored.sort(compareHits);
      const memo = new Map<string, boolean>();
      hits = collapse(scored, (p) => index.paragraphIdOf(p.id), options.limit).map((h) => ({
        ...h,
        highlights: highlightsOf(h.point, qwords, memo),
      }));
    } else {
      const scored: SearchHit[] = [];
      for (const r of this.fuse.search(folded)) {
        const point = this.points[r.item.id]!;
        if (!inScope(point)) continue;
        const hit = scorePoint(point, qwords, 1 - (r.score ?? 1));
        if (hit) scored.push(hit);
      }
      scored.sort(compareHits);
      hits = collapse(scored, (p) => index.paragraphIdOf(p.id), options.limit);
    }
    const complete = hits.length > 0 && hits[0]!.coverage >= 0.999;
    const suggestions = complete ? [] : this.suggest(qwords);
    return { hits, complete, suggestions };
  }

  complete(prefix: string, limit: number): string[] {
    const w = words(prefix);
    const last = w[w.length - 1];
    if (!last) return [];
    return this.vocabulary.withPrefix(last, limit);
  }

  private queryWords(query: string): QueryWord[] {
    const tokens = tokenize(query.slice(0, 500));
    const typing = !/\s$/.test(query);
    const hasContent = tokens.some((t) => !isStopword(t.norm));
    const out: QueryWord[] = [];
    tokens.forEach((t, i) => {
      const stop = isStopword(t.norm);
      // A query of only function words ("to be or not") still has to match something.
      if (stop && hasContent && tokens.length > 1) {
        out.push({ norm: t.norm, weight: 0.05, prefix: false });
        return;
      }
      const vocab = this.vocabulary;
      const idf = vocab.size > 0 ? vocab.idf(t.norm) : 1;
      out.push({ norm: t.norm, weight: Math.max(0.5, Math.min(idf, 8)), prefix: typing && i === tokens.length - 1 });
    });
    return out.slice(0, 32);
  }

  /** "Did you mean": each query word replaced by its nearest library word, with how many sentences have them all. */
  private suggest(qwords: QueryWord[]): Suggestion[] {
    const content = qwords.filter((q) => q.weight >= 0.1);
    if (content.length === 0) return [];
    const vocab = this.vocabulary;
    const replaced = content.map((q) => (vocab.frequency(q.norm) > 0 ? q.norm : vocab.nearest(q.norm)));
    const suggestions: Suggestion[] = [];
    const known = replaced.filter((w): w is string => w !== undefined);
    if (known.length > 0) {
      const count = this.index.countAll(known);
      const text = known.join(' ');
      if (count > 0 && text !== content.map((q) => q.norm).join(' ')) suggestions.push({ text, count });
    }
    // Single words the library does have, most useful first.
    for (const w of known) {
      if (suggestions.some((s) => s.text === w)) continue;
      suggestions.push({ text: w, count: vocab.frequency(w) });
    }
    return suggestions.filter((s) => s.count > 0).slice(0, 5);
  }
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

