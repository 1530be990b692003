import type { Point } from '../types.js';
import { Lexicon } from './lexicon.js';
import { lowerBound, Segment } from './segment.js';
import { quotableLength } from './fuzzy.js';
import type { Pacer } from './pace.js';
import { PointList } from './point-list.js';

/** Sentences kept from the candidate stage for detailed scoring (each with its paragraph). */
const CANDIDATES = 200;
/** Sentences scored in detail before the final cut (word coverage alone ties across thousands). */
const SCORED = 500;
/** Words of one passage scored in detail: a long paragraph's own sentences cover the rest of it (see PASSAGE_SCAN_CHARS). */
const SCORED_TOKENS = 512;
/** Delta segments merged into one beyond this many. */
const MAX_DELTAS = 6;
/** A query word matching more sentences than this share of the library (or this many) is "common". */
const COMMON_SHARE = 0.02;
const COMMON_MIN = 2000;

export interface IndexWord {
  norm: string;
  weight: number;
  prefix: boolean;
}

export interface Scored {
  id: number;
  score: number;
  coverage: number;
}

interface Located {
  seg: number;
  first: number;
  end: number;
}

/**
 * Where every point sits in the segments: derived from them, never stored.
 * Point ids `from` and up are laid out here; lower ones by `parent`, the
 * layout of the index this one was derived from by additions. A derived
 * index (a new document, a server's view of the shared library) then costs
 * the size of what it added, not of the whole library.
 */
class Layout {
  constructor(
    /** Per point id − from: the paragraph point it belongs to (itself for paragraphs). */
    private readonly paragraphOf: Int32Array,
    /** Per paragraph id − from: where its sentences sit (segment, local range). */
    private readonly paraSeg: Int16Array,
    private readonly paraFirst: Int32Array,
    private readonly paraEnd: Int32Array,
    /** Per segment: each document ordinal's sentence range. */
    readonly docRanges: readonly Map<number, [number, number]>[],
    /** Live sentences. */
    readonly live: number,
    private readonly from = 0,
    private readonly parent?: Layout,
  ) {}

  /** Layers above a flat layout: bounded, since merging deltas lays everything out afresh. */
  get depth(): number {
    return this.parent ? this.parent.depth + 1 : 0;
  }

  paragraphIdOf(id: number): number {
    return id < this.from ? this.parent!.paragraphIdOf(id) : this.paragraphOf[id - this.from]!;
  }

  locate(para: number): Located | undefined {
    if (para < this.from) return this.parent!.locate(para);
    const seg = this.paraSeg[para - this.from]!;
    return seg < 0 ? undefined : { seg, first: this.paraFirst[para - this.from]!, end: this.paraEnd[para - this.from]! };
  }

  /** This layout plus `segment` (index `si`), which holds only points from `from` to `n` − 1 (its live count still to be set). */
  extend(n: number, from: number, si: number, segment: Segment): Layout {
    const tail = finish(layOut(n, [segment], new Set(), from, si));
    return new Layout(tail.paragraphOf, tail.paraSeg, tail.paraFirst, tail.paraEnd, [...this.docRanges, ...tail.docRanges], 0, from, this);
  }

  withLive(live: number): Layout {
    return new Layout(this.paragraphOf, this.paraSeg, this.paraFirst, this.paraEnd, this.docRanges, live, this.from, this.parent);
  }
}

/** Sentences in the segments less those of removed documents. */
function liveSentences(segments: readonly Segment[], docRanges: readonly Map<number, [number, number]>[], removed: ReadonlySet<number>): number {
  let live = segments.reduce((n, seg) => n + seg.sentences, 0);
  for (const ord of removed) {
    for (const ranges of docRanges) {
      const r = ranges.get(ord);
      if (r) live -= r[1] - r[0];
    }
  }
  return live;
}

/**
 * Lays out point ids `from`…`n` − 1 over `segments` (numbered from `firstSeg`),
 * yielding every few thousand sentences so a caller may pause between steps.
 */
function* layOut(n: number, segments: readonly Segment[], removed: ReadonlySet<number>, from = 0, firstSeg = 0): Generator<void, Layout> {
  const paragraphOf = new Int32Array(n - from);
  for (let i = 0; i < n - from; i++) paragraphOf[i] = from + i;
  const paraSeg = new Int16Array(n - from).fill(-1);
  const paraFirst = new Int32Array(n - from);
  const paraEnd = new Int32Array(n - from);
  const docRanges: Map<number, [number, number]>[] = [];
  let live = 0;
  for (let k = 0; k < segments.length; k++) {
    const si = firstSeg + k;
    const { sentenceIds, sentencePara, sentenceDoc } = segments[k]!.data;
    const ranges = new Map<number, [number, number]>();
    // A document's sentences are contiguous in a segment: track the current range rather than look it up per sentence.
    let range: [number, number] | undefined;
    let rangeDoc = -1;
    for (let s = 0; s < sentenceIds.length; s++) {
      if (s % 8192 === 8191) yield;
      const id = sentenceIds[s]! - from;
      const para = sentencePara[s]!;
      const p = para - from;
      paragraphOf[id] = para;
      if (paraSeg[p] !== si) {
        paraSeg[p] = si;
        paraFirst[p] = s;
      }
      paraEnd[p] = s + 1;
      const d = sentenceDoc[s]!;
      if (d !== rangeDoc) {
        rangeDoc = d;
        range = ranges.get(d);
        if (!range) ranges.set(d, (range = [s, s + 1]));
      }
      range![1] = s + 1;
      if (!removed.has(d)) live++;
    }
    docRanges.push(ranges);
  }
  return new Layout(paragraphOf, paraSeg, paraFirst, paraEnd, docRanges, live, from);
}

/** Layers a derived index's layout may stack before it is laid out afresh. */
const MAX_LAYOUT_DEPTH = 8;

/**
 * Per-segment scratch for the candidate stage. Searches run one at a time on
 * the event loop and every mark is stamped per query, so indexes sharing a
 * segment (the shared library and each server's view of it) share its scratch
 * rather than each allocating arrays the size of the library.
 */
const scratchBySegment = new WeakMap<Segment, Scratch>();

function scratchOf(seg: Segment): Scratch {
  let sc = scratchBySegment.get(seg);
  if (!sc) {
    sc = {
      acc: new Float64Array(seg.sentences),
      mark: new Int32Array(seg.sentences),
      seen: new Int32Array(seg.sentences),
      stamp: 0,
      termStamp: new Int32Array(seg.data.terms.length),
      termSlot: new Int32Array(seg.data.terms.length),
      touched: new Int32Array(seg.sentences),
    };
    scratchBySegment.set(seg, sc);
  }
  return sc;
}

type Pool = { seg: Int32Array; s: Int32Array; score: Float64Array; id: Int32Array; work: Float64Array };
/** The candidate pool, likewise one for all indexes, grown to the largest library searched. */
let sharedPool: Pool | undefined;

function poolFor(sentences: number): Pool {
  if (!sharedPool || sharedPool.seg.length < sentences) {
    sharedPool = { seg: new Int32Array(sentences), s: new Int32Array(sentences), score: new Float64Array(sentences), id: new Int32Array(sentences), work: new Float64Array(sentences) };
  }
  return sharedPool;
}

function finish<T>(steps: Generator<void, T>): T {
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * The index of a large library: a base segment plus small delta segments for
 * documents added since it was built, and a tombstone per removed document.
 * Adding a document builds only a segment for it, so it is searchable in
 * milliseconds whatever the library's size; deltas are merged as they pile up.
 */
export class SegmentedIndex {
  readonly lexicon: Lexicon;
  private readonly layout: Layout;
  private readonly sentenceTotal: number;

  constructor(
    /** Every point ever indexed here, by id (removed documents' points stay, tombstoned). */
    readonly points: PointList,
    readonly segments: readonly Segment[],
    /** Document slug per ordinal; an ordinal is one version of a document. */
    readonly docSlugs: readonly string[],
    readonly removed: ReadonlySet<number>,
    removedDf: ReadonlyMap<string, number> = new Map(),
    /** Computed beforehand in slices (see restore); computed here in one go otherwise. */
    layout: Layout = finish(layOut(points.length, segments, removed)),
  ) {
    this.layout = layout;
    this.lexicon = new Lexicon(segments, removedDf, layout.live);
    this.sentenceTotal = segments.reduce((n, seg) => n + seg.sentences, 0);
  }

  /** An index over segments loaded from a snapshot, its layout computed a slice at a time so the event loop keeps turning. */
  static async restore(points: PointList, segments: readonly Segment[], docSlugs: readonly string[], pace: Pacer): Promise<SegmentedIndex> {
    const steps = layOut(points.length, segments, new Set());
    let step = steps.next();
    while (!step.done) {
      if (pace.due()) await pace.pause();
      step = steps.next();
    }
    return new SegmentedIndex(points, segments, docSlugs, new Set(), new Map(), step.value);
  }

  static build(list: readonly Point[] | PointList): SegmentedIndex {
    const points = PointList.of(list);
    const slugs: string[] = [];
    const ordinals = new Map<string, number>();
    for (const p of points) {
      if (!ordinals.has(p.doc)) {
        ordinals.set(p.doc, slugs.length);
        slugs.push(p.doc);
      }
    }
    return new SegmentedIndex(points, [Segment.build(points.toArray(), (slug) => ordinals.get(slug)!)], slugs, new Set());
  }

  /**
   * A new index with documents removed (by slug) and points added. Added
   * points carry ids continuing this index's (`points.length` onwards). This
   * index is untouched.
   */
  withChanges(added: readonly Point[], removeSlugs: readonly string[], built?: Segment): SegmentedIndex {
    const slugs = [...this.docSlugs];
    const removed = new Set(this.removed);
    const gone = new Set(removeSlugs);
    slugs.forEach((slug, ord) => {
      if (gone.has(slug)) removed.add(ord);
    });
    const ordinals = new Map<string, number>();
    for (const p of added) {
      if (!ordinals.has(p.doc)) {
        ordinals.set(p.doc, slugs.length);
        slugs.push(p.doc);
      }
    }
    let segments = [...this.segments];
    // A segment built elsewhere over the same points numbers them, and their documents, from 0.
    if (added.length > 0) segments.push(built ? built.relocated(this.points.length, this.docSlugs.length) : Segment.build(added, (slug) => ordinals.get(slug)!));
    const points = this.points.concat(added);
    const merge = segments.length > 1 + MAX_DELTAS;
    if (merge) {
      // Merge the deltas, dropping removed documents' sentences for good.
      const deltaPoints: Point[] = [];
      const ords = new Map<string, number>();
      for (const seg of segments.slice(1)) {
        const { sentenceIds, sentencePara, sentenceDoc } = seg.data;
        let lastPara = -1;
        for (let s = 0; s < sentenceIds.length; s++) {
          const d = sentenceDoc[s]!;
          if (removed.has(d)) continue;
          const para = sentencePara[s]!;
          if (para !== lastPara && para !== sentenceIds[s]) deltaPoints.push(points.at(para)!);
          lastPara = para;
          deltaPoints.push(points.at(sentenceIds[s]!)!);
          ords.set(points.at(sentenceIds[s]!)!.doc, d);
        }
      }
      segments = [segments[0]!];
      if (deltaPoints.length > 0) segments.push(Segment.build(deltaPoints, (slug) => ords.get(slug)!));
    }
    // Unless the deltas were merged, this index's layout is this one's plus the added segment's.
    let layout: Layout;
    if (merge || this.layout.depth >= MAX_LAYOUT_DEPTH) layout = finish(layOut(points.length, segments, removed));
    else {
      const grown = added.length > 0 ? this.layout.extend(points.length, this.points.length, segments.length - 1, segments.at(-1)!) : this.layout;
      layout = grown.withLive(liveSentences(segments, grown.docRanges, removed));
    }
    const index = new SegmentedIndex(points, segments, slugs, removed, new Map(), layout);
    return new SegmentedIndex(points, segments, slugs, removed, index.removedFrequencies(), layout);
  }

  /**
   * Words the delta segments hold when one more addition would merge them
   * (0 otherwise): what that merge would re-index, in this thread.
   */
  get mergeWords(): number {
    if (this.segments.length + 1 <= 1 + MAX_DELTAS) return 0;
    return this.segments.slice(1).reduce((n, seg) => n + seg.data.tokens.length, 0);
  }

  /** Per term: how many sentences of removed documents contain it (they still sit in postings). */
  private removedFrequencies(): Map<string, number> {
    const out = new Map<string, number>();
    this.segments.forEach((seg, si) => {
      const { tokStart, tokens, terms } = seg.data;
      const seen = new Int32Array(terms.length).fill(-1);
      for (const ord of this.removed) {
        const r = this.layout.docRanges[si]!.get(ord);
        if (!r) continue;
        for (let s = r[0]; s < r[1]; s++) {
          for (let k = tokStart[s]!; k < tokStart[s + 1]!; k++) {
            const t = tokens[k]!;
            if (seen[t] === s) continue;
            seen[t] = s;
            const term = terms[t]!;
            out.set(term, (out.get(term) ?? 0) + 1);
          }
        }
      }
    });
    return out;
  }

  /**
   * Whether the point belongs to a document still in the library. A point no
   * segment holds was dropped when deltas were merged, which happens only to
   * removed documents: it is not live.
   */
  isLive(point: Point): boolean {
    if (this.removed.size === 0) return true;
    const loc = this.layout.locate(this.layout.paragraphIdOf(point.id));
    return loc !== undefined && !this.removed.has(this.segments[loc.seg]!.data.sentenceDoc[loc.first]!);
  }

  paragraphIdOf(id: number): number {
    return this.layout.paragraphIdOf(id);
  }

  /** How many live sentences contain every one of these words exactly (a word may be given as a list of forms, any of which will do). */
  countAll(terms: readonly (string | readonly string[])[]): number {
    let n = 0;
    for (const seg of this.segments) {
      const { postStart, postings, sentenceDoc } = seg.data;
      // Per word, the posting ranges of its forms (any one of them will do).
      const words: [number, number][][] = [];
      for (const term of terms) {
        const ranges: [number, number][] = [];
        for (const form of typeof term === 'string' ? [term] : term) {
          const t = seg.termId(form);
          if (t >= 0) ranges.push([postStart[t]!, postStart[t + 1]!]);
        }
        if (ranges.length === 0) break;
        words.push(ranges);
      }
      if (words.length < terms.length || words.length === 0) continue;
      const size = (ranges: [number, number][]) => ranges.reduce((sum, [a, b]) => sum + b - a, 0);
      words.sort((x, y) => size(x) - size(y));
      const seen = new Set<number>();
      for (const [lo, hi] of words[0]!) {
        for (let k = lo; k < hi; k++) {
          const s = postings[k]!;
          if (seen.has(s) || this.removed.has(sentenceDoc[s]!)) continue;
          seen.add(s);
          if (words.every((ranges, i) => i === 0 || ranges.some(([a, b]) => contains(postings, a, b, s)))) n++;
        }
      }
    }
    return n;
  }


  /**
   * Candidate stage, then detailed scoring: sentences holding any expansion
   * of any query word are summed by weighted match quality (typed arrays, no
   * per-sentence objects); the best few hundred and their paragraphs are then
   * scored on their stored word sequences for quality, phrase adjacency,
   * density and length.
   */
  search(qwords: readonly IndexWord[], scopeSlug?: string): Scored[] {
    const expansions = qwords.map((q) => [...this.lexicon.expand(q.norm, q.prefix && q.weight >= 0.1)].sort((a, b) => b[1] - a[1]));
    const scope = scopeSlug === undefined ? undefined : new Set(this.docSlugs.flatMap((s, ord) => (s === scopeSlug ? [ord] : [])));
    // Words whose matches fill a large share of the library only re-score
    // sentences that rarer query words found: they cannot pick candidates on
    // their own when a rarer word is there. Decided on library-wide counts so
    // every segment layout gives the same answer.
    const reach = expansions.map((exp) => exp.reduce((sum, [term]) => sum + this.lexicon.frequency(term), 0));
    const content = qwords.map((q, i) => i).filter((i) => qwords[i]!.weight >= 0.1);
    const common = new Set(content.filter((i) => reach[i]! > Math.max(COMMON_MIN, this.lexicon.docCount * COMMON_SHARE)));
    if (common.size === content.length) common.clear();
    const order = [...content.filter((i) => !common.has(i)), ...content.filter((i) => common.has(i))];

    // The pool lives in typed arrays sized to the library: a one-word query can touch most sentences.
    const pool = poolFor(this.sentenceTotal);
    let size = 0;
    const perSeg: Matcher[] = [];
    this.segments.forEach((seg, si) => {
      const { postStart, postings, sentenceDoc, sentenceIds } = seg.data;
      const sc = scratchOf(seg);
      const touched = sc.touched;
      let touchedCount = 0;
      sc.stamp++;
      const queryStamp = sc.stamp;
      const slots: number[][] = [];
      qwords.forEach((_q, qi) => {
        for (const [term, quality] of expansions[qi]!) {
          const t = seg.termId(term);
          if (t < 0) continue;
          if (sc.termStamp[t] !== queryStamp) {
            sc.termStamp[t] = queryStamp;
            sc.termSlot[t] = slots.length;
            slots.push([]);
          }
          slots[sc.termSlot[t]!]!.push(qi, quality);
        }
      });
      for (const qi of order) {
        const weight = qwords[qi]!.weight;
        const grow = !common.has(qi);
        sc.stamp++;
        const wordStamp = sc.stamp;
        // Best quality first, so a sentence's first sighting is its best match for this word.
        for (const [term, quality] of expansions[qi]!) {
          const t = seg.termId(term);
          if (t < 0) continue;
          const add = quality * weight;
          for (let k = postStart[t]!; k < postStart[t + 1]!; k++) {
            const s = postings[k]!;
            if (sc.mark[s] === wordStamp) continue;
            sc.mark[s] = wordStamp;
            if (sc.seen[s] !== queryStamp) {
              if (!grow) continue;
              sc.seen[s] = queryStamp;
              sc.acc[s] = 0;
              touched[touchedCount++] = s;
            }
            sc.acc[s]! += add;
          }
        }
      }
      sc.stamp++;
      const filter = this.removed.size > 0 || scope !== undefined;
      for (let k = 0; k < touchedCount; k++) {
        const s = touched[k]!;
        if (filter) {
          const d = sentenceDoc[s]!;
          if (this.removed.has(d) || (scope && !scope.has(d))) continue;
        }
        pool.seg[size] = si;
        pool.s[size] = s;
        pool.score[size] = sc.acc[s]!;
        pool.id[size] = sentenceIds[s]!;
        size++;
      }
      perSeg.push({ tokens: seg.data.tokens, termStamp: sc.termStamp, termSlot: sc.termSlot, stamp: queryStamp, slots });
    });

    // Two rounds: the best few thousand by word coverage are scored in
    // detail (phrase, density, length: it separates the many sentences that
    // share common words), then the best few hundred bring their paragraphs.
    const first = topK(pool.score, pool.id, size, SCORED, pool.work);
    const total = qwords.reduce((sum, q) => sum + q.weight, 0);
    const buf: ScoreBuffers = { best: new Float64Array(qwords.length), pos: new Int32Array(qwords.length), inWindow: new Int32Array(qwords.length), hitAt: new Int32Array(64), hitWord: new Int32Array(64) };
    const scored: (Scored & { seg: number })[] = [];
    for (const i of first) {
      const si = pool.seg[i]!;
      const s = pool.s[i]!;
      const id = pool.id[i]!;
      const { tokStart } = this.segments[si]!.data;
      const r = scoreTokens(perSeg[si]!, tokStart[s]!, Math.min(tokStart[s + 1]!, tokStart[s]! + SCORED_TOKENS), qwords, total, this.points.at(id)!.text.length, buf);
      if (r) scored.push({ id, seg: si, ...r });
    }
    scored.sort(bySignal);
    const out: Scored[] = [];
    const done = new Set<number>();
    for (const c of scored.slice(0, CANDIDATES)) {
      out.push({ id: c.id, score: c.score, coverage: c.coverage });
      const para = this.layout.paragraphIdOf(c.id);
      const loc = this.layout.locate(para);
      if (!loc || para === c.id || done.has(para)) continue;
      done.add(para);
      const { tokStart } = this.segments[loc.seg]!.data;
      const from = tokStart[loc.first]!;
      const r = scoreTokens(perSeg[loc.seg]!, from, Math.min(tokStart[loc.end]!, from + SCORED_TOKENS), qwords, total, this.points.at(para)!.text.length, buf);
      if (r) out.push({ id: para, ...r });
    }
    return out;
  }

}

interface Scratch {
  acc: Float64Array;
  mark: Int32Array;
  seen: Int32Array;
  stamp: number;
  termStamp: Int32Array;
  termSlot: Int32Array;
  touched: Int32Array;
}

/** Which query words (and how well) each term of one segment answers, for one query. */
interface Matcher {
  tokens: Int32Array;
  termStamp: Int32Array;
  termSlot: Int32Array;
  stamp: number;
  /** Per slot: query word index, quality, query word index, quality… */
  slots: number[][];
}

function bySignal(a: Scored, b: Scored): number {
  return Math.round(b.coverage * 20) - Math.round(a.coverage * 20) || b.score - a.score || a.id - b.id;
}

function scoreTokens(
  m: Matcher,
  from: number,
  to: number,
  qwords: readonly IndexWord[],
  total: number,
  length: number,
  buf: ScoreBuffers,
): { score: number; coverage: number } | null {
  const n = qwords.length;
  const { best, pos } = buf;
  best.fill(0);
  pos.fill(-1);
  let matched = 0;
  let hits = 0;
  for (let k = from; k < to; k++) {
    const t = m.tokens[k]!;
    if (m.termStamp[t] !== m.stamp) continue;
    matched++;
    const slot = m.slots[m.termSlot[t]!]!;
    for (let j = 0; j < slot.length; j += 2) {
      const qi = slot[j]!;
      const q = slot[j + 1]!;
      if (hits === buf.hitAt.length) grow(buf);
      buf.hitAt[hits] = k - from;
      buf.hitWord[hits++] = qi;
      if (q > best[qi]!) {
        best[qi] = q;
        pos[qi] = k - from;
      }
    }
  }
  let covered = 0;
  let quality = 0;
  for (let i = 0; i < n; i++) {
    if (best[i]! > 0) {
      covered += qwords[i]!.weight;
      quality += qwords[i]!.weight * best[i]!;
    }
  }
  if (covered === 0) return null;
  let adjacent = 0;
  for (let i = 1; i < n; i++) if (pos[i - 1]! >= 0 && pos[i] === pos[i - 1]! + 1) adjacent++;
  const phrase = n > 1 ? adjacent / (n - 1) : 0;
  // The words close together in any order (a half-remembered phrase, retyped
  // out of order): the shortest run of the passage holding every query word it
  // has, small words included, so "is president committed" finds "President
  // Biden is committed" ahead of "President Biden committed".
  let found = 0;
  for (let i = 0; i < n; i++) if (best[i]! > 0) found++;
  // Scaled by the share of query words present: a run missing one is not the phrase.
  const proximity = found > 1 ? ((found - 1) / (shortestWindow(buf, hits, found) - 1)) * (found / n) : 0;
  // Stands in for fuse.js's score: the share of the passage that is the query.
  const density = Math.min(1, matched / Math.max(n, (to - from) / 2));
  const lengthPrior = quotableLength(length);
  const score = 0.55 * (quality / total) + 0.1 * phrase + 0.15 * Math.min(1, proximity) + 0.1 * density + 0.1 * lengthPrior;
  return { score, coverage: covered / total };
}

interface ScoreBuffers {
  /** Per query word: its best match quality in the passage, and that match's token position. */
  best: Float64Array;
  pos: Int32Array;
  /** Per query word: its matches inside the current window (shortestWindow). */
  inWindow: Int32Array;
  /** Every match in reading order: token position and query word. */
  hitAt: Int32Array;
  hitWord: Int32Array;
}

function grow(buf: ScoreBuffers): void {
  const at = new Int32Array(buf.hitAt.length * 2);
  at.set(buf.hitAt);
  const word = new Int32Array(buf.hitWord.length * 2);
  word.set(buf.hitWord);
  buf.hitAt = at;
  buf.hitWord = word;
}

/** Tokens in the shortest run of the passage holding a match of each of the `found` query words it contains. */
function shortestWindow(buf: ScoreBuffers, hits: number, found: number): number {
  const { hitAt, hitWord, inWindow } = buf;
  inWindow.fill(0);
  let shortest = Infinity;
  let distinct = 0;
  let lo = 0;
  for (let hi = 0; hi < hits; hi++) {
    if (inWindow[hitWord[hi]!]!++ === 0) distinct++;
    while (distinct === found) {
      shortest = Math.min(shortest, hitAt[hi]! - hitAt[lo]! + 1);
      if (--inWindow[hitWord[lo]!]! === 0) distinct--;
      lo++;
    }
  }
  return shortest;
}

/** Indices of the k best of the first `size` entries by score (ties: lower id first), without sorting them all. */
function topK(scores: Float64Array, ids: Int32Array, size: number, k: number, work: Float64Array): number[] {
  const order = (a: number, b: number) => scores[b]! - scores[a]! || ids[a]! - ids[b]!;
  if (size <= k) return Array.from({ length: size }, (_, i) => i).sort(order);
  work.set(scores.subarray(0, size));
  const kth = select(work, size, k - 1);
  const above: number[] = [];
  const at: number[] = [];
  for (let i = 0; i < size; i++) {
    if (scores[i]! > kth) above.push(i);
    else if (scores[i] === kth) at.push(i);
  }
  // Many sentences can tie at the cut (a one-word query): only the lowest ids are needed.
  const need = k - above.length;
  if (at.length > need) {
    for (let i = 0; i < at.length; i++) work[i] = -ids[at[i]!]!;
    const last = -select(work, at.length, need - 1);
    return above.sort(order).concat(at.filter((i) => ids[i]! <= last).sort(order));
  }
  return above.sort(order).concat(at.sort(order));
}

/** The value of rank `k` in descending order (Hoare's selection, in place). */
function select(a: Float64Array, length: number, k: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

/** Binary search in the sorted run postings[from, to). */
function contains(postings: Int32Array, from: number, to: number, value: number): boolean {
  const at = lowerBound(postings, value, from, to);
  return at < to && postings[at] === value;
}
