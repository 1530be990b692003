import { posix } from 'node:path';
import type { Doc, DocumentMeta, Paragraph } from '../types.js';
import { fold } from '../text/normalize.js';
import { splitParagraphs, splitSentences, toParagraphs } from '../text/segment.js';
import { parseFrontMatter, type FrontMatter } from './frontmatter.js';
import { htmlToText } from './html.js';
import { slugify } from './slug.js';
import { oneLine } from '../text/plain.js';

export const DOCUMENT_EXTENSIONS = ['.txt', '.md', '.html', '.htm'] as const;
export type DocumentExt = (typeof DOCUMENT_EXTENSIONS)[number];

export function isDocumentExt(ext: string): ext is DocumentExt {
  return (DOCUMENT_EXTENSIONS as readonly string[]).includes(ext);
}

export interface ParseInput {
  /** Relative to the data directory, forward slashes. */
  path: string;
  raw: string;
  ext: DocumentExt;
}

/** A parsed document plus whether its slug was chosen in front matter (which wins collisions). */
export interface ParsedDocument {
  doc: Doc;
  slugPinned: boolean;
}

interface Body {
  title?: string;
  texts: string[];
}

const LINE_BREAK = /\r\n|\r|\n/;
// A longer "first line" is a paragraph that happens to be followed by a blank line.
const MAX_TITLE_LINE = 200;
const TITLE_CUT = 80;

function sameText(a: string, b: string): boolean {
  return fold(a).replace(/\s+/g, ' ').trim() === fold(b).replace(/\s+/g, ' ').trim();
}

/**
 * Plain text. Without a known title, a first line followed by a blank line is
 * the title. With one, a first line that merely repeats it is dropped so it
 * does not become paragraph 1.
 */
function fromPlainText(body: string, knownTitle: string | undefined, firstLineMayBeTitle: boolean): Body {
  const lines = body.split(LINE_BREAK);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first === -1) return { title: knownTitle, texts: [] };
  const firstLine = lines[first]!.trim();
  const rest = () => splitParagraphs(lines.slice(first + 1).join('\n'));

  if (knownTitle !== undefined) {
    return sameText(firstLine, knownTitle) ? { title: knownTitle, texts: rest() } : { title: knownTitle, texts: splitParagraphs(body) };
  }
  if (firstLineMayBeTitle && firstLine.length <= MAX_TITLE_LINE && (lines[first + 1] ?? 'x').trim() === '') {
    const texts = rest();
    // A one-paragraph file keeps its only paragraph rather than becoming an empty doc.
    if (texts.length > 0) return { title: firstLine, texts };
  }
  return { texts: splitParagraphs(body) };
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HORIZONTAL_RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const SETEXT_H1 = /^ {0,3}=+[ \t]*$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$/;
const IMAGE = String.raw`!\[[^\]]*\]\([^)]*\)`;
const IMAGE_ONLY = new RegExp(String.raw`^\s*(?:(?:${IMAGE}|\[${IMAGE}\]\([^)]*\)|<img\b[^>]*>)\s*)+$`, 'i');
const BLOCKQUOTE = /^>[ \t]?/;
const HEADING = /^(#{1,6})(?:[ \t]+|$)/;
const LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])[ \t]+/;
const TASK_BOX = /^\[[ xX]\][ \t]+/;

/**
 * Markdown, one paragraph per line like plain text, minus structure: the first
 * `#` heading is the title (when front matter has none); other headings, list
 * items and block quotes lose their markers; code, rules, comments and
 * image-only lines are not prose and are skipped. Inline markup stays verbatim.
 */
function fromMarkdown(body: string, knownTitle: string | undefined): Body {
  // Blank out comments but keep their line breaks, so line structure survives.
  const src = body.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\r\n]/g, ''));
  const lines = src.split(LINE_BREAK);
  const texts: string[] = [];
  let title = knownTitle;
  let seenH1 = false;
  let fence: string | undefined;
  // Index in `texts` of a paragraph taken from the line just before, for setext `===` headings.
  let previous: number | undefined;

  const takeH1 = (text: string): boolean => {
    const first = !seenH1;
    seenH1 = true;
    if (!first) return false;
    if (title === undefined) {
      title = text;
      return true;
    }
    return sameText(text, title);
  };

  for (const rawLine of lines) {
    const justBefore = previous;
    previous = undefined;

    const fenceMatch = FENCE.exec(rawLine);
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length && rawLine.trim() === fenceMatch[1]) fence = undefined;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      continue;
    }
    if (SETEXT_H1.test(rawLine)) {
      if (justBefore !== undefined && justBefore === texts.length - 1 && takeH1(texts[justBefore]!)) texts.pop();
      continue;
    }
    if (HORIZONTAL_RULE.test(rawLine) || TABLE_DELIMITER.test(rawLine) || IMAGE_ONLY.test(rawLine)) continue;

    let line = rawLine.trim();
    while (BLOCKQUOTE.test(line)) line = line.replace(BLOCKQUOTE, '').trimStart();

    const heading = HEADING.exec(line);
    if (heading) {
      const text = line.slice(heading[0].length).replace(/[ \t]+#+[ \t]*$/, '').replace(/^#+$/, '').trim();
      if (text === '') continue;
      if (heading[1] === '#' && takeH1(text)) continue;
      texts.push(text);
      continue;
    }

    line = line.replace(LIST_ITEM, '').replace(TASK_BOX, '').trim();
    if (line === '') continue;
    texts.push(line);
    previous = texts.length - 1;
  }
  return { title, texts };
}

/** First sentence of the text, cut on a word boundary near 80 characters. */
function titleFromParagraphs(paragraphs: Paragraph[]): string | undefined {
  const first = paragraphs[0];
  if (!first) return undefined;
  const sentence = first.sentences[0] ?? splitSentences(first.text)[0] ?? first.text;
  if (sentence.length <= TITLE_CUT) return sentence.replace(/(?<!\.)\.$/, '');
  const head = sentence.slice(0, TITLE_CUT + 1);
  const space = head.search(/\s\S*$/);
  const cut = space > TITLE_CUT / 4 ? head.slice(0, space) : sentence.slice(0, TITLE_CUT);
  return `${cut.replace(/[\s,;:.\-–—]+$/u, '')}…`;
}

function baseName(path: string): string {
  const base = posix.basename(path);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Every field shown in replies is one line of plain text (see text/plain.ts); the title falls back to the file name. */
function buildMeta(data: FrontMatter, title: string, fallbackTitle: string): DocumentMeta {
  const tags = [...new Set((data.tags ?? []).map(oneLine).filter((t) => t !== ''))];
  const meta: DocumentMeta = { title: oneLine(title) || oneLine(fallbackTitle) || 'Untitled', tags };
  if (data.source !== undefined) meta.source = data.source;
  const author = oneLine(data.author ?? '');
  if (author !== '') meta.author = author;
  if (data.published !== undefined) meta.published = data.published;
  const addedBy = oneLine(data.added_by ?? '');
  if (addedBy !== '') meta.addedBy = addedBy;
  if (data.added_at !== undefined) meta.addedAt = data.added_at;
  if (data.hash !== undefined && data.hash !== '') meta.hash = data.hash;
  return meta;
}

/** Like parseDocument, also reporting whether the slug was pinned in front matter. */
export function parseDocumentDetailed(input: ParseInput): ParsedDocument {
  const { data, body } = parseFrontMatter(input.raw, input.path);
  let parsed: Body;
  switch (input.ext) {
    case '.txt':
      parsed = fromPlainText(body, data.title, true);
      break;
    case '.md':
      parsed = fromMarkdown(body, data.title);
      break;
    case '.html':
    case '.htm': {
      const html = htmlToText(body);
      // html-to-text puts a blank line after every block, so the plain-text
      // "first line + blank line" title rule would always eat paragraph 1.
      parsed = fromPlainText(html.text, data.title ?? html.title, false);
      break;
    }
  }
  const paragraphs = toParagraphs(parsed.texts);
  const title = parsed.title ?? titleFromParagraphs(paragraphs) ?? baseName(input.path);
  const doc: Doc = {
    slug: data.slug ?? slugify(baseName(input.path)),
    path: input.path,
    meta: buildMeta(data, title, baseName(input.path)),
    paragraphs,
  };
  return { doc, slugPinned: data.slug !== undefined };
}

/**
 * Parses one document. Throws DocumentError for malformed front matter. The
 * slug is the front-matter `slug` or the slugified file name; uniqueness across
 * a library is the loader's job.
 */
export function parseDocument(input: ParseInput): Doc {
  return parseDocumentDetailed(input).doc;
}
