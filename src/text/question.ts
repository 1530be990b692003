/**
 * What each word of a query is for. Analysts type questions as often as
 * keywords ("what did Putin want from Pakistan?"); in a question the question
 * word, auxiliaries, pronouns and prepositions are grammar, not content, and
 * the verb is what the answer usually says in other words ("wanted" → "high
 * hopes of reaching a deal"), while the names and nouns are what it is about.
 * Roles come from the part-of-speech tagger, so they follow the sentence, not
 * a word list: "export" is a verb in "what does Pakistan export?" and a noun in
 * "wheat exports".
 */
import { tag, type Pos } from './nlp.js';
import { isStopword, type Token } from './normalize.js';

export type QueryRole = 'grammar' | 'predicate' | 'content';

/** Interrogatives that open a question without a question mark ("what did Putin want"). */
const INTERROGATIVES = new Set(['what', 'who', 'whom', 'whose', 'which', 'when', 'where', 'why', 'how']);
const GRAMMAR: ReadonlySet<Pos> = new Set(['ADP', 'AUX', 'CCONJ', 'DET', 'INTJ', 'PART', 'PRON', 'PUNCT', 'SCONJ', 'SPACE', 'SYM']);

/**
 * Roles of the query's tokens (as `tokenize` gives them) when the query is a
 * question; undefined for keyword queries, whose every word counts as typed.
 */
export function questionRoles(query: string, tokens: readonly Token[]): QueryRole[] | undefined {
  if (tokens.length < 2) return undefined;
  // Keyword queries (most of them) need no tagging: a question ends in "?" or opens with a question word or an auxiliary.
  if (!/\?\s*$/.test(query) && !INTERROGATIVES.has(tokens[0]!.norm) && !isStopword(tokens[0]!.norm)) return undefined;
  const tagged = tag(query).filter((t) => t.pos !== 'PUNCT' && t.pos !== 'SPACE');
  const first = tagged[0];
  if (!first) return undefined;
  const asked =
    /\?\s*$/.test(query) ||
    INTERROGATIVES.has(first.norm) ||
    // "did Putin want …", "is Pakistan reluctant to defy …"; not a fragment like "was the first time".
    (first.pos === 'AUX' && ['PRON', 'PROPN', 'NOUN', 'DET'].includes(tagged[1]?.pos ?? '') && tagged.slice(2).some((t) => t.pos === 'VERB'));
  if (!asked) return undefined;
  return tokens.map((token) => {
    // Our token may span several of the tagger's ("Putin's" is "Putin" + "'s"): its first decides.
    const t = tagged.find((x) => x.end > token.start && x.start < token.end);
    if (!t || GRAMMAR.has(t.pos) || INTERROGATIVES.has(token.norm)) return 'grammar';
    return t.pos === 'VERB' ? 'predicate' : 'content';
  });
}
