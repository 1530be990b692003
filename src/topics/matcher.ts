import { lightStem } from '../summary/terms.js';
import { STOPWORDS, tokenize } from '../text/normalize.js';
import type { Point } from '../types.js';

/** Token flags, one byte per token. */
export const CAP = 1; // starts with an upper-case letter
export const ALLCAPS = 2; // has letters, all upper-case
export const BREAK = 4; // punctuation between this token and the previous one
export const STOP = 8; // a stopword
export const INITIAL = 16; // first word of the sentence or of a quotation/clause after a colon

export const CaseRule = { Any: 0, Capitalised: 1, AllCaps: 2 } as const;
export type CaseRule = (typeof CaseRule)[keyof typeof CaseRule];

/** A keyword as a sequence of token keys, with how its case must look in the text. */
export interface Phrase {
  keys: readonly string[];
  case: CaseRule;
  /** Keys that, right before the phrase, disqualify it ("latin" before "america"). */
  notAfter?: ReadonlySet<string>;
}

// Between two words of one phrase only spaces, hyphens, dots (U.S.) and apostrophes may occur.
const BREAK_CHARS = /[,;:()[\]{}"“”«»!?/–—|]|\s-\s/;
const OPENERS = /[:"“«(]/;

/** Token key: folded, possessive and plural stripped ("Russia's" → "russia"). */
export function keyOf(norm: string): string {
  return lightStem(norm);
}

function flagsOf(original: string): number {
  let f = 0;
  const first = original[0] ?? '';
  if (first !== first.toLowerCase()) f |= CAP;
  if (/\p{L}/u.test(original) && original === original.toUpperCase()) f |= ALLCAPS;
  return f;
}

/** Parses a keyword as written ("US", "energy deal", "Turkey") into a phrase. */
export function parsePhrase(keyword: string, notAfter?: readonly string[]): Phrase | undefined {
  const tokens = tokenize(keyword);
  if (tokens.length === 0) return undefined;
  const letters = keyword.replace(/[^\p{L}]/gu, '');
  let rule: CaseRule = CaseRule.Any;
  if (letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()) {
    rule = CaseRule.AllCaps;
  } else if (/^\p{Lu}/u.test(keyword.trim())) rule = CaseRule.Capitalised;
  return {
    keys: tokens.map((t) => keyOf(t.norm)),
    case: rule,
    ...(notAfter?.length ? { notAfter: new Set(notAfter.map((w) => keyOf(w.toLowerCase()))) } : {}),
  };
}

/**
 * Every sentence of the library as token keys and flags, with postings from key
 * to the sentences that use it. Built once, in one pass over the text; every
 * keyword lookup afterwards touches only the sentences that contain its rarest
 * word, so topic membership never scans the whole library.
 */
export class SentenceIndex {
  readonly sentences: Point[] = [];
  readonly keys: string[][] = [];
  readonly flags: Uint8Array[] = [];
  /** Sentence count per document slug. */
  readonly docSentences = new Map<string, number>();
  private readonly postings = new Map<string, number[]>();
  private readonly intern = new Map<string, string>();

  constructor(points: readonly Point[]) {
    for (const point of points) {
      if (point.kind !== 'sentence') continue;
      const index = this.sentences.length;
      this.sentences.push(point);
      this.docSentences.set(point.doc, (this.docSentences.get(point.doc) ?? 0) + 1);
      const text = point.text;
      const tokens = tokenize(text);
      const keys: string[] = new Array(tokens.length);
      const flags = new Uint8Array(tokens.length);
      let prevEnd = 0;
      tokens.forEach((t, i) => {
        let key = keyOf(t.norm);
        const interned = this.intern.get(key);
        if (interned === undefined) this.intern.set(key, key);
        else key = interned;
        keys[i] = key;
        const gap = text.slice(prevEnd, t.start);
        let f = flagsOf(text.slice(t.start, t.end));
        if (i > 0 && BREAK_CHARS.test(gap)) f |= BREAK;
        if (i === 0 || OPENERS.test(gap)) f |= INITIAL;
        if (STOPWORDS.has(t.norm) || STOPWORDS.has(key)) f |= STOP;
        flags[i] = f;
        prevEnd = t.end;
        const list = this.postings.get(key);
        if (!list) this.postings.set(key, [index]);
        else if (list[list.length - 1] !== index) list.push(index);
      });
      this.keys.push(keys);
      this.flags.push(flags);
    }
  }

  get size(): number {
    return this.sentences.length;
  }

  /** Number of sentences using the key. */
  frequency(key: string): number {
    return this.postings.get(key)?.length ?? 0;
  }

  /** Whether the phrase occurs in sentence `s` starting at token `i`. */
  matchesAt(s: number, i: number, phrase: Phrase): boolean {
    const keys = this.keys[s]!;
    const flags = this.flags[s]!;
    const n = phrase.keys.length;
    if (i + n > keys.length) return false;
    for (let j = 0; j < n; j++) {
      if (keys[i + j] !== phrase.keys[j]) return false;
      const f = flags[i + j]!;
      if (j > 0 && f & BREAK) return false;
      if (phrase.case === CaseRule.AllCaps && !(f & ALLCAPS)) return false;
      if (phrase.case === CaseRule.Capitalised && !(f & CAP) && !(f & STOP)) return false;
    }
    if (phrase.notAfter && i > 0 && !(flags[i]! & BREAK) && phrase.notAfter.has(keys[i - 1]!)) return false;
    return true;
  }

  /** Token positions in sentence `s` where the phrase starts. */
  positions(s: number, phrase: Phrase): number[] {
    const out: number[] = [];
    const keys = this.keys[s]!;
    for (let i = 0; i < keys.length; i++) if (this.matchesAt(s, i, phrase)) out.push(i);
    return out;
  }

  /** Indices of the sentences containing the phrase, ascending. */
  members(phrase: Phrase): number[] {
    let rarest: number[] | undefined;
    for (const key of phrase.keys) {
      const list = this.postings.get(key);
      if (!list) return [];
      if (!rarest || list.length < rarest.length) rarest = list;
    }
    return (rarest ?? []).filter((s) => this.positions(s, phrase).length > 0);
  }

  /** Verbatim text of tokens [from, to) of sentence `s`. */
  surface(s: number, from: number, to: number): string {
    const text = this.sentences[s]!.text;
    const tokens = tokenize(text);
    return text.slice(tokens[from]!.start, tokens[to - 1]!.end);
  }
}
