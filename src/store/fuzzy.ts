/**
 * Word-level fuzzy matching shared by ranking, highlighting and suggestions.
 * Typos are measured with optimal-string-alignment (Damerau) distance so a
 * swapped pair of letters counts as one typo, as people make them.
 */
import { inflections } from '../text/inflect.js';
import { lightStem } from '../text/stem.js';

/** Match quality of another inflection of the query word ("wanted" for "want"): below a plural, above a typo. */
export const INFLECTION = 0.9;

/** Edits tolerated for a query word of this length: short words must be exact. */
export function allowedEdits(length: number): number {
  if (length <= 3) return 0;
  if (length <= 7) return 1;
  return 2;
}

/** OSA distance, giving up (returning max + 1) as soon as it must exceed `max`. */
export function boundedDistance(a: string, b: string, max: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/**
 * How well a document word answers a query word: 1 exact, less for a typo or a
 * completed prefix, 0 for no match. `allowPrefix` is for the word being typed.
 */
export function wordMatch(query: string, word: string, allowPrefix: boolean): number {
  if (query === word) return 1;
  // Possessives and plurals are the same word for an analyst ("Russia's", "exports").
  if (lightStem(query) === lightStem(word)) return 0.95;
  if (inflections(query).has(word)) return INFLECTION;
  if (allowPrefix && query.length >= 3 && word.startsWith(query)) return 0.8;
  const max = allowedEdits(query.length);
  if (max === 0) return 0;
  const d = boundedDistance(query, word, max);
  return d <= max ? 0.85 - 0.1 * d : 0;
}

/** Passages at most this many characters long are ranked as quotable; longer ones are slightly penalised. */
const IDEAL_LENGTH = 320;

/** 1 for a passage short enough to quote whole, falling off in proportion beyond that. */
export function quotableLength(length: number): number {
  return length <= IDEAL_LENGTH ? 1 : IDEAL_LENGTH / length;
}
