/**
 * Document-supplied strings shown outside a quote (titles, authors, tags, who
 * added a document, source links) are one line of plain text, and a source is
 * a link only when it is an absolute http(s) URL. Applied when a document is
 * read and again when a reply is built, so a file written by hand or an older
 * version cannot slip past.
 */

// Line breaks of every kind (and other control characters) become spaces: a title is one line.
const BREAKS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;
// Invisible formatting: bidirectional overrides and isolates (U+202E turns "txt.exe" into "exe.txt"),
// marks, zero-width space, word joiner and friends, BOM, soft hyphen. Zero-width (non-)joiners stay:
// scripts such as Persian and Devanagari need them.
const INVISIBLE = /[\u00AD\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]/g;

/** One line of plain text: control and bidirectional-override characters removed, runs of space collapsed. */
export function oneLine(text: string): string {
  return text.replace(INVISIBLE, '').replace(BREAKS, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The URL in canonical form (characters such as `<`, `>`, spaces and quotes
 * percent-encoded) when it is an absolute http(s) URL, otherwise undefined.
 */
export function httpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // `)` and `]` are legal in a URL but close Markdown constructs; encoding them keeps the link the same.
  return url.href.replace(/[()[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
