import { IngestRefusal } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Windows-1252's printable characters at 0x80–0x9F (the rest of the byte range is Latin-1).
// Spelled out because Node 20's TextDecoder treats 'windows-1252' as plain Latin-1 there.
export const CP1252_HIGH: Record<number, string> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š', 0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž',
  0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

export function decodeCp1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0)] ?? c);
}
// C0 controls other than tab, line feed, form feed and carriage return; C1 controls.
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f\u0080-\u009f]/;

/**
 * Bytes to text: UTF-8 when the bytes are valid UTF-8; otherwise Windows-1252
 * (a superset of Latin-1, what older Western files almost always are) when
 * that reads as text; otherwise a refusal rather than a page of mojibake.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    const text = utf8.decode(bytes);
    if (CONTROL.test(text)) throw new IngestRefusal('That file contains control characters, so it is not a text document.');
    return { text: text.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch (err) {
    if (err instanceof IngestRefusal) throw err;
  }
  const text = decodeCp1252(bytes);
  if (CONTROL.test(text) || !/\p{L}/u.test(text)) {
    throw new IngestRefusal('That file is not UTF-8 text and does not read as Western (Windows-1252) text either. Save it as UTF-8 and send it again.');
  }
  return { text, encoding: 'windows-1252' };
}
