import { STOPWORDS, words } from '../text/normalize.js';
import { lightStem } from '../text/stem.js';

const cache = new WeakMap<object, readonly string[]>();

/** True when `contentTerms` keeps this folded word, given its light stem. */
export function isContentTerm(word: string, stem: string): boolean {
  return !STOPWORDS.has(word) && stem.length >= 2 && !STOPWORDS.has(stem) && !/^\d{1,2}$/.test(stem);
}

/**
 * Content terms of a text: folded words that are not stopwords, with light
 * stemming. Pure numbers under three digits are dropped (list markers, counts) but
 * years and figures stay, as they often carry the news.
 */
export function contentTerms(text: string): string[] {
  const out: string[] = [];
  for (const raw of words(text)) {
    const w = lightStem(raw);
    if (isContentTerm(raw, w)) out.push(w);
  }
  return out;
}

/** Records terms already computed elsewhere (the topic index tokenises every sentence anyway). */
export function primeTerms(point: { text: string }, terms: readonly string[]): void {
  cache.set(point, terms);
}

/** `contentTerms(point.text)`, memoised per object so topics and summaries share the work. */
export function termsOf(point: { text: string }): readonly string[] {
  let terms = cache.get(point);
  if (!terms) {
    terms = contentTerms(point.text);
    cache.set(point, terms);
  }
  return terms;
}
