import { words } from '../text/normalize.js';
import type { Point } from '../types.js';
import { allowedEdits } from './fuzzy.js';
import { lightStem } from '../text/stem.js';
import type { Pacer } from './pace.js';

/**
 * The plain, transferable part of a segment: typed arrays and one string
 * list, so it can be written to disk or handed over from a worker thread
 * without rebuilding anything.
 */
export interface SegmentData {
  /** Sorted folded words. */
  terms: string[];
  /** Per term: its sentences (local indices, ascending) are postings[postStart[t] .. postStart[t + 1]). */
  postStart: Int32Array;
  postings: Int32Array;
  /** Per sentence: its words as term ids, in reading order, at tokens[tokStart[s] .. tokStart[s + 1]). */
  tokStart: Int32Array;
  tokens: Int32Array;
  /** Per sentence: its point id, its paragraph's point id, its document's ordinal in the store. */
  sentenceIds: Int32Array;
  sentencePara: Int32Array;
  sentenceDoc: Int32Array;
  /** The typo index, sorted: hash(deletion key) * 2^21 + term id for every one-deletion key of every term. */
  deletes: Float64Array;
}

/**
 * Every SegmentData is made here, so a base segment loaded from a snapshot
 * and delta segments built in this thread share one object shape and the
 * search code compiled for one is not deoptimised by the other.
 */
export function segmentData(terms: string[], a: Omit<SegmentData, 'terms'>): SegmentData {
  return {
    terms,
    postStart: a.postStart,
    postings: a.postings,
    tokStart: a.tokStart,
    tokens: a.tokens,
    sentenceIds: a.sentenceIds,
    sentencePara: a.sentencePara,
    sentenceDoc: a.sentenceDoc,
    deletes: a.deletes,
  };
}

const TERM_BITS = 2 ** 21;

/**
 * One immutable slice of the index: a term dictionary with postings, each
 * sentence's words as term ids (so re-ranking never re-tokenises), and a
 * one-deletion typo index (SymSpell) over its terms. A large library is a big
 * base segment plus a small delta segment for documents added since.
 */
export class Segment {
  private stemsIndex: StemIndex | null = null;

  constructor(readonly data: SegmentData) {
  }

  static build(points: readonly Point[], docOrdinal: (slug: string) => number): Segment {
    const ids: number[] = [];
    const paras: number[] = [];
    const docs: number[] = [];
    const tokStart: number[] = [0];
    const raw: number[] = [];
    const temp = new Map<string, number>();
    const tempTerms: string[] = [];
    let para: Point | undefined;
    let lastDoc = '';
    let ordinal = -1;
    for (const p of points) {
      if (p.kind === 'paragraph') {
        para = p;
        continue;
      }
      if (p.doc !== lastDoc) {
        lastDoc = p.doc;
        ordinal = docOrdinal(p.doc);
      }
      ids.push(p.id);
      paras.push(para && para.doc === p.doc && para.paragraph === p.paragraph ? para.id : p.id);
      docs.push(ordinal);
      for (const w of words(p.text)) {
        let t = temp.get(w);
        if (t === undefined) {
          t = tempTerms.length;
          temp.set(w, t);
          tempTerms.push(w);
        }
        raw.push(t);
      }
      tokStart.push(raw.length);
    }
    // Sorted term ids make prefix completion a binary search.
    const order = tempTerms.map((_, i) => i).sort((a, b) => (tempTerms[a]! < tempTerms[b]! ? -1 : 1));
    const remap = new Int32Array(tempTerms.length);
    order.forEach((old, i) => (remap[old] = i));
    const terms = order.map((i) => tempTerms[i]!);
    const tokens = Int32Array.from(raw, (t) => remap[t]!);
    const n = ids.length;
    const counts = new Int32Array(terms.length + 1);
    const seen = new Int32Array(terms.length).fill(-1);
    for (let s = 0; s < n; s++) {
      for (let k = tokStart[s]!; k < tokStart[s + 1]!; k++) {
        const t = tokens[k]!;
        if (seen[t] !== s) {
          seen[t] = s;
          counts[t + 1]!++;
        }
      }
    }
    const postStart = new Int32Array(terms.length + 1);
    for (let t = 0; t < terms.length; t++) postStart[t + 1] = postStart[t]! + counts[t + 1]!;
    const fill = postStart.slice(0, terms.length);
    const postings = new Int32Array(postStart[terms.length]!);
    seen.fill(-1);
    for (let s = 0; s < n; s++) {
      for (let k = tokStart[s]!; k < tokStart[s + 1]!; k++) {
        const t = tokens[k]!;
        if (seen[t] !== s) {
          seen[t] = s;
          postings[fill[t]!++] = s;
        }
      }
    }
    return new Segment(
      segmentData(terms, {
        postStart,
        postings,
        tokStart: Int32Array.from(tokStart),
        tokens,
        sentenceIds: Int32Array.from(ids),
        sentencePara: Int32Array.from(paras),
        sentenceDoc: Int32Array.from(docs),
        deletes: deletionIndex(terms),
      }),
    );
  }

  get sentences(): number {
    return this.data.sentenceIds.length;
  }

  /**
   * This segment with its point ids moved up by `ids` and its document
   * ordinals by `ordinals`: a segment built elsewhere (a worker) over points
   * and documents numbered from 0 takes its place after an index's own.
   * Only the three per-sentence arrays are copied; terms, postings and the
   * typo index are shared.
   */
  relocated(ids: number, ordinals: number): Segment {
    const shift = (from: Int32Array, by: number) => {
      const out = new Int32Array(from.length);
      for (let i = 0; i < from.length; i++) out[i] = from[i]! + by;
      return out;
    };
    const d = this.data;
    return new Segment(segmentData(d.terms, { ...d, sentenceIds: shift(d.sentenceIds, ids), sentencePara: shift(d.sentencePara, ids), sentenceDoc: shift(d.sentenceDoc, ordinals) }));
  }

  df(term: string): number {
    const t = this.termId(term);
    return t < 0 ? 0 : this.data.postStart[t + 1]! - this.data.postStart[t]!;
  }

  /** The term's id, or -1. A binary search of the sorted terms: no map to build when a snapshot loads. */
  termId(term: string): number {
    const terms = this.data.terms;
    const at = lowerBound(terms, term, 0, terms.length);
    return at < terms.length && terms[at] === term ? at : -1;
  }

  dfOf(t: number): number {
    return this.data.postStart[t + 1]! - this.data.postStart[t]!;
  }

  /** Terms within one deletion of `key`'s deletion neighbourhood (candidates for a typo match). */
  deletes(key: string): number[] {
    // Hash collisions only add candidates; callers check the real distance.
    const index = this.data.deletes;
    const from = hashKey(key) * TERM_BITS;
    const lo = lowerBound(index, from, 0, index.length);
    const out: number[] = [];
    for (let i = lo; i < index.length && index[i]! < from + TERM_BITS; i++) out.push(index[i]! - from);
    return out;
  }

  /** Terms with the same light stem (plural/possessive family). */
  family(s: string): Iterable<number> {
    if (!this.stemsIndex) {
      const index = new StemIndex();
      this.data.terms.forEach((term, t) => index.add(lightStem(term), t));
      this.stemsIndex = index.seal();
    }
    return this.stemsIndex.get(s);
  }

  /** Builds the stem index a slice at a time, yielding in between, so a large segment's costs no long pause. */
  async warm(pace: Pacer): Promise<void> {
    if (this.stemsIndex) return;
    const index = new StemIndex();
    const terms = this.data.terms;
    for (let t = 0; t < terms.length; t++) {
      index.add(lightStem(terms[t]!), t);
      if (t % 1000 === 999 && pace.due()) await pace.pause();
    }
    this.stemsIndex ??= index.seal();
  }

  /** Term ids whose text starts with `prefix` (a contiguous range of the sorted terms). */
  prefixRange(prefix: string): [number, number] {
    const terms = this.data.terms;
    const lo = lowerBound(terms, prefix, 0, terms.length);
    let end = lo;
    while (end < terms.length && terms[end]!.startsWith(prefix)) end++;
    return [lo, end];
  }
}

const NO_TERMS: readonly number[] = [];

/**
 * Light stem → the term ids that have it. Most stems belong to one term, so
 * the map holds that id itself; a stem several terms share holds ~g, group g
 * of `members`. One map and two typed arrays rather than an array per stem:
 * every server's delta segment held some three thousand small arrays, each one
 * more object for each major garbage collection to mark.
 */
class StemIndex {
  private readonly ids = new Map<string, number>();
  private groups: number[][] = [];
  private starts = new Int32Array(1);
  private members = new Int32Array(0);

  add(stem: string, term: number): void {
    const known = this.ids.get(stem);
    if (known === undefined) this.ids.set(stem, term);
    else if (known >= 0) this.ids.set(stem, ~(this.groups.push([known, term]) - 1));
    else this.groups[~known]!.push(term);
  }

  /** Packs the groups into typed arrays; no more `add` after. */
  seal(): this {
    const starts = new Int32Array(this.groups.length + 1);
    this.groups.forEach((g, i) => (starts[i + 1] = starts[i]! + g.length));
    const members = new Int32Array(starts[this.groups.length]!);
    this.groups.forEach((g, i) => members.set(g, starts[i]!));
    this.starts = starts;
    this.members = members;
    this.groups = [];
    return this;
  }

  get(stem: string): Iterable<number> {
    const found = this.ids.get(stem);
    if (found === undefined) return NO_TERMS;
    return found >= 0 ? [found] : this.members.subarray(this.starts[~found]!, this.starts[~found + 1]!);
  }
}

/** The word and every string one deletion away: two words within one edit share a key. */
export function deletions(word: string): Set<string> {
  const keys = new Set<string>([word]);
  for (let i = 0; i < word.length; i++) keys.add(word.slice(0, i) + word.slice(i + 1));
  return keys;
}

function deletionIndex(terms: readonly string[]): Float64Array {
  const keys: number[] = [];
  terms.forEach((term, t) => {
    if (allowedEdits(term.length + 1) === 0) return;
    for (const k of deletions(term)) keys.push(hashKey(k) * TERM_BITS + t);
  });
  return Float64Array.from(keys).sort();
}

/** FNV-1a, 31 bits so the packed key stays an exact double. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}

/** First index in the sorted run sorted[from, to) whose value is not below `value`. */
export function lowerBound<T extends number | string>(sorted: ArrayLike<T>, value: T, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
