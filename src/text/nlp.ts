/**
 * English part-of-speech tags and lemmas, from wink-nlp with its light English
 * model (both from the npm registry; the model is a package, nothing is fetched
 * at run time). One instance per thread, made when this module is imported:
 * loading costs about 0.3 s and 35 MB of heap, so it happens at start-up rather
 * than inside the first search (which must not hold the event loop that long);
 * tagging a short text then costs microseconds per word.
 *
 * Topics use it to name themselves by noun phrases and names; queries use it to
 * tell a question's verb from its subject and to meet a word's other forms;
 * summaries use its entity recogniser to tell dated events and figures from
 * claims. One instance does both (a second would cost another 0.2 s and 9 MB;
 * recognising entities adds about half to the cost of tagging).
 */
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { fold } from './normalize.js';

/** Universal Dependencies coarse tags, as the model gives them. */
export type Pos =
  | 'ADJ' | 'ADP' | 'ADV' | 'AUX' | 'CCONJ' | 'DET' | 'INTJ' | 'NOUN' | 'NUM' | 'PART'
  | 'PRON' | 'PROPN' | 'PUNCT' | 'SCONJ' | 'SYM' | 'VERB' | 'X' | 'SPACE';

export interface Tagged {
  /** The token as written. */
  text: string;
  /** Folded, as `tokenize` folds words. */
  norm: string;
  pos: Pos;
  /** Folded lemma ("wanted" → "want", "exports" → "export"). */
  lemma: string;
  /** Offsets into the tagged text. */
  start: number;
  end: number;
  /** The type of the entity the token is part of ("DATE", "MONEY", …), if any. */
  entity?: string;
}

const nlp = winkNLP(model, ['pos', 'ner']);

/** Tags of every token of `text` (punctuation included), with offsets. */
export function tag(text: string): Tagged[] {
  const its = nlp.its;
  const doc = nlp.readDoc(text);
  const values = doc.tokens().out(its.value) as string[];
  const pos = doc.tokens().out(its.pos) as string[];
  const lemma = doc.tokens().out(its.lemma as Parameters<ReturnType<typeof doc.tokens>["out"]>[0]) as string[];
  const spaces = doc.tokens().out(its.precedingSpaces) as string[];
  const entity = new Array<string | undefined>(values.length);
  const types = doc.entities().out(its.type) as string[];
  (doc.entities().out(its.span) as unknown as [number, number][]).forEach(([from, to], e) => entity.fill(types[e], from, to + 1));
  const out: Tagged[] = [];
  let at = 0;
  values.forEach((value, i) => {
    // The model keeps the text whole: each token is its preceding spaces then its value.
    at += (spaces[i] ?? '').length;
    const found = text.indexOf(value, at);
    const start = found >= 0 && found - at <= 2 ? found : at;
    // The model has no lemma for a few contractions it does not split ("cannot", "Ive"): the word is its own.
    const token: Tagged = { text: value, norm: fold(value), pos: pos[i] as Pos, lemma: fold(lemma[i] ?? value), start, end: start + value.length };
    if (entity[i]) token.entity = entity[i];
    out.push(token);
    at = start + value.length;
  });
  return out;
}

const lemmaCache = new Map<string, string>();

/** The lemma of a word standing alone (the model's best guess of its part of speech). */
export function lemmaOf(word: string): string {
  let lemma = lemmaCache.get(word);
  if (lemma === undefined) {
    const tokens = tag(word);
    lemma = tokens.length === 1 ? tokens[0]!.lemma : word;
    if (lemmaCache.size > 50_000) lemmaCache.clear();
    lemmaCache.set(word, lemma);
  }
  return lemma;
}

/** Types of the entities the model recognises in `text` ("DATE", "MONEY", "CARDINAL", …), in order. */
export function entityTypes(text: string): string[] {
  return nlp.readDoc(text).entities().out(nlp.its.type) as string[];
}
