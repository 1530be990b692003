/**
 * A word's other regular inflections ("want" → "wants", "wanted", "wanting";
 * "wanted" → "want", …), checked against the tagger's lemmas so that only real
 * forms of the same word meet: "united" is not a form of "unit", nor "hoped"
 * of "hop". Search uses it so a question's "want" finds the text's "wanted".
 */
import { lemmaOf } from './nlp.js';

const VOWEL = /[aeiou]/;

/** Candidate spellings of the inflections of `lemma`, by the regular English rules. */
function regularForms(lemma: string): string[] {
  const last = lemma.at(-1)!;
  if (last === 'e') return [lemma, `${lemma}s`, `${lemma}d`, `${lemma.slice(0, -1)}ing`];
  const stem = lemma.slice(0, -1);
  if (last === 'y' && !VOWEL.test(lemma.at(-2) ?? '')) return [lemma, `${stem}ies`, `${stem}ied`, `${lemma}ing`];
  const out = [lemma, /(?:s|sh|ch|x|z|o)$/.test(lemma) ? `${lemma}es` : `${lemma}s`, `${lemma}ed`, `${lemma}ing`];
  // stop → stopped: one consonant after one vowel.
  if (/[^aeiou][aeiou][bdgklmnprt]$/.test(lemma)) out.push(`${lemma}${last}ed`, `${lemma}${last}ing`);
  return out;
}

const cache = new Map<string, ReadonlySet<string>>();

/**
 * Other forms of a folded word (not the word itself), each confirmed by the
 * tagger to share its lemma. Words under three letters, numbers and
 * contractions have none.
 */
export function inflections(word: string): ReadonlySet<string> {
  let forms = cache.get(word);
  if (forms) return forms;
  const found = new Set<string>();
  if (word.length >= 3 && /^[a-z]+$/.test(word)) {
    const lemma = lemmaOf(word);
    for (const form of regularForms(lemma)) if (form !== word && lemmaOf(form) === lemma) found.add(form);
  }
  forms = found;
  if (cache.size > 20_000) cache.clear();
  cache.set(word, forms);
  return forms;
}
