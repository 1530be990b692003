import Fuse, { type IFuseOptions } from 'fuse.js';
import { fold, isStopword, tokenize, words, type Token } from '../text/normalize.js';
import type { Point, Range, SearchHit, SearchOptions, Suggestion } from '../types.js';
import { wordMatch } from './fuzzy.js';
import type { PointStore, SearchResult } from './types.js';
import { Vocabulary } from './vocabulary.js';

/** Below this many points fuse.js scans them all; above it a candidate stage narrows the field first. */
const FULL_SCAN_LIMIT = 4000;
/** Sentences handed to fuse.js for re-scoring in large libraries. */
const CANDIDATES = 300;
/** Passages at most this many characters long are ranked as quotable; longer ones are slightly penalised. */
const IDEAL_LENGTH = 320;

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

/**
 * The in-process store: fuse.js for fuzzy passage matching, with our own
 * re-ranking so that passages containing the whole query beat those that
 * contain one word, and a sentence and its own paragraph count as one result.
 */
export class InMemoryPointStore implements PointStore {
  private readonly vocab = new Vocabulary();
  /** For each point id: the paragraph point containing it (or itself). */
  private readonly paragraphOf: number[] = [];
  private readonly sentencesOf = new Map<number, number[]>();
  private fuse: Fuse<Record> | null = null;

  constructor(private readonly points: readonly Point[]) {
    const paragraphIds = new Map<string, number>();
    for (const p of points) if (p.kind === 'paragraph') paragraphIds.set(p.citation, p.id);
    for (const p of points) {
      const para = paragraphIds.get(`${p.doc}#p${p.paragraph}`) ?? p.id;
      this.paragraphOf[p.id] = para;
      if (p.kind === 'sentence') {
        this.vocab.add(p.id, words(p.text));
        const list = this.sentencesOf.get(para);
        if (list) list.push(p.id);
        else this.sentencesOf.set(para, [p.id]);
      }
    }
    if (points.length <= FULL_SCAN_LIMIT) {
      this.fuse = new Fuse(
        points.map((p) => ({ n: fold(p.text), id: p.id })),
        FUSE_OPTIONS,
      );
    }
  }

  get size(): number {
    return this.points.length;
  }

  get vocabulary(): Vocabulary {
    return this.vocab;
  }

  search(query: string, options: SearchOptions): SearchResult {
    const qwords = this.queryWords(query);
    if (qwords.length === 0) return { hits: [], complete: false, suggestions: [] };
    const folded = qwords.map((w) => w.norm).join(' ');
    const inScope = (p: Point) => !options.document || p.doc === options.document;

    const candidates = this.fuse
      ? this.fuse.search(folded).map((r) => ({ id: r.item.id, fuse: 1 - (r.score ?? 1) }))
      : this.candidateSearch(qwords, inScope);

    const scored: SearchHit[] = [];
    for (const c of candidates) {
      const point = this.points[c.id]!;
      if (!inScope(point)) continue;
      const hit = scorePoint(point, qwords, c.fuse);
      if (hit) scored.push(hit);
    }
    scored.sort(compareHits);
    const hits = collapse(scored, (p) => this.paragraphOf[p.id]!, options.limit);
    const complete = hits.length > 0 && hits[0]!.coverage >= 0.999;
    const suggestions = complete ? [] : this.suggest(qwords);
    return { hits, complete, suggestions };
  }

  complete(prefix: string, limit: number): string[] {
    const w = words(prefix);
    const last = w[w.length - 1];
    if (!last) return [];
    return this.vocab.withPrefix(last, limit);
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
      const idf = this.vocab.size > 0 ? this.vocab.idf(t.norm) : 1;
      out.push({ norm: t.norm, weight: Math.max(0.5, Math.min(idf, 8)), prefix: typing && i === tokens.length - 1 });
    });
    return out.slice(0, 32);
  }

  /**
   * Large libraries: gather sentences that contain any expansion of any query
   * word from the postings, keep the best few hundred by weighted word
   * coverage, and let fuse.js score those (plus their paragraphs) in detail.
   */
  private candidateSearch(qwords: QueryWord[], inScope: (p: Point) => boolean): { id: number; fuse: number }[] {
    const acc = new Map<number, number>();
    for (const q of qwords) {
      if (q.weight < 0.1) continue;
      const best = new Map<number, number>();
      for (const [term, quality] of this.vocab.expand(q.norm, q.prefix)) {
        for (const id of this.vocab.posting(term)) {
          if ((best.get(id) ?? 0) < quality) best.set(id, quality);
        }
      }
      for (const [id, quality] of best) acc.set(id, (acc.get(id) ?? 0) + quality * q.weight);
    }
    const top = [...acc.entries()]
      .filter(([id]) => inScope(this.points[id]!))
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, CANDIDATES);
    const ids = new Set<number>();
    for (const [id] of top) {
      ids.add(id);
      ids.add(this.paragraphOf[id]!);
    }
    const records = [...ids].map((id) => ({ n: fold(this.points[id]!.text), id }));
    const fuse = new Fuse(records, FUSE_OPTIONS);
    const folded = qwords.map((w) => w.norm).join(' ');
    return fuse.search(folded).map((r) => ({ id: r.item.id, fuse: 1 - (r.score ?? 1) }));
  }

  /** "Did you mean": each query word replaced by its nearest library word, with how many sentences have them all. */
  private suggest(qwords: QueryWord[]): Suggestion[] {
    const content = qwords.filter((q) => q.weight >= 0.1);
    if (content.length === 0) return [];
    const replaced = content.map((q) => (this.vocab.frequency(q.norm) > 0 ? q.norm : this.vocab.nearest(q.norm)));
    const suggestions: Suggestion[] = [];
    const known = replaced.filter((w): w is string => w !== undefined);
    if (known.length > 0) {
      const count = intersectCount(known.map((w) => this.vocab.posting(w)));
      const text = known.join(' ');
      if (count > 0 && text !== content.map((q) => q.norm).join(' ')) suggestions.push({ text, count });
    }
    // Single words the library does have, most useful first.
    for (const w of known) {
      if (suggestions.some((s) => s.text === w)) continue;
      suggestions.push({ text: w, count: this.vocab.frequency(w) });
    }
    return suggestions.filter((s) => s.count > 0).slice(0, 5);
  }
}

function scorePoint(point: Point, qwords: QueryWord[], fuseScore: number): SearchHit | null {
  const tokens = tokenize(point.text);
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
  const lengthPrior = point.text.length <= IDEAL_LENGTH ? 1 : IDEAL_LENGTH / point.text.length;
  const coverage = covered / total;
  const score = 0.6 * (quality / total) + 0.15 * phrase + 0.15 * fuseScore + 0.1 * lengthPrior;
  return { point, score, coverage, highlights: mergeRanges(highlights) };
}

/** Whole-query matches first; within a band, the better score; then library order for stability. */
function compareHits(a: SearchHit, b: SearchHit): number {
  const band = (h: SearchHit) => Math.round(h.coverage * 20);
  return band(b) - band(a) || b.score - a.score || a.point.id - b.point.id;
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

function intersectCount(lists: readonly (readonly number[])[]): number {
  if (lists.length === 0) return 0;
  const [first, ...rest] = [...lists].sort((a, b) => a.length - b.length);
  const sets = rest.map((l) => new Set(l));
  let n = 0;
  for (const id of first!) if (sets.every((s) => s.has(id))) n++;
  return n;
}
