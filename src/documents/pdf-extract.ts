/**
 * The PDF text layer extraction itself, with pdf.js. It runs only inside the
 * worker thread started by pdf.ts, which bounds its memory and time: a
 * crafted PDF (a compression bomb in a content stream) can make pdf.js work
 * for minutes and take gigabytes, and that must never be the bot's own thread.
 */
import { PdfUnreadable } from './pdf-errors.js';

interface TextItem {
  str: string;
  hasEOL: boolean;
  transform: number[];
  height: number;
}

export const MAX_PDF_PAGES = 2000;

/**
 * The text layer of a PDF, one paragraph per line. Lines are joined into a
 * paragraph until the vertical gap to the next line is clearly larger than
 * the usual line spacing, or the page ends. A PDF with no text layer (a scan)
 * is refused with a message that says so.
 */
export async function extractPdfText(bytes: Uint8Array, maxTextChars: number): Promise<{ title?: string; text: string }> {
  // Loaded on first use: pdf.js takes a while to import and most documents are not PDFs.
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let pdf;
  try {
    pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
  } catch (err) {
    const reason = (err as Error).name === 'PasswordException' ? 'it is password-protected' : 'it is damaged or not really a PDF';
    throw new PdfUnreadable(`I could not open that PDF: ${reason}.`);
  }
  try {
    if (pdf.numPages > MAX_PDF_PAGES) throw new PdfUnreadable(`That PDF has ${pdf.numPages} pages; the limit is ${MAX_PDF_PAGES}.`);
    const paragraphs: string[] = [];
    let chars = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      // Streamed, so a page whose text runs past the limit is stopped part-way rather than read whole.
      const items: TextItem[] = [];
      const reader = page.streamTextContent().getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const item of (value as { items: object[] }).items) {
          if (!('str' in item)) continue;
          items.push(item as TextItem);
          chars += (item as TextItem).str.length;
        }
        if (chars > maxTextChars) {
          // Not awaited: pdf.js settles a cancelled text stream only when the page's parse ends, which is what is being avoided.
          void reader.cancel(new Error('text limit reached')).catch(() => {});
          throw new PdfUnreadable(`That PDF holds more text than a document may (${maxTextChars.toLocaleString('en')} characters).`);
        }
      }
      paragraphs.push(...pageParagraphs(items));
      page.cleanup();
    }
    if (!paragraphs.some((p) => /\p{L}/u.test(p))) {
      throw new PdfUnreadable('That PDF has no text layer (it looks like a scan or images only), so there is nothing to quote. Run it through OCR first, or send the text.');
    }
    const info = (await pdf.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    const title = typeof info?.Title === 'string' && info.Title.trim() ? info.Title.trim() : undefined;
    return { title, text: paragraphs.join('\n\n') };
  } finally {
    await pdf.destroy();
  }
}

function pageParagraphs(items: TextItem[]): string[] {
  const lines: { text: string; y: number; height: number }[] = [];
  let current = '';
  let y: number | undefined;
  let height = 0;
  const flush = () => {
    if (current.trim() !== '' && y !== undefined) lines.push({ text: current.replace(/\s+/g, ' ').trim(), y, height });
    current = '';
    y = undefined;
  };
  for (const item of items) {
    if (y === undefined) {
      y = item.transform[5] ?? 0;
      height = item.height || 10;
    }
    current += item.str;
    if (item.hasEOL) flush();
  }
  flush();

  const gaps = lines.slice(1).map((l, i) => Math.abs(lines[i]!.y - l.y)).filter((g) => g > 0).sort((a, b) => a - b);
  // The lower quartile: the ordinary line spacing even when many paragraph gaps are present.
  const usual = gaps[Math.floor(gaps.length / 4)] ?? 0;
  const out: string[] = [];
  let paragraph = '';
  lines.forEach((line, i) => {
    const gap = i === 0 ? 0 : Math.abs(lines[i - 1]!.y - line.y);
    // When even the usual spacing is a blank line's worth, every line is its own paragraph.
    const breakAt = usual > line.height * 1.6 ? line.height * 1.6 : Math.max(usual * 1.4, line.height * 1.8);
    if (paragraph && gap > breakAt) {
      out.push(paragraph);
      paragraph = '';
    }
    // A word hyphenated across lines is one word again.
    paragraph = !paragraph ? line.text : /\p{Ll}-$/u.test(paragraph) && /^\p{Ll}/u.test(line.text) ? paragraph.slice(0, -1) + line.text : `${paragraph} ${line.text}`;
  });
  if (paragraph) out.push(paragraph);
  return out;
}
