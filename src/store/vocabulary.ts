import { allowedEdits, boundedDistance, stem } from './fuzzy.js';

/**
 * The library's word list with postings (which sentences use each word) and a
 * one-deletion index (SymSpell) so typo'd words find their neighbours without
 * scanning the whole vocabulary. It serves the candidate stage of large
 * libraries, query-word weights (IDF) and "did you mean" suggestions.
 */
export class Vocabulary {
  private readonly postings = new Map<string, number[]>();
  private readonly deletes = new Map<string, string[]>();
  private readonly stems = new Map<string, string[]>();
  private sorted: string[] | null = null;
  private docCount = 0;

  /** Record that sentence `id` contains these (folded) words. Ids must be added in increasing order. */
  add(id: number, words: Iterable<string>): void {
    this.docCount++;
    for (const word of new Set(words)) {
      let list = this.postings.get(word);
      if (!list) {
        list = [];
        this.postings.set(word, list);
        this.indexTerm(word);
      }
      list.push(id);
    }
  }

  get size(): number {
    return this.postings.size;
  }

  /** Sentences containing the word exactly (empty when none). */
  posting(word: string): readonly number[] {
    return this.postings.get(word) ?? [];
  }

  frequency(word: string): number {
    return this.postings.get(word)?.length ?? 0;
  }

  /** Smoothed inverse document frequency; unknown words weigh the most. */
  idf(word: string): number {
    const df = this.frequency(word);
    return Math.log(1 + (this.docCount - df + 0.5) / (df + 0.5));
  }

  /**
   * Library words a query word may stand for: itself, its plural/possessive
   * family, words one or two typos away, and (for the word being typed)
   * completions. Each comes with a match quality in 0..1.
   */
  expand(word: string, allowPrefix: boolean, maxPrefix = 30): Map<string, number> {
    const out = new Map<string, number>();
    const put = (term: string, q: number) => {
      if ((out.get(term) ?? 0) < q) out.set(term, q);
    };
    if (this.postings.has(word)) put(word, 1);
    for (const t of this.stems.get(stem(word)) ?? []) put(t, 0.95);
    const max = allowedEdits(word.length);
    if (max > 0) {
      const seen = new Set<string>();
      for (const key of deletions(word)) {
        for (const term of this.deletes.get(key) ?? []) {
          if (seen.has(term)) continue;
          seen.add(term);
          const d = boundedDistance(word, term, max);
          if (d <= max) put(term, 0.85 - 0.1 * d);
        }
      }
    }
    if (allowPrefix && word.length >= 3) {
      for (const term of this.withPrefix(word, maxPrefix)) put(term, 0.8);
    }
    return out;
  }

  /** Words starting with `prefix`, most frequent first. */
  withPrefix(prefix: string, limit: number): string[] {
    const sorted = (this.sorted ??= [...this.postings.keys()].sort());
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: string[] = [];
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(prefix); i++) found.push(sorted[i]!);
    return found.sort((a, b) => this.frequency(b) - this.frequency(a)).slice(0, limit);
  }

  /**
   * The nearest library word to a word the library lacks, or undefined. Only
   * used on misses, so it may look further than the typo index: a scan of
   * words of similar length, up to a third of the word's letters different.
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
    for (const term of this.postings.keys()) {
      if (Math.abs(term.length - word.length) > max) continue;
      const d = boundedDistance(word, term, Math.min(max, bestDistance));
      if (d < bestDistance || (d === bestDistance && best !== undefined && this.frequency(term) > this.frequency(best))) {
        if (d <= max) {
          best = term;
          bestDistance = d;
        }
      }
    }
    return best;
  }

  private indexTerm(term: string): void {
    this.sorted = null;
    const s = stem(term);
    const family = this.stems.get(s);
    if (family) family.push(term);
    else this.stems.set(s, [term]);
    if (allowedEdits(term.length + 1) === 0) return;
    for (const key of deletions(term)) {
      const list = this.deletes.get(key);
      if (list) list.push(term);
      else this.deletes.set(key, [term]);
    }
  }
}

/** The word and every string one deletion away: two words within one edit share a key. */
function deletions(word: string): Set<string> {
  const keys = new Set<string>([word]);
  for (let i = 0; i < word.length; i++) keys.add(word.slice(0, i) + word.slice(i + 1));
  return keys;
}
