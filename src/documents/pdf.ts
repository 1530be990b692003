
interface TextItem {
  str: string;
  hasEOL: boolean;
  transform: number[];
  height: number;
}

export const MAX_PDF_PAGES = 2000;

/** A PDF that cannot give text: the message says why, in words for the person who added it. */
export class PdfUnreadable extends Error {
  override name = 'PdfUnreadable';
}

/**
 * The text layer of a PDF, one paragraph per line. Lines are joined into a
 * paragraph until the vertical gap to the next line is clearly larger than
 * the usual line spacing, or the page ends. A PDF with no text layer (a scan)
 * is refused with a message that says so.
 */
export async function pdfToText(bytes: Uint8Array): Promise<{ title?: string; text: string }> {
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
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      paragraphs.push(...pageParagraphs(content.items.filter((i) => 'str' in i) as TextItem[]));
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
