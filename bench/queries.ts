/**
 * Known-item queries, generated reproducibly from a seed: a window of words
 * from a real sentence, asked three ways — exactly, with one typo in every
 * word of four letters or more, and reordered with the last word cut off as
 * if still being typed.
 */
import { isStopword, words } from '../src/text/normalize.js';
import { seededRandom } from '../src/random.js';
import type { Point } from '../src/types.js';

export type Variant = 'exact' | 'typo' | 'reordered';

export interface BenchQuery {
  variant: Variant;
  text: string;
  /** The sentence the words came from. */
  target: Point;
  /** The window's folded words: any passage containing them in a row is an equally right answer. */
  window: string[];
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** Content words (not function words, three letters or more) a window needs: what an analyst would type to find a passage. */
export const MIN_CONTENT = 3;

function typo(word: string, rand: () => number): string {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return word;
  // Never the first letter: people rarely get that wrong.
  const i = 1 + Math.floor(rand() * (word.length - 1));
  const letter = LETTERS[Math.floor(rand() * 26)]!;
  switch (Math.floor(rand() * 4)) {
    case 0:
      return word.slice(0, i) + (letter === word[i] ? LETTERS[(LETTERS.indexOf(letter) + 1) % 26] : letter) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + word.slice(i + 1);
    case 2:
      return word.slice(0, i) + letter + word.slice(i);
    default:
      return i < word.length - 1 ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : word.slice(0, i) + word.slice(i + 1);
  }
}

function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** `count` windows (so 3 × count queries) from the given sentences. */
export function generateQueries(points: readonly Point[], count: number, seed: number, windowSize = 4): BenchQuery[] {
  const rand = seededRandom(seed);
  const sentences = points.filter((p) => p.kind === 'sentence' && p.text.length >= 40);
  const out: BenchQuery[] = [];
  for (let attempts = 0; out.length < count * 3 && attempts < count * 50; attempts++) {
    const target = sentences[Math.floor(rand() * sentences.length)]!;
    const w = words(target.text).filter((x) => /\p{L}/u.test(x));
    if (w.length < windowSize + 2) continue;
    const start = Math.floor(rand() * (w.length - windowSize + 1));
    const window = w.slice(start, start + windowSize);
    if (window.filter((x) => !isStopword(x) && x.length >= 3).length < MIN_CONTENT) continue;
    const all = words(target.text);
    const at = all.findIndex((_, i) => window.every((x, k) => all[i + k] === x));
    if (at < 0) continue;
    let order = shuffled(window, rand);
    if (order.join(' ') === window.join(' ')) order = [...window].reverse();
    const last = order[order.length - 1]!;
    if (last.length > 3) order[order.length - 1] = last.slice(0, Math.max(3, Math.ceil(last.length * 0.6)));
    out.push({ variant: 'exact', text: window.join(' '), target, window });
    out.push({ variant: 'typo', text: window.map((x) => typo(x, rand)).join(' '), target, window });
    out.push({ variant: 'reordered', text: order.join(' '), target, window });
  }
  return out;
}

/** Whether a result answers the query: the sentence itself, its paragraph, or any passage with the same words in a row. */
export function isRelevant(query: BenchQuery, point: Point, paragraphOf: (p: Point) => string): boolean {
  if (point.citation === query.target.citation || paragraphOf(query.target) === point.citation) return true;
  const w = words(point.text);
  const first = query.window[0]!;
  for (let i = 0; i + query.window.length <= w.length; i++) {
    if (w[i] === first && query.window.every((x, k) => w[i + k] === x)) return true;
  }
  return false;
}
