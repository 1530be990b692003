import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/documents/errors.js';
import { parseFrontMatter } from '../../src/documents/frontmatter.js';
import { htmlToText } from '../../src/documents/html.js';
import {
  assignUniqueSlugs,
  isDocumentPath,
  loadDocumentFile,
  loadDocuments,
  oversizedFiles,
  type WarnLogger,
} from '../../src/documents/load.js';
import { parseDocument, parseDocumentDetailed, type DocumentExt } from '../../src/documents/parse.js';
import { slugify } from '../../src/documents/slug.js';
import type { Doc } from '../../src/types.js';
import { makePdf } from '../helpers/pdf.js';

const parse = (path: string, raw: string): Doc =>
  parseDocument({ path, raw, ext: path.slice(path.lastIndexOf('.')) as DocumentExt });
const texts = (doc: Doc) => doc.paragraphs.map((p) => p.text);

function frontMatterError(raw: string): DocumentError {
  try {
    parseFrontMatter(raw, 'notes/file.md');
  } catch (err) {
    expect(err).toBeInstanceOf(DocumentError);
    return err as DocumentError;
  }
  throw new Error('expected a DocumentError');
}

describe('parseFrontMatter', () => {
  it('GIVEN every known field THEN they are validated and normalised', () => {
    const raw = [
      '---',
      'title: Energy talks',
      'slug: Énergie Talks!',
      'source: https://example.com/a?b=c',
      'author: Jane Roe',
      'published: 2024-07-04',
      'tags: [russia, pakistan, russia]',
      'added_by: 123456789012345678',
      'added_at: 2024-07-05T10:00:00Z',
      'hash: abc123',
      'extra: kept',
      '---',
      'Body line.',
    ].join('\n');
    expect(parseFrontMatter(raw)).toEqual({
      data: {
        title: 'Energy talks',
        slug: 'energie-talks',
        source: 'https://example.com/a?b=c',
        author: 'Jane Roe',
        published: '2024-07-04',
        tags: ['russia', 'pakistan'],
        // Discord ids are bigger than 2^53: they must not lose digits.
        added_by: '123456789012345678',
        added_at: '2024-07-05T10:00:00Z',
        hash: 'abc123',
        extra: 'kept',
      },
      body: 'Body line.',
    });
  });

  it('GIVEN no front matter THEN the whole text is the body', () => {
    expect(parseFrontMatter('Just text.\n---\nmore')).toEqual({ data: {}, body: 'Just text.\n---\nmore' });
  });

  it('GIVEN a BOM and CRLF line endings THEN the front matter is still found', () => {
    expect(parseFrontMatter('\uFEFF---\r\ntitle: T\r\n---\r\nBody.')).toEqual({ data: { title: 'T' }, body: 'Body.' });
  });

  it('GIVEN an empty front matter or empty fields THEN they count as absent', () => {
    expect(parseFrontMatter('---\n---\nBody.')).toEqual({ data: {}, body: 'Body.' });
    expect(parseFrontMatter('---\nauthor:\ntags:\n---\nBody.').data).toEqual({ author: undefined, tags: undefined });
  });

  it('GIVEN tags as a comma string THEN they become a trimmed list', () => {
    expect(parseFrontMatter('---\ntags: energy, trade ,, sco\n---\n').data.tags).toEqual(['energy', 'trade', 'sco']);
  });

  it('GIVEN a YAML timestamp (a Date) for published THEN it becomes YYYY-MM-DD', () => {
    expect(parseFrontMatter('---\npublished: !!timestamp 2024-07-04\n---\n').data.published).toBe('2024-07-04');
    expect(parseFrontMatter('---\npublished: 2024-07-04T23:00:00Z\n---\n').data.published).toBe('2024-07-04');
  });

  it('GIVEN an impossible or non-ISO date THEN the error names the file and the field', () => {
    for (const value of ['2024-02-30', 'July 4, 2024', '2024']) {
      const err = frontMatterError(`---\npublished: ${value}\n---\nBody.`);
      expect(err.message).toBe('notes/file.md: front matter field "published" must be a date (YYYY-MM-DD)');
      expect(err.field).toBe('published');
      expect(err.path).toBe('notes/file.md');
    }
  });

  it('GIVEN bad YAML THEN the error names the file and says where', () => {
    const err = frontMatterError('---\ntitle: [unclosed\nauthor: x\n---\nBody.');
    expect(err.message).toMatch(/^notes\/file\.md: front matter is not valid YAML: .*line \d+/);
  });

  it('GIVEN duplicate keys THEN it is bad YAML', () => {
    expect(frontMatterError('---\ntitle: a\ntitle: b\n---\n').message).toMatch(/not valid YAML/);
  });

  it('GIVEN a non-http(s) or malformed source URL THEN the source is dropped and the document still reads', () => {
    for (const value of ['ftp://example.com/x', 'javascript:alert(1)', 'example.com/page', '42']) {
      expect(parseFrontMatter(`---\nsource: ${value}\n---\nBody.`).data.source).toBeUndefined();
    }
  });

  it('GIVEN wrong types THEN the error names the field', () => {
    expect(frontMatterError('---\ntags: {a: 1}\n---\n').field).toBe('tags');
    expect(frontMatterError('---\ntitle: [a, b]\n---\n').message).toBe('notes/file.md: front matter field "title" must be text');
    expect(frontMatterError('---\nslug: "!!!"\n---\n').message).toContain('"slug" must contain letters or digits');
  });

  it('GIVEN a front matter that is a list or unclosed THEN it is an error', () => {
    expect(frontMatterError('---\n- a\n- b\n---\n').message).toContain('must be a YAML mapping');
    expect(frontMatterError('---\ntitle: x\nBody.').message).toContain('no closing `---`');
  });
});

describe('slugify', () => {
  it('GIVEN accents, punctuation and case THEN it is lower-case ASCII with single dashes', () => {
    expect(slugify('Crème Brûlée — Straße & Co.')).toBe('creme-brulee-strasse-co');
    expect(slugify("Putin's  SCO   speech!")).toBe('putins-sco-speech');
    expect(slugify('--a__b--')).toBe('a-b');
  });

  it('GIVEN a long string THEN it is at most 60 characters and does not end in a dash', () => {
    const slug = slugify('word '.repeat(40));
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('GIVEN nothing usable THEN the slug is "doc"', () => {
    expect(slugify('')).toBe('doc');
    expect(slugify('日本語')).toBe('doc');
    expect(slugify('!!!')).toBe('doc');
  });
});

describe('parseDocument: .txt', () => {
  it('GIVEN a first line followed by a blank line THEN it is the title and not a paragraph', () => {
    const doc = parse('a/brief.txt', 'Energy Talks\n\nFirst paragraph. Two sentences.\nSecond paragraph.\n');
    expect(doc.meta.title).toBe('Energy Talks');
    expect(doc.slug).toBe('brief');
    expect(doc.path).toBe('a/brief.txt');
    expect(doc.paragraphs).toEqual([
      { index: 1, text: 'First paragraph. Two sentences.', sentences: ['First paragraph.', 'Two sentences.'] },
      { index: 2, text: 'Second paragraph.', sentences: ['Second paragraph.'] },
    ]);
  });

  it('GIVEN no title line THEN the title is the first sentence and every line is a paragraph', () => {
    const doc = parse('x.txt', 'Short opener. More text.\nNext paragraph.');
    expect(doc.meta.title).toBe('Short opener');
    expect(texts(doc)).toEqual(['Short opener. More text.', 'Next paragraph.']);
  });

  it('GIVEN a long first sentence THEN the title is cut on a word boundary near 80 characters with "…"', () => {
    const first =
      'South Asia observers were closely following the meeting between Russian President Putin and Pakistani Prime Minister Shehbaz Sharif.';
    const doc = parse('x.txt', `${first}\nMore.`);
    expect(doc.meta.title).toBe('South Asia observers were closely following the meeting between Russian…');
    expect(doc.meta.title.length).toBeLessThanOrEqual(81);
    expect(doc.paragraphs[0]!.text).toBe(first);
  });

  it('GIVEN a front-matter title THEN the first line stays a paragraph', () => {
    const doc = parse('x.txt', '---\ntitle: Given\n---\nHeadline\n\nBody.');
    expect(doc.meta.title).toBe('Given');
    expect(texts(doc)).toEqual(['Headline', 'Body.']);
  });

  it('GIVEN a first line repeating the front-matter title THEN it is not a paragraph', () => {
    const doc = parse('x.txt', '---\ntitle: Energy Talks\n---\nEnergy talks\n\nBody.');
    expect(texts(doc)).toEqual(['Body.']);
  });

  it('GIVEN a single line followed by a blank line and nothing else THEN it stays the only paragraph', () => {
    expect(texts(parse('x.txt', 'Only line.\n\n'))).toEqual(['Only line.']);
  });

  it('GIVEN front matter THEN meta carries it and the slug is pinned', () => {
    const parsed = parseDocumentDetailed({
      path: 'x.txt',
      raw: '---\nslug: pinned\nsource: https://e.com\ntags: a,b\n---\nTitle\n\nBody.',
      ext: '.txt',
    });
    expect(parsed.slugPinned).toBe(true);
    expect(parsed.doc.slug).toBe('pinned');
    expect(parsed.doc.meta).toEqual({ title: 'Title', source: 'https://e.com/', tags: ['a', 'b'] });
  });
});

describe('parseDocument: .md', () => {
  const md = [
    '<!-- editor note',
    'spanning lines -->',
    '# The **Title**',
    '',
    'Intro with **bold** and [a link](https://x.com). Second sentence.',
    '',
    '## Section two ##',
    '- item one',
    '* item two',
    '+ item three',
    '1. numbered',
    '2) also numbered',
    '> quoted text',
    '> > nested quote',
    '> - quoted item',
    '- [x] done task',
    '![diagram](a.png)',
    '[![badge](b.svg)](https://ci)',
    '---',
    '***',
    '```js',
    'const x = 1;',
    '# not a heading',
    '```',
    '~~~',
    'tilde code',
    '~~~',
    'Text <!-- hidden --> after.',
    '# Second H1',
    '#hashtag is not a heading',
    '',
  ].join('\n');

  it('GIVEN the first # heading THEN it is the title and not a paragraph', () => {
    expect(parse('notes.md', md).meta.title).toBe('The **Title**');
  });

  it('GIVEN headings, lists and quotes THEN markers are stripped and inline text kept verbatim', () => {
    expect(texts(parse('notes.md', md))).toEqual([
      'Intro with **bold** and [a link](https://x.com). Second sentence.',
      'Section two',
      'item one',
      'item two',
      'item three',
      'numbered',
      'also numbered',
      'quoted text',
      'nested quote',
      'quoted item',
      'done task',
      'Text  after.',
      'Second H1',
      '#hashtag is not a heading',
    ]);
  });

  it('GIVEN the title heading THEN paragraph numbering starts after it', () => {
    const doc = parse('notes.md', md);
    expect(doc.paragraphs[0]!.index).toBe(1);
    expect(doc.paragraphs[0]!.sentences).toEqual(['Intro with **bold** and [a link](https://x.com).', 'Second sentence.']);
    expect(doc.paragraphs.map((p) => p.index)).toEqual(doc.paragraphs.map((_, i) => i + 1));
  });

  it('GIVEN a front-matter title THEN a different # heading is a paragraph', () => {
    const doc = parse('n.md', '---\ntitle: From YAML\n---\n# Heading\n\nBody.');
    expect(doc.meta.title).toBe('From YAML');
    expect(texts(doc)).toEqual(['Heading', 'Body.']);
  });

  it('GIVEN a setext heading THEN it is the title', () => {
    const doc = parse('n.md', 'Big Title\n=========\n\nBody.');
    expect(doc.meta.title).toBe('Big Title');
    expect(texts(doc)).toEqual(['Body.']);
  });

  it('GIVEN no heading THEN the title comes from the first sentence', () => {
    const doc = parse('n.md', 'First words here. More.\n\n- item');
    expect(doc.meta.title).toBe('First words here');
    expect(texts(doc)).toEqual(['First words here. More.', 'item']);
  });
});

describe('parseDocument: .html', () => {
  const html = `<!doctype html><html><head><title>Page &amp; Title</title><style>p{color:red}</style>
<script>var x = "not text";</script></head><body><nav><a href="/">Home</a></nav>
<h1>Headline</h1>
<p>Hello <a href="https://example.com/x">there</a>, see <img src="a.png" alt="pic">this. Second&nbsp;sentence.</p>
<ul><li>one</li><li>two</li></ul>
<table><tr><th>Name</th><th>Value</th></tr><tr><td>oil</td><td>42</td></tr></table>
<p>“Quoted.” Last.</p></body></html>`;

  it('GIVEN a <title> THEN it is the title and the text keeps links as text only, without images or chrome', () => {
    const doc = parse('page.html', html);
    expect(doc.meta.title).toBe('Page & Title');
    expect(texts(doc)).toEqual([
      'Headline',
      'Hello there, see this. Second\u00a0sentence.',
      'one',
      'two',
      expect.stringMatching(/^Name\s+Value$/),
      expect.stringMatching(/^oil\s+42$/),
      '“Quoted.” Last.',
    ]);
    expect(doc.paragraphs.every((p) => !/https?:|\[|pic|var x/.test(p.text))).toBe(true);
  });

  it('GIVEN no <title> THEN the first <h1> is the title and not a paragraph', () => {
    const doc = parse('page.htm', '<h1>The <em>Headline</em></h1><p>Body one.</p><h1>Another</h1><p>Body two.</p>');
    expect(doc.meta.title).toBe('The Headline');
    expect(texts(doc)).toEqual(['Body one.', 'Another', 'Body two.']);
  });

  it('GIVEN an <h1> equal to the <title> THEN it is not repeated as paragraph 1', () => {
    expect(texts(parse('p.html', '<title>Same</title><h1>Same</h1><p>Body.</p>'))).toEqual(['Body.']);
  });

  it('GIVEN no title at all THEN the first paragraph is kept and names the document', () => {
    const doc = parse('p.html', '<p>Opening words. More.</p><p>Second.</p>');
    expect(doc.meta.title).toBe('Opening words');
    expect(texts(doc)).toEqual(['Opening words. More.', 'Second.']);
  });

  it('GIVEN htmlToText THEN block elements become separate lines', () => {
    const { title, text } = htmlToText('<p>A</p><div>B</div><blockquote>C</blockquote><ol><li>D</li></ol>');
    expect(title).toBeUndefined();
    expect(text.split(/\n+/)).toEqual(['A', 'B', 'C', 'D']);
  });
});

describe('loading from disk', () => {
  let dir: string;
  const put = async (rel: string, content: string | Uint8Array) => {
    const full = join(dir, ...rel.split('/'));
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  };
  const recorder = () => {
    const warnings: { obj: object; msg: string }[] = [];
    const logger: WarnLogger = { warn: (obj, msg) => warnings.push({ obj, msg }) };
    return { logger, warnings };
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dossier-docs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN the same text under several names THEN one document loads (the one /ingest added, else the older file, else the first by path) and each other is skipped naming the file it repeats', async () => {
    const body = 'Grain corridor memo\n\nThe corridor carried lentils northward.\nInsurers priced it weekly.\n';
    const at = async (file: string, iso: string) => utimes(join(dir, file), new Date(iso), new Date(iso));
    await put('grain.txt', body);
    await put('copies/grain (1).txt', body.replace(/\n/g, '\r\n'));
    await put('guilds/123456789012345678/grain.txt', body);
    // Copies as old as each other: the first by path.
    await at('grain.txt', '2026-11-01T00:00:00Z');
    await at('copies/grain (1).txt', '2026-11-01T00:00:00Z');
    let { docs, skipped } = await loadDocuments(dir);
    expect(docs.map((d) => d.path)).toEqual(['copies/grain (1).txt']);
    expect(skipped).toEqual([{ path: 'grain.txt', reason: 'same content as copies/grain (1).txt; skipped as a duplicate' }]);
    // The older file is the one that was there first, whatever its name.
    await at('grain.txt', '2026-10-01T00:00:00Z');
    ({ docs, skipped } = await loadDocuments(dir));
    expect(docs.map((d) => d.path)).toEqual(['grain.txt']);
    expect(skipped).toEqual([{ path: 'copies/grain (1).txt', reason: 'same content as grain.txt; skipped as a duplicate' }]);
    // Once /ingest has added it, that copy keeps its slug: someone was given it to cite.
    await put('ingested/grain-corridor-memo.txt', `---\ntitle: Grain corridor memo\nslug: grain-corridor-memo\nadded_at: 2026-11-29T10:00:00Z\n---\n${body.split('\n\n')[1]}`);
    ({ docs, skipped } = await loadDocuments(dir));
    expect(docs.map((d) => d.path)).toEqual(['ingested/grain-corridor-memo.txt']);
    expect(skipped).toEqual([
      { path: 'copies/grain (1).txt', reason: 'same content as ingested/grain-corridor-memo.txt; skipped as a duplicate' },
      { path: 'grain.txt', reason: 'same content as ingested/grain-corridor-memo.txt; skipped as a duplicate' },
    ]);
    // A server's library is its own: its copy is not a duplicate of the shared one.
    expect((await loadDocuments(dir, { guild: '123456789012345678' })).docs).toHaveLength(1);
  });

  it('GIVEN files over the size limit, in the shared folder and a server\'s THEN each is listed with its size, and loading names the size and the limit', async () => {
    await put('small.txt', 'Small.\n');
    await put('big.txt', `Big\n\n${'word '.repeat(600)}\n`);
    await put('guilds/123456789012345678/huge.md', `# Huge\n\n${'word '.repeat(900)}\n`);
    await put('notes.docx', 'x'.repeat(5000));
    expect(await oversizedFiles(dir, 2048)).toEqual([
      { path: 'big.txt', size: 3006 },
      { path: 'guilds/123456789012345678/huge.md', size: 4509 },
    ]);
    const { skipped } = await loadDocuments(dir, { maxBytes: 2048 });
    expect(skipped).toEqual([{ path: 'big.txt', reason: 'big.txt: file is too large (2.9 KB; limit 2.0 KB, INGEST_MAX_BYTES)', bytes: 3006 }]);
  });

  it('GIVEN a tree of documents and housekeeping files THEN only documents load, sorted by path', async () => {
    await put('b.txt', 'B doc.');
    await put('a.md', '# A\n\nA doc.');
    await put('sub/c.html', '<title>C</title><p>C doc.</p>');
    await put('sub/deeper/d.HTM', '<p>D doc.</p>');
    await put('sub/E.TXT', 'E doc.');
    await put('.hidden.txt', 'hidden');
    await put('.git/config.txt', 'git');
    await put('node_modules/pkg/readme.txt', 'dependency');
    await put('README.md', '# Readme');
    await put('sub/readme.MD', '# Readme');
    await put('SOURCE.md', 'sources');
    await put('LICENSE', 'MIT');
    await put('license.txt', 'MIT');
    await put('topics.json', '{}');
    await put('report.pdf', 'binary');
    await put('notes.docx', 'binary');

    const { docs, skipped } = await loadDocuments(dir);
    expect(docs.map((d) => d.path)).toEqual(['a.md', 'b.txt', 'sub/E.TXT', 'sub/c.html', 'sub/deeper/d.HTM']);
    expect(docs.map((d) => d.slug)).toEqual(['a', 'b', 'e', 'c', 'd']);
    // A .pdf is read as one (this one is not really a PDF): skipped with the reason, never silently.
    expect(skipped).toEqual([{ path: 'report.pdf', reason: 'report.pdf: I could not open that PDF: it is damaged or not really a PDF.' }]);
  });

  it('GIVEN invalid UTF-8, an empty document and bad front matter THEN they are skipped with reasons and the rest loads', async () => {
    await put('good.txt', 'Fine text.');
    await put('latin1.txt', new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x2e])); // "Café." in Latin-1
    await put('empty.md', '# Only a title\n\n```\ncode\n```\n');
    await put('blank.txt', '   \n\n');
    await put('bad-date.md', '---\npublished: 2024-02-30\n---\nText.');
    await put('bad-yaml.txt', '---\ntitle: [oops\n---\nText.');
    // A source that is not an http(s) URL is only a bad link: dropped, the document loads.
    await put('bad-url.md', '---\nsource: ftp://example.com\n---\nText.');

    const { docs, skipped } = await loadDocuments(dir);
    expect(docs.map((d) => d.path)).toEqual(['bad-url.md', 'good.txt']);
    expect(docs[0]!.meta.source).toBeUndefined();
    expect(skipped).toEqual([
      { path: 'bad-date.md', reason: 'bad-date.md: front matter field "published" must be a date (YYYY-MM-DD)' },
      { path: 'bad-yaml.txt', reason: expect.stringMatching(/^bad-yaml\.txt: front matter is not valid YAML/) },
      { path: 'blank.txt', reason: 'blank.txt: document has no text' },
      { path: 'empty.md', reason: 'empty.md: document has no text' },
      { path: 'latin1.txt', reason: 'latin1.txt: file is not valid UTF-8 text' },
    ]);
  });

  it('GIVEN a PDF in the data folder THEN its text layer is a document, slug from the file name; a scan is skipped with the reason', async () => {
    await put('briefs/Treaty Notes.pdf', makePdf([['Treaty notes', '', 'The treaty was signed in Astana on', 'a cold Tuesday morning.', '', 'Both delegations left before noon.']]));
    await put('scan.pdf', makePdf([]));
    const { docs, skipped } = await loadDocuments(dir);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ slug: 'treaty-notes', path: 'briefs/Treaty Notes.pdf', meta: { title: 'Treaty notes' } });
    expect(docs[0]!.paragraphs.map((p) => p.text)).toEqual(['The treaty was signed in Astana on a cold Tuesday morning.', 'Both delegations left before noon.']);
    expect(skipped).toEqual([{ path: 'scan.pdf', reason: expect.stringMatching(/^scan\.pdf: That PDF has no text layer/) }]);
  });

  it('GIVEN a UTF-8 BOM THEN it is not part of the text', async () => {
    await put('bom.txt', '\uFEFFTitle\n\nBody.');
    const { docs } = await loadDocuments(dir);
    expect(docs[0]!.meta.title).toBe('Title');
  });

  it('GIVEN a file over maxBytes THEN it is skipped with a reason', async () => {
    await put('big.txt', 'x'.repeat(2048));
    await put('small.txt', 'Small.');
    const { docs, skipped } = await loadDocuments(dir, { maxBytes: 1024 });
    expect(docs.map((d) => d.path)).toEqual(['small.txt']);
    expect(skipped).toEqual([{ path: 'big.txt', reason: expect.stringMatching(/^big\.txt: file is too large/), bytes: 2048 }]);
  });

  it('GIVEN several files wanting one slug THEN the first path keeps it and the rest get -2, -3 in path order', async () => {
    await put('report.txt', 'Root.');
    await put('b/report.md', 'B.');
    await put('a/report.txt', 'A.');
    const { logger, warnings } = recorder();
    const { docs } = await loadDocuments(dir, { logger });
    expect(docs.map((d) => [d.path, d.slug])).toEqual([
      ['a/report.txt', 'report'],
      ['b/report.md', 'report-2'],
      ['report.txt', 'report-3'],
    ]);
    expect(warnings).toHaveLength(2);
  });

  it('GIVEN a front-matter slug THEN it wins over a file-name slug regardless of path order', async () => {
    await put('a/report.txt', 'A.');
    await put('z.txt', '---\nslug: report\n---\nZ.');
    const { docs } = await loadDocuments(dir);
    expect(docs.map((d) => [d.path, d.slug])).toEqual([
      ['a/report.txt', 'report-2'],
      ['z.txt', 'report'],
    ]);
  });

  it('GIVEN a file already named like a suffixed slug THEN the suffix skips it', async () => {
    await put('a/x.txt', 'A.');
    await put('b/x.txt', 'B.');
    await put('x-2.txt', 'C.');
    const { docs } = await loadDocuments(dir);
    expect(docs.map((d) => [d.path, d.slug])).toEqual([
      ['a/x.txt', 'x'],
      ['b/x.txt', 'x-3'],
      ['x-2.txt', 'x-2'],
    ]);
    expect(new Set(docs.map((d) => d.slug)).size).toBe(docs.length);
  });

  it('GIVEN a 60-character slug collision THEN the suffixed slug still fits 60 characters', () => {
    const long = 'a'.repeat(60);
    const mk = (path: string) => ({
      doc: { slug: long, path, meta: { title: 't', tags: [] }, paragraphs: [] },
      slugPinned: false,
    });
    const docs = assignUniqueSlugs([mk('b.txt'), mk('a.txt')]);
    expect(docs.map((d) => d.slug)).toEqual([long, `${'a'.repeat(58)}-2`]);
  });

  it('GIVEN loadDocumentFile THEN one file loads on its own, or throws a DocumentError', async () => {
    await put('sub/one.md', '# One\n\nText.');
    await put('sub/bad.md', '---\npublished: soon\n---\nText.');
    const { doc, slugPinned } = await loadDocumentFile(dir, 'sub/one.md');
    expect(doc).toMatchObject({ slug: 'one', path: 'sub/one.md', meta: { title: 'One' } });
    expect(slugPinned).toBe(false);
    await expect(loadDocumentFile(dir, 'sub/bad.md')).rejects.toThrow(
      'sub/bad.md: front matter field "published" must be a date (YYYY-MM-DD)',
    );
    await expect(loadDocumentFile(dir, 'sub/missing.md')).rejects.toBeInstanceOf(DocumentError);
  });

  it('GIVEN isDocumentPath THEN it applies the walker rules to a relative path', () => {
    expect(isDocumentPath('a/b.md')).toBe(true);
    expect(isDocumentPath('a/README.md')).toBe(false);
    expect(isDocumentPath('.drafts/b.md')).toBe(false);
    expect(isDocumentPath('node_modules/x/b.md')).toBe(false);
    expect(isDocumentPath('a/b.pdf')).toBe(true);
    expect(isDocumentPath('a/b.docx')).toBe(false);
  });

  it('GIVEN a missing data directory THEN loading fails loudly', async () => {
    await expect(loadDocuments(join(dir, 'nope'))).rejects.toThrow(/cannot read data directory/);
  });
});
