import { httpUrl, oneLine } from '../text/plain.js';
import type { Range } from '../types.js';

/**
 * Escapes Discord markdown so a quoted document renders as its own words:
 * no accidental bold, links, headings, spoilers, code or mention pills.
 * Mentions are also disabled on every message; this keeps `<@123>` readable.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_~`|<[\]]/g, '\\$&').replace(BLOCK_MARKER, '$1\\$2').replace(ORDERED_ITEM, '$1$2\\$3');
}

/**
 * Every block-level marker Discord renders at the start of a line (and so of
 * a quoted line): headings `#`, `##`, `###`, subtext `-#`, quotes `>` and
 * `>>>`, list items `-`, `+`, `*` (already escaped above); `1.` / `1)` below.
 * A backslash before its first character leaves the words as they are.
 */
const BLOCK_MARKER = /^([ \t]*)(#{1,3}(?=[ \t])|-#(?=[ \t])|>{1,3}|[-+](?=[ \t]))/gm;
// A backslash escapes punctuation only, so an ordered item's `.` or `)` is escaped, not its number.
const ORDERED_ITEM = /^([ \t]*)(\d{1,9})([.)])(?=[ \t])/gm;

/** A document-supplied string shown outside a quote (a title, an author): one line, markdown escaped. */
export function plainText(text: string): string {
  return escapeMarkdown(oneLine(text));
}

/** A document's source as a plain `<url>` (never a masked link, never unfurled), or nothing unless it is an absolute http(s) URL. */
export function sourceLink(source: string | undefined): string | undefined {
  const url = httpUrl(source);
  return url && `<${url}>`;
}

/** A span of code that survives any content (citations, user input). */
export function code(text: string): string {
  const clean = text.replace(/`/g, 'ˋ').replace(/\n/g, ' ');
  return `\`${clean}\``;
}

export interface QuoteOptions {
  highlights?: readonly Range[];
  /** Longest passage to show, in source characters; longer ones are cut at word boundaries around the first match. */
  maxChars?: number;
}

/** The window of `text` to show: whole when it fits, else centred on the first highlight, cut at spaces. */
function window(text: string, highlights: readonly Range[], max: number): [number, number] {
  if (text.length <= max) return [0, text.length];
  const focus = highlights[0]?.[0] ?? 0;
  let start = Math.max(0, focus - Math.floor(max / 4));
  if (start > 0) {
    const space = text.lastIndexOf(' ', start);
    start = space > 0 ? space + 1 : 0;
  }
  let end = Math.min(text.length, start + max);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  return [start, end];
}

/**
 * A verbatim passage as a Discord block quote, matched words in bold. Only
 * markdown is added; the words are the source's own.
 */
export function blockQuote(text: string, { highlights = [], maxChars = 1500 }: QuoteOptions = {}): string {
  const [start, end] = window(text, highlights, maxChars);
  let out = start > 0 ? '… ' : '';
  let pos = start;
  for (const [s, e] of highlights) {
    const hs = Math.max(s, start);
    const he = Math.min(e, end);
    if (he <= hs || hs < pos) continue;
    out += escapeMarkdown(text.slice(pos, hs)) + '**' + escapeMarkdown(text.slice(hs, he)) + '**';
    pos = he;
  }
  out += escapeMarkdown(text.slice(pos, end));
  if (end < text.length) out += ' …';
  return out
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** Small grey line under a passage (Discord's `-#` subtext). */
export function subtext(text: string): string {
  return `-# ${text}`;
}
