/**
 * The one stemmer: search (plural and possessive families), topic keys and
 * summary terms all use it, so a word is the same word everywhere. Light on
 * purpose: possessives and regular plurals only. Anything stronger (Porter)
 * merges words analysts keep apart ("general"/"generous" → "gener"), and topic
 * keywords must stay recognisable words ("Texas", "gas", "always" keep their s).
 */
export function lightStem(word: string): string {
  let w = word;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  else if (w.endsWith("'")) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('ies') && !/[aeiou]ies$/.test(w)) return w.slice(0, -3) + 'y';
  if (w.length > 4 && /(?:ss|sh|ch|x)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !/(?:ss|us|is|ys|as|os)$/.test(w)) return w.slice(0, -1);
  return w;
}
