import { convert, type HtmlToTextOptions } from 'html-to-text';
import { fold } from '../text/normalize.js';

const HEADING_SELECTORS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
  selector,
  options: { uppercase: false },
}));

const OPTIONS: HtmlToTextOptions = {
  // One block element per line: the paragraph splitter treats each line as a paragraph.
  wordwrap: false,
  selectors: [
    ...HEADING_SELECTORS,
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    // Page chrome and non-text elements are never quotable content.
    { selector: 'nav', format: 'skip' },
    { selector: 'noscript', format: 'skip' },
    { selector: 'template', format: 'skip' },
    { selector: 'svg', format: 'skip' },
    { selector: 'iframe', format: 'skip' },
    { selector: 'button', format: 'skip' },
    // List markers are structure, not text (the Markdown parser strips them too).
    // (the list formatters cannot drop the prefix: an empty itemPrefix falls back to ' * ').
    { selector: 'ul', format: 'block' },
    { selector: 'ol', format: 'block' },
    { selector: 'li', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'blockquote', format: 'block' },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
};

const TITLE = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i;
const FIRST_H1 = /<h1\b[^>]*>([\s\S]*?)<\/h1\s*>/i;

/** Text content of an HTML fragment, entities decoded, whitespace collapsed. */
function inlineText(fragment: string): string {
  return convert(`<p>${fragment}</p>`, OPTIONS).replace(/\s+/g, ' ').trim();
}

/**
 * HTML to plain text, one block per line, and the page title (`<title>`, else
 * the first `<h1>`). When the title comes from the `<h1>`, that heading is left
 * out of the text so it does not become paragraph 1.
 * Kept as one function so a readability-style extractor can replace it later.
 */
export function htmlToText(html: string): { title?: string; text: string } {
  let title: string | undefined;
  let body = html;

  const titleMatch = TITLE.exec(html);
  if (titleMatch) title = inlineText(titleMatch[1] ?? '') || undefined;

  const h1 = FIRST_H1.exec(html);
  if (h1) {
    const h1Text = inlineText(h1[1] ?? '');
    if (title === undefined && h1Text !== '') title = h1Text;
    if (title !== undefined && fold(h1Text) === fold(title)) {
      body = html.slice(0, h1.index) + html.slice(h1.index + h1[0].length);
    }
  }

  const text = convert(body, OPTIONS);
  return title === undefined ? { text } : { title, text };
}
