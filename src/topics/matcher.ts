import { isContentTerm, primeTerms } from '../summary/terms.js';
import { STOPWORDS, tokenize } from '../text/normalize.js';
import { lightStem } from '../text/stem.js';
import type { Point } from '../types.js';

/** Token flags, one byte per token. */
export const CAP = 1; // starts with an upper-case letter
export const ALLCAPS = 2; // has letters, all upper-case
export const BREAK = 4; // punctuation between this token and the previous one
export const STOP = 8; // a stopword
export const INITIAL = 16; // first word of the sentence or of a quotation/clause after a colon
export const COLON = 32; // a colon right before this token
export const LABEL = 64; // part of a transcript speaker label ("SULLIVAN:", "MS. JEAN-PIERRE:")
export const HYPHEN = 128; // joined to the previous word by a bare hyphen ("Indo-Pacific")

export const CaseRule = { Any: 0, Capitalised: 1, AllCaps: 2 } as const;
export type CaseRule = (typeof CaseRule)[keyof typeof CaseRule];

/** A keyword as a sequence of token keys, with how its case must look in the text. */
export interface Phrase {
  keys: readonly string[];
  case: CaseRule;
  /** Keys that, right before the phrase, disqualify it ("latin" before "america"). */
  notAfter?: ReadonlySet<string>;
  /** Keys that, right after the phrase, disqualify it ("country" after "indian"). */
  notBefore?: ReadonlySet<string>;
}

// Between two words of one phrase only spaces, hyphens, dots (U.S.) and apostrophes may occur.
const BREAK_CHARS = /[,;:()[\]{}"“”«»!?/–—|]|\s-\s/;
const OPENERS = /[:"“«(]/;

/** Token key: folded, possessive and plural stripped ("Russia's" → "russia"). */
export function keyOf(norm: string): string {
  return lightStem(norm);
}

/** CAP and ALLCAPS for text[start, end); ASCII without allocating, the rest by case mapping. */
function caseFlags(text: string, start: number, end: number): number {
  let upper = 0;
  let lower = 0;
  let other = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c >= 128) other = true;
  }
  if (other) {
    const original = text.slice(start, end);
    const first = original[0] ?? '';
    let f = first !== first.toLowerCase() ? CAP : 0;
    if (/\p{L}/u.test(original) && original === original.toUpperCase()) f |= ALLCAPS;
    return f;
  }
  const c0 = text.charCodeAt(start);
  return (c0 >= 65 && c0 <= 90 ? CAP : 0) | (upper > 0 && lower === 0 ? ALLCAPS : 0);
}

/** Parses a keyword as written ("US", "energy deal", "Turkey") into a phrase. */
export function parsePhrase(keyword: string, notAfter?: readonly string[], notBefore?: readonly string[]): Phrase | undefined {
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
    ...(notBefore?.length ? { notBefore: new Set(notBefore.map((w) => keyOf(w.toLowerCase()))) } : {}),
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
  /**
   * Token key ids and flags of all sentences end to end; sentence s owns
   * [offsets[s], offsets[s + 1]). Flat arrays keep millions of tokens out of the
   * garbage collector's way.
   */
  private tokenIds = new Int32Array(1 << 16);
  private tokenFlags = new Uint8Array(1 << 16);
  private offsets: number[] = [0];
  /** Key id → key. */
  readonly keyNames: string[] = [];
  /** Sentence count per document slug. */
  readonly docSentences = new Map<string, number>();
  private readonly keyIds = new Map<string, number>();
  /**
   * Key id → ascending indices of the sentences using it, as one flat array
   * (postingData[postingStart[id] .. postingStart[id + 1]]). Built after the
   * tokens, in two sequential passes, rather than by pushing onto a hundred
   * thousand scattered arrays.
   */
  private postingStart = new Int32Array(1);
  private postingData = new Int32Array(0);
  /** Folded word → key id, STOP flag, and whether summaries count it; the vocabulary is far smaller than the text. */
  private readonly words = new Map<string, { id: number; stop: number; content: boolean }>();
  private readonly phraseIds = new WeakMap<Phrase, number[]>();

  constructor(points: readonly Point[]) {
    for (const point of points) {
      if (point.kind !== 'sentence') continue;
      const index = this.sentences.length;
      this.sentences.push(point);
      this.docSentences.set(point.doc, (this.docSentences.get(point.doc) ?? 0) + 1);
      const text = point.text;
      const tokens = tokenize(text);
      const base = this.offsets[index]!;
      this.reserve(base + tokens.length);
      const ids = this.tokenIds;
      const flags = this.tokenFlags;
      const terms: string[] = [];
      let prevEnd = 0;
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i]!;
        let word = this.words.get(t.norm);
        if (!word) {
          const key = keyOf(t.norm);
          const stop = STOPWORDS.has(t.norm) || STOPWORDS.has(key) ? STOP : 0;
          word = { id: this.idFor(key), stop, content: isContentTerm(t.norm, key) };
          this.words.set(t.norm, word);
        }
        ids[base + i] = word.id;
        if (word.content) terms.push(this.keyNames[word.id]!);
        let f = caseFlags(text, t.start, t.end) | word.stop;
        if (i === 0) f |= INITIAL;
        else if (t.start - prevEnd !== 1 || text.charCodeAt(prevEnd) !== 32) {
          const gap = text.slice(prevEnd, t.start);
          if (BREAK_CHARS.test(gap)) f |= BREAK;
          if (OPENERS.test(gap)) f |= INITIAL;
          if (gap.includes(':')) f |= COLON;
          if (gap === '-') f |= HYPHEN;
        }
        flags[base + i] = f;
        prevEnd = t.end;
      }
      // A leading all-caps run ending in a colon names a speaker, it is not text.
      let label = base;
      const end = base + tokens.length;
      while (label < end && flags[label]! & ALLCAPS && !(flags[label]! & COLON)) label++;
      if (label > base && label < end && flags[label]! & COLON) for (let i = base; i < label; i++) flags[i]! |= LABEL;
      this.offsets.push(end);
      primeTerms(point, terms);
    }
    this.buildPostings();
  }

  private buildPostings(): void {
    const v = this.keyNames.length;
    const start = new Int32Array(v + 1);
    const last = new Int32Array(v).fill(-1);
    const ids = this.tokenIds;
    for (let s = 0; s < this.sentences.length; s++) {
      for (let i = this.offsets[s]!, end = this.offsets[s + 1]!; i < end; i++) {
        const id = ids[i]!;
        if (last[id] !== s) {
          last[id] = s;
          start[id + 1]!++;
        }
      }
    }
    for (let id = 0; id < v; id++) start[id + 1]! += start[id]!;
    const data = new Int32Array(start[v]!);
    const fill = start.slice(0, v);
    last.fill(-1);
    for (let s = 0; s < this.sentences.length; s++) {
      for (let i = this.offsets[s]!, end = this.offsets[s + 1]!; i < end; i++) {
        const id = ids[i]!;
        if (last[id] !== s) {
          last[id] = s;
          data[fill[id]!++] = s;
        }
      }
    }
    this.postingStart = start;
    this.postingData = data;
  }

  private posting(id: number): Int32Array {
    return this.postingData.subarray(this.postingStart[id]!, this.postingStart[id + 1]!);
  }

  private reserve(length: number): void {
    if (length <= this.tokenIds.length) return;
    let size = this.tokenIds.length;
    while (size < length) size *= 2;
    const ids = new Int32Array(size);
    ids.set(this.tokenIds);
    const flags = new Uint8Array(size);
    flags.set(this.tokenFlags);
    this.tokenIds = ids;
    this.tokenFlags = flags;
  }

  /** Key ids of sentence s's tokens (a view, valid until the index changes: it never does after construction). */
  ids(s: number): Int32Array {
    return this.tokenIds.subarray(this.offsets[s]!, this.offsets[s + 1]!);
  }

  flags(s: number): Uint8Array {
    return this.tokenFlags.subarray(this.offsets[s]!, this.offsets[s + 1]!);
  }

  private idFor(key: string): number {
    let id = this.keyIds.get(key);
    if (id === undefined) {
      id = this.keyNames.length;
      this.keyIds.set(key, id);
      this.keyNames.push(key);
    }
    return id;
  }

  get size(): number {
    return this.sentences.length;
  }

  /** Id of a key, or -1 when no sentence uses it. */
  idOf(key: string): number {
    return this.keyIds.get(key) ?? -1;
  }

  /** Number of sentences using the key. */
  frequency(key: string): number {
    const id = this.keyIds.get(key);
    return id === undefined ? 0 : this.postingStart[id + 1]! - this.postingStart[id]!;
  }

  /** Number of sentences using the key with this id. */
  frequencyOfId(id: number): number {
    return this.postingStart[id + 1]! - this.postingStart[id]!;
  }

  private resolve(phrase: Phrase): number[] {
    let ids = this.phraseIds.get(phrase);
    if (!ids) {
      ids = phrase.keys.map((k) => this.idOf(k));
      this.phraseIds.set(phrase, ids);
    }
    return ids;
  }

  /** Whether the phrase occurs in sentence `s` starting at token `i`. */
  matchesAt(s: number, i: number, phrase: Phrase): boolean {
    const want = this.resolve(phrase);
    const ids = this.tokenIds;
    const flags = this.tokenFlags;
    const at = this.offsets[s]! + i;
    const n = want.length;
    if (at + n > this.offsets[s + 1]!) return false;
    for (let j = 0; j < n; j++) {
      if (ids[at + j] !== want[j]) return false;
      const f = flags[at + j]!;
      if ((j > 0 && f & BREAK) || f & LABEL) return false;
      if (phrase.case === CaseRule.AllCaps && !(f & ALLCAPS)) return false;
      if (phrase.case === CaseRule.Capitalised && !(f & CAP) && !(f & STOP)) return false;
    }
    if (phrase.notAfter && i > 0 && !(flags[at]! & BREAK) && phrase.notAfter.has(this.keyNames[ids[at - 1]!]!)) return false;
    const after = at + n;
    if (phrase.notBefore && after < this.offsets[s + 1]! && !(flags[after]! & BREAK) && phrase.notBefore.has(this.keyNames[ids[after]!]!)) {
      return false;
    }
    return true;
  }

  /** Token positions in sentence `s` where the phrase starts. */
  positions(s: number, phrase: Phrase): number[] {
    const out: number[] = [];
    const first = this.resolve(phrase)[0];
    const from = this.offsets[s]!;
    const to = this.offsets[s + 1]!;
    for (let i = from; i < to; i++) if (this.tokenIds[i] === first && this.matchesAt(s, i - from, phrase)) out.push(i - from);
    return out;
  }

  /** Indices of the sentences containing the phrase, ascending. */
  members(phrase: Phrase): number[] {
    let rarest: Int32Array | undefined;
    for (const id of this.resolve(phrase)) {
      if (id < 0) return [];
      const list = this.posting(id);
      if (!rarest || list.length < rarest.length) rarest = list;
    }
    const out: number[] = [];
    for (const s of rarest ?? []) if (this.positions(s, phrase).length > 0) out.push(s);
    return out;
  }

  /** Verbatim text of tokens [from, to) of sentence `s`. */
  surface(s: number, from: number, to: number): string {
    const text = this.sentences[s]!.text;
    const tokens = tokenize(text);
    return text.slice(tokens[from]!.start, tokens[to - 1]!.end);
  }
}
