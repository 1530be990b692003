import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { parseFrontMatter, type FrontMatter } from '../documents/frontmatter.js';
import { htmlToText } from '../documents/html.js';
import { decodeText } from './decode.js';
import { IngestRefusal } from './errors.js';
import { pdfToText, PdfUnreadable } from '../documents/pdf.js';
import { sniff, type Kind } from './sniff.js';

export interface Converted {
  kind: Kind;
  /** How the body is stored: Markdown stays Markdown, everything else becomes plain text. */
  ext: '.txt' | '.md';
  /** From the document itself (front matter, <title>, PDF metadata), when it has one. */
  title?: string;
  /** Front matter the document came with (Markdown and text files may have their own). */
  meta: FrontMatter;
  body: string;
}

/** Longer than this on one line is a data dump or minified file, not prose. */
export const MAX_LINE_CHARS = 50_000;

/**
 * Bytes in any accepted format to a document body the existing parser reads:
 * text and Markdown verbatim, HTML as its main article text, PDF as its text
 * layer. Every refusal says why.
 */
export async function convert(bytes: Uint8Array, hint: { name?: string; contentType?: string; maxBytes?: number } = {}): Promise<Converted> {
  const kind = sniff(bytes, hint);
  let converted: Converted;
  if (kind === 'pdf') {
    const { title, text } = await pdfToText(bytes, { maxTextBytes: hint.maxBytes }).catch((err: unknown) => {
      throw err instanceof PdfUnreadable ? new IngestRefusal(err.message) : err;
    });
    converted = { kind, ext: '.txt', title, meta: {}, body: text };
  } else {
    const { text } = decodeText(bytes);
    if (kind === 'html') {
      const { title, text: body } = htmlMainText(text);
      converted = { kind, ext: '.txt', title, meta: {}, body };
    } else {
      let parsed;
      try {
        parsed = parseFrontMatter(text);
      } catch (err) {
        throw new IngestRefusal(`The document's front matter is not valid: ${(err as Error).message.slice(0, 200)}`);
      }
      converted = { kind, ext: kind === 'markdown' ? '.md' : '.txt', title: parsed.data.title, meta: parsed.data, body: parsed.body };
    }
  }
  checkBody(converted.body);
  return converted;
}

function checkBody(body: string): void {
  if (!/[\p{L}\p{N}]/u.test(body)) throw new IngestRefusal('That document has no text to index.');
  let longest = 0;
  for (const line of body.split(/\r\n|\r|\n/)) longest = Math.max(longest, line.length);
  if (longest > MAX_LINE_CHARS) {
    throw new IngestRefusal(
      `That document has a single line of ${longest.toLocaleString('en')} characters (the limit is ${MAX_LINE_CHARS.toLocaleString('en')}); it looks like data or minified code rather than prose. Put paragraphs on their own lines.`,
    );
  }
}

// Fewer characters than this from Readability means it missed the article.
const MIN_ARTICLE_CHARS = 200;

/** The page's article text (navigation, footers and ads left out), one block per line. */
export function htmlMainText(html: string): { title?: string; text: string } {
  const whole = htmlToText(html);
  try {
    const { document } = parseHTML(html);
    const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { charThreshold: MIN_ARTICLE_CHARS }).parse();
    if (article?.content && (article.textContent ?? '').trim().length >= MIN_ARTICLE_CHARS) {
      const main = htmlToText(article.content);
      return { title: article.title?.trim() || whole.title || main.title, text: main.text };
    }
  } catch {
    // Readability gives up on some pages; the whole page's text is the fallback.
  }
  return whole;
}
