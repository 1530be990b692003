import { words } from '../text/normalize.js';

/** Shorter sentences rarely stand alone as a quote ("She died.", "By . "). */
export const MIN_SUMMARY_WORDS = 6;

const MONTHS =
  'jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december';
const DAYS = 'mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday';
const ZONES = 'am|pm|a\\.m|p\\.m|est|edt|cst|cdt|mst|mdt|pst|pdt|gmt|bst|utc|cet|cest|et|pt';
const DATE_WORD = new RegExp(`^(?:\\d+(?:[:.,/-]\\d+)*(?:st|nd|rd|th)?|${MONTHS}|${DAYS}|${ZONES}|st|nd|rd|th|at|on|of)$`);

/** Lines made of nothing but dates, times and zones: "14:11 EST, 25 October 2013 ." */
function isTimestamp(text: string): boolean {
  if (text.length > 80 || !/\d/.test(text)) return false;
  const ws = words(text);
  return ws.some((w) => /\d/.test(w)) && ws.every((w) => DATE_WORD.test(w));
}

// Wire-service and newspaper furniture rather than prose.
const DATELINE = /^\s*(?:published|updated|last updated|last modified|created|posted)\b\s*(?:at|on)?\s*[:.|]*/i;
const OUTLET_ONLY = /^\s*\(?(?:cnn|ap|reuters|afp|bbc)\)?\s*(?:[-—–]+|:)?\s*[.|]?\s*$/i;
// "By Jane Doe", "By . Associated Press .", "By Daily Mail Reporter and Jo Bloggs for MailOnline"
const BYLINE = /^\s*[Bb]y\s*[.:]?\s+(?:(?:[A-Z][\p{L}'’.-]*|and|for|in|&|of|the|[.,|])\s*)+$/u;

/** True for bylines, datelines, publication stamps and outlet tags. */
export function isByline(text: string): boolean {
  // Length cap: bylines are short, and it keeps the name pattern from backtracking on prose.
  if (text.length <= 120 && (OUTLET_ONLY.test(text) || BYLINE.test(text))) return true;
  // "PUBLISHED: .", "Last updated at 1:25 AM on 3rd August 2011 ."
  const stamp = DATELINE.exec(text);
  const rest = stamp ? text.slice(stamp[0].length) : text;
  return (stamp !== null && words(rest).length === 0) || isTimestamp(rest);
}

/** Whether a sentence can stand in a summary: a real sentence, not page furniture. */
export function isSummarizable(text: string): boolean {
  if (isByline(text)) return false;
  // Each whitespace-separated chunk with a letter or digit holds at least one word,
  // so most sentences pass without tokenising.
  let chunks = 0;
  for (const chunk of text.split(/\s+/)) if (/[\p{L}\p{N}]/u.test(chunk) && ++chunks >= MIN_SUMMARY_WORDS) return true;
  return words(text).length >= MIN_SUMMARY_WORDS;
}

