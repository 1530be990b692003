/**
 * Paragraph and sentence segmentation. Every piece returned here is a verbatim
 * substring of its input: citations (`slug#p3.s2`) quote these strings exactly,
 * so nothing may be rewritten, only cut.
 */

import type { Paragraph } from '../types.js';
import { fold, isStopword } from './normalize.js';

/**
 * Paragraphs of a plain-text body. One paragraph per line: the corpus this was
 * built for (news dumps, transcripts) puts each paragraph on a single line, and
 * treating a lone newline as "same paragraph" would glue headings and list
 * items onto the following text.
 */
export function splitParagraphs(body: string): string[] {
  const out: string[] = [];
  for (const line of body.split(/\r\n|\r|\n|\u2028|\u2029/)) {
    const text = line.trim();
    if (text !== '') out.push(text);
  }
  return out;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

// ICU splits after any of these when the next word is capitalised (or a digit,
// for some), which is wrong often enough in news text to repair.
const ALWAYS_JOIN = new Set([
  'Mr.', 'Mrs.', 'Ms.', 'Mx.', 'Dr.', 'Prof.', 'Sen.', 'Sens.', 'Rep.', 'Reps.', 'Gov.', 'Gen.', 'Col.', 'Lt.',
  'Sgt.', 'Capt.', 'Maj.', 'Adm.', 'Cmdr.', 'St.', 'Rev.', 'Hon.', 'Pres.', 'Amb.', 'Messrs.', 'Mme.', 'Mlle.',
  'e.g.', 'i.e.', 'cf.', 'viz.', 'vs.', 'v.', 'approx.',
]);
// These end sentences about as often as they sit inside one ("…bought by Acme
// Inc. The deal…"), so only join when the continuation cannot start a sentence.
const JOIN_BEFORE_LOWER_OR_DIGIT = new Set([
  'Jr.', 'Sr.', 'etc.', 'Inc.', 'Corp.', 'Ltd.', 'Co.', 'a.m.', 'p.m.', 'al.',
]);
const JOIN_BEFORE_DIGIT = new Set([
  'Jan.', 'Feb.', 'Mar.', 'Apr.', 'Jun.', 'Jul.', 'Aug.', 'Sep.', 'Sept.', 'Oct.', 'Nov.', 'Dec.',
  'No.', 'Nos.', 'p.', 'pp.', 'Vol.', 'Fig.',
]);
// "She moved to the U.S. Next year…" must split but "the U.S. State Department"
// must not; the words that follow a country/organisation abbreviation inside a
// name are a small, predictable set.
const COUNTRY_ABBREVIATIONS = new Set(['U.S.', 'U.K.', 'U.N.', 'E.U.', 'U.S.A.']);
const INSTITUTION_WORDS = new Set(
  `state department army navy air force forces marine marines coast guard senate senator senators congress
congressman congresswoman congressional house president presidents vice secretary secretary-general ambassador
ambassadors embassy embassies consulate government treasury supreme court courts federal defense defence justice
commerce trade representative census bureau military special envoy envoys dollar open attorney central command
security council general assembly mission missions peacekeeping peacekeepers high commissioner human rights
parliament commission foreign prime minister ministry home office intelligence national navy's officials
administration agency agencies forces' sanctions troops soldiers citizens citizen`.split(/\s+/),
);
// Capitalised words that typically open a sentence, used to tell "John F.
// Kennedy" (join) from "…Plan B. Then…" (split) beyond the stopword list.
const SENTENCE_OPENERS = new Set(
  `next then later meanwhile today yesterday tomorrow however instead still yet finally first second third also
besides moreover furthermore nevertheless nonetheless thus hence therefore indeed`.split(/\s+/),
);

const OPENING_PUNCT = /^[([{“‘"'«‹]+/u;
const LIST_MARKER_ONLY = /^(?:\(?\d{1,3}[.)]|\(?[A-Za-z][.)]|[ivxlcdm]{1,5}[.)])$/u;
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"“”‘’«»]+/giu;

interface Span {
  start: number;
  end: number;
}

function urlSpans(text: string): Span[] {
  if (!text.includes('://') && !text.includes('www.')) return [];
  return [...text.matchAll(URL)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

function firstWord(text: string): string {
  const m = /^\s*(\S+)/u.exec(text);
  return (m?.[1] ?? '').replace(OPENING_PUNCT, '');
}

function bareWord(word: string): string {
  return fold(word).replace(/[^\p{L}\p{N}'-]+/gu, '');
}

// The two helpers below scan back from the end: an end-anchored regular
// expression is tried from every position of the text, which made these
// checks a fifth of the time it takes to split a large library into sentences.
const SPACE = /\s/;
const CLOSERS = new Set(['"', "'", '”', '’', '»', ')', ']']);
const TERMINALS = new Set(['.', '?', '!', '…']);

/** The text's last run of non-space characters. */
function lastToken(text: string): string {
  let i = text.length;
  while (i > 0 && !SPACE.test(text[i - 1]!)) i--;
  return text.slice(i);
}

/** Whether the text ends in ".", "?", "!" or "…", possibly followed by closing quotes or brackets. */
function endsWithTerminal(text: string): boolean {
  let i = text.length;
  while (i > 0 && CLOSERS.has(text[i - 1]!)) i--;
  return i > 0 && TERMINALS.has(text[i - 1]!);
}

/** Whether the cut between `before` (already trimmed) and `after` is a false sentence break. */
function isFalseBreak(before: string, after: string): boolean {
  const next = firstWord(after);
  if (next === '') return true;
  const nextLower = /^\p{Ll}/u.test(next);
  const nextDigit = /^\p{Nd}/u.test(next);

  // ICU breaks after "?" / "!" even before a lower-case word ("“Over?” she asked").
  if (nextLower && endsWithTerminal(before)) return true;

  if (LIST_MARKER_ONLY.test(before)) return true;
  if (!before.endsWith('.')) return false;

  const token = lastToken(before).replace(OPENING_PUNCT, '');
  if (ALWAYS_JOIN.has(token)) return true;
  if (JOIN_BEFORE_LOWER_OR_DIGIT.has(token)) return nextLower || nextDigit;
  if (JOIN_BEFORE_DIGIT.has(token)) return nextDigit;
  if (COUNTRY_ABBREVIATIONS.has(token)) {
    return nextLower || nextDigit || INSTITUTION_WORDS.has(bareWord(next));
  }
  // Initials: "John F. Kennedy", "J.R.R. Tolkien"; but "World War I. The…" splits.
  if (/^(?:\p{Lu}\.)+$/u.test(token)) {
    if (nextLower || nextDigit) return true;
    const w = bareWord(next);
    return /^\p{Lu}/u.test(next) && w !== '' && !isStopword(w) && !SENTENCE_OPENERS.has(w);
  }
  return false;
}

/**
 * Sentences of one paragraph: ICU's sentence segmentation plus a repair pass for
 * the false breaks it makes after abbreviations, initials, list numbers and
 * inside URLs. Each sentence is trimmed and non-empty; in order they cover the
 * whole paragraph apart from the whitespace between them.
 */
export function splitSentences(paragraph: string): string[] {
  const urls = urlSpans(paragraph);
  const merged: Span[] = [];
  for (const seg of segmenter.segment(paragraph)) {
    const start = seg.index;
    const end = start + seg.segment.length;
    const last = merged[merged.length - 1];
    if (last !== undefined) {
      const insideUrl = urls.some((u) => u.start < start && start < u.end);
      const before = paragraph.slice(last.start, start).trim();
      if (before === '' || insideUrl || isFalseBreak(before, seg.segment)) {
        last.end = end;
        continue;
      }
    }
    merged.push({ start, end });
  }
  const out: string[] = [];
  for (const span of merged) {
    const text = paragraph.slice(span.start, span.end).trim();
    if (text !== '') out.push(...bounded(text));
  }
  return out;
}

/**
 * Longest sentence kept whole. A run-on "sentence" (a data dump, a transcript
 * without punctuation) is cut into pieces of at most this many characters, at
 * the last space before the limit, so no passage costs search, topics or
 * summaries more than a long real sentence would. The cut is a pure function of
 * the text, so citations are the same on every load.
 */
export const MAX_SENTENCE_CHARS = 1_000;

function bounded(sentence: string): string[] {
  if (sentence.length <= MAX_SENTENCE_CHARS) return [sentence];
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > MAX_SENTENCE_CHARS) {
    let cut = rest.lastIndexOf(' ', MAX_SENTENCE_CHARS);
    if (cut < MAX_SENTENCE_CHARS / 2) {
      // No space late enough (one enormous word): cut at the limit, never inside a surrogate pair.
      cut = MAX_SENTENCE_CHARS;
      if (/[\uDC00-\uDFFF]/.test(rest[cut]!)) cut--;
    }
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') out.push(rest);
  return out;
}

/** Numbers already-split paragraph texts (1-based) and splits them into sentences. */
export function toParagraphs(texts: readonly string[]): Paragraph[] {
  return texts.map((text, i) => ({ index: i + 1, text, sentences: splitSentences(text) }));
}

/** Paragraphs (1-based) with their sentences, for a plain-text body. */
export function segmentDocumentBody(body: string): Paragraph[] {
  return toParagraphs(splitParagraphs(body));
}
