import type { Library } from '../library.js';
import type { Point, Range } from '../types.js';
import { blockQuote, code, plainText, subtext } from './markdown.js';

/** Where a passage comes from: "Title · ¶3 · `slug#p3.s2`". */
export function attribution(library: Library, point: Point, { title = true } = {}): string {
  const doc = library.doc(point.doc);
  const parts = [];
  if (title && doc) parts.push(plainText(doc.meta.title));
  parts.push(`¶${point.paragraph}`);
  parts.push(code(point.citation));
  return subtext(parts.join(' · '));
}

/** A verbatim passage with its citation underneath. */
export function passage(
  library: Library,
  point: Point,
  options: { highlights?: readonly Range[]; maxChars?: number; title?: boolean } = {},
): string {
  return `${blockQuote(point.text, options)}\n${attribution(library, point, options)}`;
}

/** "1 document", "3 points". */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : pluralWord}`;
}
