import type { Range } from '../types.js';

/**
 * Escapes Discord markdown so a quoted document renders as its own words:
 * no accidental bold, links, headings, spoilers, code or mention pills.
 * Mentions are also disabled on every message; this keeps `<@123>` readable.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\*_~`|<[\]]/g, '\\$&')
    .replace(/^(\s*)([-+>#]|\d+\.)(\s)/gm, '$1\\$2$3');
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
