/**
 * Matching-only normalisation. Quoted text is never normalised; instead every
 * function here keeps a 1:1 mapping of UTF-16 offsets between the original and
 * the folded string, so a match found in folded text highlights the exact
 * original characters.
 */

const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4\u02BC]/;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/;
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/;
const SPACE = /\s/;

const foldCache = new Map<string, string>();
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function foldUnit(ch: string): string {
  const cached = foldCache.get(ch);
  if (cached !== undefined) return cached;
  let out: string;
  if (SINGLE_QUOTES.test(ch)) out = "'";
  else if (DOUBLE_QUOTES.test(ch)) out = '"';
  else if (DASHES.test(ch)) out = '-';
  else if (SPACE.test(ch)) out = ' ';
  else {
    // Strip accents: first code unit of the canonical decomposition, lower-cased,
    // but only where that stays one unit long (keeps offsets aligned).
    const base = ch.normalize('NFD')[0] ?? ch;
    const lower = base.toLowerCase();
    out = lower.length === 1 ? lower : ch.length === 1 && ch.toLowerCase().length === 1 ? ch.toLowerCase() : ch;
  }
  if (foldCache.size < 4096) foldCache.set(ch, out);
  return out;
}

/** Case-, accent-, quote-, dash- and whitespace-folded copy of `text`, same length. */
export function fold(text: string): string {
  // Printable ASCII (most text) only changes case and backticks: let the engine do it in one pass.
  if (PRINTABLE_ASCII.test(text)) return text.toLowerCase().replaceAll('`', "'");
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // ASCII fast path: only upper-case letters and whitespace change.
    if (code < 128) {
      if (code >= 65 && code <= 90) out += String.fromCharCode(code + 32);
      else if (code === 9 || code === 10 || code === 13 || code === 12 || code === 11) out += ' ';
      else if (code === 96) out += "'";
      else out += text[i];
      continue;
    }
    // Surrogate pairs (emoji, rare scripts) pass through unchanged, both halves.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      out += text[i]! + text[i + 1]!;
      i++;
      continue;
    }
    out += foldUnit(text[i]!);
  }
  return out;
}

export interface Token {
  /** Folded word. */
  norm: string;
  /** Offsets into the original (and folded) text. */
  start: number;
  end: number;
}

// Numbers keep their decimal point ("1.5"); words keep inner apostrophes ("hasn't").
const WORD = /\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{N}\p{M}]+(?:'[\p{L}\p{N}\p{M}]+)*/gu;

/** Words of `text`, folded, with their positions in the original. */
export function tokenize(text: string): Token[] {
  const folded = fold(text);
  if (PRINTABLE_ASCII.test(folded)) return tokenizeAscii(folded);
  const tokens: Token[] = [];
  for (const m of folded.matchAll(WORD)) {
    tokens.push({ norm: m[0], start: m.index, end: m.index + m[0].length });
  }
  return tokens;
}

/**
 * WORD on folded printable ASCII, by hand: the same tokens (the property
 * tests compare the two), several times faster, and most text is ASCII.
 * Folded ASCII has no capitals, so a letter is a-z and a number 0-9; like
 * the regular expression, a run starting with a digit is a number ("3rd" is
 * "3" and "rd").
 */
export function tokenizeAscii(folded: string): Token[] {
  const tokens: Token[] = [];
  const n = folded.length;
  let i = 0;
  while (i < n) {
    const c = folded.charCodeAt(i);
    const start = i;
    if (isDigit(c)) {
      i++;
      while (i < n && isDigit(folded.charCodeAt(i))) i++;
      // Decimal and thousands separators join digits on both sides: "1,000.5".
      while (i + 1 < n && (folded.charCodeAt(i) === 46 || folded.charCodeAt(i) === 44) && isDigit(folded.charCodeAt(i + 1))) {
        i += 2;
        while (i < n && isDigit(folded.charCodeAt(i))) i++;
      }
    } else if (isLetter(c)) {
      i++;
      while (i < n && isAlnum(folded.charCodeAt(i))) i++;
      // Inner apostrophes: "hasn't", "o'clock".
      while (i + 1 < n && folded.charCodeAt(i) === 39 && isAlnum(folded.charCodeAt(i + 1))) {
        i += 2;
        while (i < n && isAlnum(folded.charCodeAt(i))) i++;
      }
    } else {
      i++;
      continue;
    }
    tokens.push({ norm: folded.slice(start, i), start, end: i });
  }
  return tokens;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => c >= 97 && c <= 122;
const isAlnum = (c: number) => isDigit(c) || isLetter(c);

/** Folded words only. */
export function words(text: string): string[] {
  return tokenize(text).map((t) => t.norm);
}

/** English function words: ignored when ranking topics and centrality, down-weighted in search. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few
for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my
myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd
she'll she's should shouldn't so some such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through to too under until up very was wasn't we
we'd we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's
with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves also just will said
says say one two may might must shall us its it's yet though via per upon within without however since even
still well much many like get got make made new now s t`.split(/\s+/),
);

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}
