import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convert, htmlMainText, MAX_LINE_CHARS } from '../../src/ingest/convert.js';
import { CP1252_HIGH, decodeText } from '../../src/ingest/decode.js';
import { IngestRefusal } from '../../src/ingest/errors.js';
import { makePdf } from '../helpers/pdf.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const REVERSE_1252 = new Map(Object.entries(CP1252_HIGH).map(([byte, ch]) => [ch, Number(byte)]));
const encodeCp1252 = (text: string) => Buffer.from([...text].map((c) => REVERSE_1252.get(c) ?? c.charCodeAt(0)));

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(IngestRefusal);
  return (err as Error).message;
}

// Printable text lines: what a .txt document is made of.
const line = fc.string({ unit: fc.constantFrom(...'abcdefghij KLMNOP.,;:!?-éüßжç’“”0123456789'.split('')), maxLength: 80 });
const textDoc = fc.array(line, { minLength: 1, maxLength: 20 }).map((lines) => lines.join('\n')).filter((s) => /[\p{L}\p{N}]/u.test(s) && !s.startsWith('---'));

describe('convert: text and Markdown', () => {
  it('GIVEN any UTF-8 text document THEN the body is kept verbatim', async () => {
    await fc.assert(
      fc.asyncProperty(textDoc, async (text) => {
        const got = await convert(utf8(text), { name: 'note.txt' });
        expect(got.kind).toBe('text');
        expect(got.body).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('GIVEN text saved as Windows-1252 (not valid UTF-8) THEN it decodes to the same characters', () => {
    // Each non-ASCII character is followed by an ASCII one, so the bytes are never valid UTF-8 by accident.
    const unit = fc.constantFrom('a', 'B', ' ', '.', '\n', 'éa', 'üb', 'çc', '“d', '”e', '€f', '—g', '’s');
    const text = fc.array(unit, { minLength: 1, maxLength: 60 }).map((u) => `x${u.join('')}`);
    fc.assert(
      fc.property(text, (t) => {
        const expected = /[^\x00-\x7f]/.test(t) ? 'windows-1252' : 'utf-8';
        expect(decodeText(encodeCp1252(t))).toEqual({ text: t, encoding: expected });
      }),
      { numRuns: 300 },
    );
  });

  it('GIVEN Windows-1252 smart quotes THEN they decode as quotes, not mojibake', () => {
    expect(decodeText(Buffer.from([0x93, 0x48, 0x69, 0x94, 0x20, 0x63, 0x61, 0x66, 0xe9]))).toEqual({ text: '“Hi” café', encoding: 'windows-1252' });
  });

  it('GIVEN Markdown with its own front matter THEN the metadata is carried and the body excludes it', async () => {
    const got = await convert(utf8('---\ntitle: Own title\nauthor: Jane\n---\n# Heading\n\nBody text.\n'), { name: 'a.md' });
    expect(got).toMatchObject({ kind: 'markdown', ext: '.md', title: 'Own title', body: '# Heading\n\nBody text.\n' });
    expect(got.meta.author).toBe('Jane');
  });

  it('GIVEN empty, whitespace-only, control-character or enormous-line input THEN each is refused with a reason', async () => {
    expect(await refusal(convert(new Uint8Array()))).toBe('That file is empty.');
    expect(await refusal(convert(utf8(' \n\t\n')))).toContain('no text');
    expect(await refusal(convert(utf8('text\u0001more')))).toContain('control characters');
    expect(await refusal(convert(utf8('a'.repeat(MAX_LINE_CHARS + 1))))).toContain(`single line of ${(MAX_LINE_CHARS + 1).toLocaleString('en')} characters`);
  });

  it('GIVEN archives, images and UTF-16 THEN they are refused by their bytes, whatever the name says', async () => {
    expect(await refusal(convert(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), { name: 'notes.txt' }))).toContain('gzip');
    expect(await refusal(convert(Buffer.from('PK\u0003\u0004rest', 'latin1'), { name: 'report.md' }))).toContain('zip');
    expect(await refusal(convert(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2]), { name: 'x.txt' }))).toContain('PNG');
    expect(await refusal(convert(Buffer.from('\ufeffhello', 'utf16le'), { name: 'x.txt' }))).toContain('UTF-16');
    expect(await refusal(convert(Buffer.from([0x41, 0x00, 0x42]), { name: 'x.txt' }))).toContain('binary');
  });

  it('GIVEN arbitrary bytes THEN convert either succeeds or refuses politely, never anything else', async () => {
    const prefix = fc.constantFrom('', '\u001f\u008b', 'PK\u0003\u0004', '<html>', '---\n', '\ufeff', '#');
    await fc.assert(
      fc.asyncProperty(prefix, fc.uint8Array({ maxLength: 300 }), async (p, rest) => {
        const bytes = Buffer.concat([Buffer.from(p, 'latin1'), Buffer.from(rest)]);
        try {
          const converted = await convert(bytes, { name: 'x.txt' });
          expect(/[\p{L}\p{N}]/u.test(converted.body)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(IngestRefusal);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('convert: HTML', () => {
  const page = (article: string) => `<!doctype html><html><head><title>Harbour report</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li><li>Sign in</li></ul></nav>
<main><article><h1>Harbour report</h1>${article}</article></main>
<aside>Most read: ten celebrity diets</aside><footer>© Example Media · Privacy · Cookies</footer></body></html>`;
  const paragraphs = [
    '<p>The harbour authority said that container traffic rose by a fifth over the year, driven mostly by grain and fertiliser.</p>',
    '<p>Dock workers reported longer shifts during the harvest months, and the union asked for more cranes to be leased.</p>',
    '<p>Officials expect the new breakwater to open in the spring, which should shorten waiting times for larger vessels.</p>',
  ].join('\n');

  it('GIVEN an article page THEN the main text is kept and navigation, asides and footers are not', async () => {
    const got = await convert(utf8(page(paragraphs)), { name: 'page.html' });
    expect(got.kind).toBe('html');
    expect(got.title).toBe('Harbour report');
    expect(got.body).toContain('container traffic rose by a fifth');
    expect(got.body).toContain('new breakwater');
    for (const chrome of ['World news', 'Sign in', 'celebrity diets', 'Privacy']) expect(got.body).not.toContain(chrome);
    // One paragraph per line, so citations follow the article's paragraphs.
    expect(got.body.split('\n').filter((l) => l.trim()).length).toBe(3);
  });

  it('GIVEN a page too short for Readability THEN the whole page text is the fallback', () => {
    const got = htmlMainText('<html><head><title>Tiny</title></head><body><p>Just one line.</p></body></html>');
    expect(got).toEqual({ title: 'Tiny', text: expect.stringContaining('Just one line.') });
  });
});

describe('convert: PDF', () => {
  it('GIVEN a PDF with a text layer THEN its lines become paragraphs at the blank-line gaps', async () => {
    const pdf = makePdf([['The treaty was signed in Astana on', 'a cold Tuesday morning.', '', 'Both delegations left before noon.'], ['Page two has its own paragraph.']]);
    const got = await convert(pdf, { name: 'treaty.pdf' });
    expect(got.kind).toBe('pdf');
    expect(got.body.split('\n\n')).toEqual([
      'The treaty was signed in Astana on a cold Tuesday morning.',
      'Both delegations left before noon.',
      'Page two has its own paragraph.',
    ]);
  });

  it('GIVEN a PDF whose paragraphs are all one line, a blank line apart THEN each is its own paragraph', async () => {
    const pdf = makePdf([['Grain corridor memo', '', 'Wheat shipments through the Caspian corridor doubled.', '', 'Insurers raised premiums.']]);
    expect((await convert(pdf, { name: 'memo.pdf' })).body.split('\n\n')).toEqual(['Grain corridor memo', 'Wheat shipments through the Caspian corridor doubled.', 'Insurers raised premiums.']);
  });

  it('GIVEN a PDF without any text (a scan) THEN the refusal says so', async () => {
    expect(await refusal(convert(makePdf([]), { name: 'scan.pdf' }))).toContain('no text layer');
  });

  it('GIVEN a damaged PDF THEN it is refused, not crashed on', async () => {
    expect(await refusal(convert(Buffer.from('%PDF-1.4\nthis is not a pdf at all'), { name: 'bad.pdf' }))).toContain('could not open that PDF');
  });
});
