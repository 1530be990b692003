import { allowedEdits, boundedDistance } from './fuzzy.js';
import { INFLECTION } from './fuzzy.js';
import { inflections } from '../text/inflect.js';
import { lightStem } from '../text/stem.js';
import { deletions, type Segment } from './segment.js';

/**
 * The library's vocabulary seen across all segments at once, with the
 * sentences of removed documents subtracted, so word weights (IDF), typo
 * expansions and completions are exactly what a full rebuild would give.
 */
export class Lexicon {
  constructor(
    private readonly segments: readonly Segment[],
    /** Per term: sentences of removed documents that still sit in some segment's postings. */
    private readonly removedDf: ReadonlyMap<string, number>,
    /** Live sentences. */
    readonly docCount: number,
  ) {}

  /** Terms across segments (a word in two segments counts twice: callers only ask whether there are any). */
  get size(): number {
    let n = 0;
    for (const s of this.segments) n += s.data.terms.length;
    return n;
  }

  frequency(term: string): number {
    let n = 0;
    for (const s of this.segments) n += s.df(term);
    return n - (this.removedDf.get(term) ?? 0);
  }

  /** Smoothed inverse document frequency; unknown words weigh the most. */
  idf(word: string): number {
    const df = this.frequency(word);
    return Math.log(1 + (this.docCount - df + 0.5) / (df + 0.5));
  }

  /**
   * Library words a query word may stand for, each with a match quality in
   * 0..1: itself, its plural/possessive family, its other inflections
   * ("wanted" for "want"), words one or two typos away,
   * and (for the word being typed) the most frequent completions.
   */
  expand(word: string, allowPrefix: boolean, maxPrefix = 30): Map<string, number> {
    const out = new Map<string, number>();
    const put = (term: string, q: number) => {
      if ((out.get(term) ?? 0) < q && this.frequency(term) > 0) out.set(term, q);
    };
    put(word, 1);
    const s = lightStem(word);
    for (const seg of this.segments) for (const t of seg.family(s)) put(seg.data.terms[t]!, 0.95);
    for (const form of inflections(word)) put(form, INFLECTION);
    const max = allowedEdits(word.length);
    if (max > 0) {
      const seen = new Set<string>();
      for (const key of deletions(word)) {
        for (const seg of this.segments) {
          for (const t of seg.deletes(key)) {
            const term = seg.data.terms[t]!;
            if (seen.has(term)) continue;
            seen.add(term);
            const d = boundedDistance(word, term, max);
            if (d <= max) put(term, 0.85 - 0.1 * d);
          }
        }
      }
    }
    if (allowPrefix && word.length >= 3) {
      for (const term of this.withPrefix(word, maxPrefix)) put(term, 0.8);
    }
    return out;
  }

  /** Words starting with `prefix`, most frequent first (alphabetical among equals). */
  withPrefix(prefix: string, limit: number): string[] {
    if (limit <= 0) return [];
    const found = new Map<string, number>();
    for (const seg of this.segments) {
      const [lo, hi] = seg.prefixRange(prefix);
      for (let t = lo; t < hi; t++) {
        const term = seg.data.terms[t]!;
        found.set(term, (found.get(term) ?? 0) + seg.dfOf(t));
      }
    }
    // A bounded insertion list: a short prefix can match thousands of words.
    const top: [string, number][] = [];
    for (const [term, raw] of found) {
      const df = raw - (this.removedDf.get(term) ?? 0);
      if (df <= 0) continue;
      if (top.length === limit && !better(term, df, top[limit - 1]!)) continue;
      let i = top.length === limit ? limit - 1 : top.length;
      if (top.length < limit) top.push([term, df]);
      while (i > 0 && better(term, df, top[i - 1]!)) {
        top[i] = top[i - 1]!;
        i--;
      }
      top[i] = [term, df];
    }
    return top.map(([t]) => t);
  }

  /**
   * The nearest library word to a word the library lacks, or undefined. Only
   * used on misses, so it may look further than the typo index: words of
   * similar length and the same first letter, up to a third of the letters different.
   */
  nearest(word: string): string | undefined {
    let best: string | undefined;
    let bestScore = 0;
    for (const [term, q] of this.expand(word, false)) {
      const score = q * 1000 + Math.log1p(this.frequency(term));
      if (score > bestScore) {
        best = term;
        bestScore = score;
      }
    }
    if (best) return best;
    const max = Math.max(1, Math.floor(word.length / 3));
    let bestDistance = max + 1;
    let bestFreq = 0;
    for (const seg of this.segments) {
      // Words with the same first letter only: people rarely get that one wrong, and it keeps a miss cheap.
      const [from, to] = seg.prefixRange(word.slice(0, 1));
      for (let t = from; t < to; t++) {
        const term = seg.data.terms[t]!;
        if (Math.abs(term.length - word.length) > max) continue;
        const d = boundedDistance(word, term, Math.min(max, bestDistance));
        if (d > max || d > bestDistance) continue;
        const f = this.frequency(term);
        if (f <= 0) continue;
        if (d < bestDistance || f > bestFreq || (f === bestFreq && best !== undefined && term < best)) {
          best = term;
          bestDistance = d;
          bestFreq = f;
        }
      }
    }
    return best;
  }
}

function better(term: string, df: number, than: [string, number]): boolean {
  return df > than[1] || (df === than[1] && term < than[0]);
}
