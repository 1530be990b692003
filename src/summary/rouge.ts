/**
 * ROUGE-1, ROUGE-2 and ROUGE-L (F1), following Lin (2004) and the conventions of
 * Google's `rouge-score` package so figures are comparable with published ones:
 *
 * - tokenisation: lower-case, every run of characters outside [a-z0-9] is a separator
 *   (so "Titley’s" gives "titley", "s"; accented letters act as separators, as there);
 * - stemming: optional, the original Porter (1980) algorithm, applied to tokens longer
 *   than three characters (as `rouge-score` does with `use_stemmer=True`); on by default;
 * - ROUGE-L: summary-level ("rougeLsum"): sentences are the lines of each text, and
 *   each reference sentence scores the union of its LCS with every candidate sentence,
 *   with hits clipped to token counts. One-line texts make it plain LCS over the text.
 */

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

export interface RougeResult {
  rouge1: RougeScore;
  rouge2: RougeScore;
  rougeL: RougeScore;
}

export interface RougeOptions {
  /** Porter-stem tokens longer than 3 characters (default true). */
  stem?: boolean;
}

export function rougeTokens(text: string, stem = true): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (!raw) continue;
    out.push(stem && raw.length > 3 ? porterStem(raw) : raw);
  }
  return out;
}

function ngrams(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function score(hits: number, candidateTotal: number, referenceTotal: number): RougeScore {
  const precision = candidateTotal > 0 ? hits / candidateTotal : 0;
  const recall = referenceTotal > 0 ? hits / referenceTotal : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/** ROUGE-N between a candidate and a reference token list. */
export function rougeN(candidate: string[], reference: string[], n: number): RougeScore {
  const c = ngrams(candidate, n);
  const r = ngrams(reference, n);
  let hits = 0;
  for (const [gram, count] of r) hits += Math.min(count, c.get(gram) ?? 0);
  return score(hits, Math.max(0, candidate.length - n + 1), Math.max(0, reference.length - n + 1));
}

/** Indices into `a` of one longest common subsequence of `a` and `b`. */
function lcsIndices(a: string[], b: string[]): number[] {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Uint32Array(rows * cols);
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      table[i * cols + j] =
        a[i - 1] === b[j - 1]
          ? table[(i - 1) * cols + j - 1]! + 1
          : Math.max(table[(i - 1) * cols + j]!, table[i * cols + j - 1]!);
    }
  }
  const picked: number[] = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    if (a[i - 1] === b[j - 1]) {
      picked.push(i - 1);
      i--;
      j--;
    } else if (table[(i - 1) * cols + j]! >= table[i * cols + j - 1]!) i--;
    else j--;
  }
  return picked.reverse();
}

/** Summary-level ROUGE-L over sentence lists (union LCS, clipped as in rouge-score). */
export function rougeLsum(candidate: string[][], reference: string[][]): RougeScore {
  const candCounts = new Map<string, number>();
  const refCounts = new Map<string, number>();
  for (const s of candidate) for (const t of s) candCounts.set(t, (candCounts.get(t) ?? 0) + 1);
  for (const s of reference) for (const t of s) refCounts.set(t, (refCounts.get(t) ?? 0) + 1);
  const candTotal = candidate.reduce((n, s) => n + s.length, 0);
  const refTotal = reference.reduce((n, s) => n + s.length, 0);

  let hits = 0;
  for (const ref of reference) {
    const union = new Set<number>();
    for (const cand of candidate) for (const i of lcsIndices(ref, cand)) union.add(i);
    // Clip so a word repeated in the reference cannot be credited more often than
    // the candidate contains it (and vice versa).
    for (const i of [...union].sort((x, y) => x - y)) {
      const t = ref[i]!;
      const c = candCounts.get(t) ?? 0;
      const r = refCounts.get(t) ?? 0;
      if (c > 0 && r > 0) {
        hits++;
        candCounts.set(t, c - 1);
        refCounts.set(t, r - 1);
      }
    }
  }
  return score(hits, candTotal, refTotal);
}

/**
 * Scores `candidate` against `reference`. Each is either a string (sentences on
 * separate lines) or an array of sentences.
 */
export function rouge(
  candidate: string | string[],
  reference: string | string[],
  opts: RougeOptions = {},
): RougeResult {
  const stem = opts.stem ?? true;
  const lines = (x: string | string[]) => (Array.isArray(x) ? x : x.split('\n'));
  const candSents = lines(candidate).map((s) => rougeTokens(s, stem)).filter((s) => s.length > 0);
  const refSents = lines(reference).map((s) => rougeTokens(s, stem)).filter((s) => s.length > 0);
  const cand = candSents.flat();
  const ref = refSents.flat();
  return {
    rouge1: rougeN(cand, ref, 1),
    rouge2: rougeN(cand, ref, 2),
    rougeL: rougeLsum(candSents, refSents),
  };
}

// --- Porter (1980) stemmer -------------------------------------------------------

function isConsonant(w: string, i: number): boolean {
  const ch = w[i];
  if (ch === 'a' || ch === 'e' || ch === 'i' || ch === 'o' || ch === 'u') return false;
  if (ch === 'y') return i === 0 || !isConsonant(w, i - 1);
  return true;
}

/** Porter's m: the number of vowel–consonant sequences in `stem`. */
function measure(stem: string): number {
  let m = 0;
  let i = 0;
  const n = stem.length;
  while (i < n && isConsonant(stem, i)) i++;
  while (i < n) {
    while (i < n && !isConsonant(stem, i)) i++;
    if (i >= n) break;
    while (i < n && isConsonant(stem, i)) i++;
    m++;
  }
  return m;
}

function hasVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) if (!isConsonant(stem, i)) return true;
  return false;
}

function endsDoubleConsonant(w: string): boolean {
  const n = w.length;
  return n >= 2 && w[n - 1] === w[n - 2] && isConsonant(w, n - 1);
}

/** *o: stem ends consonant-vowel-consonant, the last not w, x or y. */
function endsCvc(w: string): boolean {
  const n = w.length;
  if (n < 3) return false;
  if (!isConsonant(w, n - 3) || isConsonant(w, n - 2) || !isConsonant(w, n - 1)) return false;
  const last = w[n - 1];
  return last !== 'w' && last !== 'x' && last !== 'y';
}

const STEP2: [string, string][] = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'],
  ['bli', 'ble'], ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'],
  ['ization', 'ize'], ['ation', 'ate'], ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'],
  ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble'],
  ['logi', 'log'],
];
const STEP3: [string, string][] = [
  ['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', ''],
];
const STEP4 = [
  'al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou',
  'ism', 'ate', 'iti', 'ous', 'ive', 'ize',
];

/** Replaces the longest matching suffix when the remaining stem has m > `minM`. */
function replaceSuffix(w: string, rules: [string, string][], minM: number): string {
  let best: [string, string] | undefined;
  for (const rule of rules) {
    if (w.endsWith(rule[0]) && (!best || rule[0].length > best[0].length)) best = rule;
  }
  if (!best) return w;
  const stem = w.slice(0, w.length - best[0].length);
  return measure(stem) > minM ? stem + best[1] : w;
}

export function porterStem(word: string): string {
  if (word.length <= 2) return word;
  let w = word;

  // Step 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (w.endsWith('ss')) {
    /* unchanged */
  } else if (w.endsWith('s')) w = w.slice(0, -1);

  // Step 1b
  let cleanup = false;
  if (w.endsWith('eed')) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ed') && hasVowel(w.slice(0, -2))) {
    w = w.slice(0, -2);
    cleanup = true;
  } else if (w.endsWith('ing') && hasVowel(w.slice(0, -3))) {
    w = w.slice(0, -3);
    cleanup = true;
  }
  if (cleanup) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (endsDoubleConsonant(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
    else if (measure(w) === 1 && endsCvc(w)) w += 'e';
  }

  // Step 1c
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = w.slice(0, -1) + 'i';

  w = replaceSuffix(w, STEP2, 0);
  w = replaceSuffix(w, STEP3, 0);

  // Step 4
  let suffix4: string | undefined;
  for (const s of STEP4) if (w.endsWith(s) && (!suffix4 || s.length > suffix4.length)) suffix4 = s;
  if (suffix4) {
    const stem = w.slice(0, w.length - suffix4.length);
    if (measure(stem) > 1 && (suffix4 !== 'ion' || /[st]$/.test(stem))) w = stem;
  }

  // Step 5a
  if (w.endsWith('e')) {
    const stem = w.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) w = stem;
  }
  // Step 5b
  if (measure(w) > 1 && endsDoubleConsonant(w) && w.endsWith('l')) w = w.slice(0, -1);

  return w;
}
