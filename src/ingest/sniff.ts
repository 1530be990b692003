import { IngestRefusal } from './errors.js';

export type Kind = 'pdf' | 'html' | 'markdown' | 'text';

const SIGNATURES: { bytes: number[]; what: string }[] = [
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive (Word, Excel and similar files are zip archives too)' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'a zip archive' },
  { bytes: [0x42, 0x5a, 0x68], what: 'a bzip2 archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz archive' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-zip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21], what: 'a rar archive' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Office document' },
];

const HTML_MARKER = /^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<!--|<(?:meta|title|article|main|div|p|h1)[\s>])/i;
const MARKDOWN_EXT = /\.(?:md|markdown)$/i;

function startsWith(bytes: Uint8Array, sig: number[], at = 0): boolean {
  return sig.every((b, i) => bytes[at + i] === b);
}

/**
 * What the bytes are, decided from the bytes themselves: names and declared
 * content types only break the tie between Markdown and plain text, which
 * look the same. Archives and other binaries are refused here, before any
 * decoding: nothing is ever decompressed, so a zip bomb has nothing to expand.
 */
export function sniff(bytes: Uint8Array, hint: { name?: string; contentType?: string } = {}): Kind {
  if (bytes.length === 0) throw new IngestRefusal('That file is empty.');
  const head = bytes.subarray(0, 1024);
  // %PDF may follow a little junk; readers accept it within the first kilobyte.
  const latin = Buffer.from(head).toString('latin1');
  if (latin.includes('%PDF-')) return 'pdf';
  const bom = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  for (const sig of SIGNATURES) {
    if (startsWith(bytes, sig.bytes, bom)) throw new IngestRefusal(`That file is ${sig.what}, not a document I can read. Send .txt, .md, .html or .pdf.`);
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    throw new IngestRefusal('That file is UTF-16 text; please save it as UTF-8 and send it again.');
  }
  if (head.includes(0)) throw new IngestRefusal('That file is binary, not text. Send .txt, .md, .html or .pdf.');
  const text = latin.slice(bom);
  if (HTML_MARKER.test(text) || /<html[\s>]/i.test(text)) return 'html';
  if (MARKDOWN_EXT.test(hint.name ?? '') || /markdown/i.test(hint.contentType ?? '')) return 'markdown';
  return 'text';
}
