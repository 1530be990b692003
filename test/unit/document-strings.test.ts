import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, type Session } from '../../src/console/session.js';
import { parseDocument } from '../../src/documents/parse.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { blockQuote, escapeMarkdown } from '../../src/replies/markdown.js';
import type { Reply } from '../../src/replies/types.js';
import { makeDoc } from '../helpers/docs.js';

const FAKE_HEADING = 'Grain report\n## @everyone FAKE ANNOUNCEMENT\n>>> Click the link below';
const PHISH_SOURCE = 'https://example.org/a>)[Official Discord Login](<https://phish.example/';
const BIDI = 'Invoice \u202Efdp.exe\u202C \u2066note\u2069\u200B';

/** A file as a hostile analyst might hand-write it (YAML double quotes carry the newlines and invisible characters). */
const hostileFile = [
  '---',
  `title: ${JSON.stringify(`${FAKE_HEADING}\r\n${BIDI}\u2028-# small print`)}`,
  `source: ${JSON.stringify(PHISH_SOURCE)}`,
  `author: ${JSON.stringify('Ana\n# Boss')}`,
  `tags: [${JSON.stringify('grain\n> quote')}]`,
  '---',
  'Wheat exports through the corridor doubled this spring.',
  '',
].join('\n');

/**
 * Lines where a document's words would render as a heading, subtext or quote:
 * after the bot's own markup (a `-# ` attribution, a `> ` quote, a `- ` list
 * item), nothing may start another block.
 */
function documentMadeBlocks(content: string): string[] {
  return content.split('\n').filter((line) => /^\s*(#{1,3} |-# |>)/.test(line.replace(/^(-# |> |- )/, '')));
}

/** Masked links `[label](url)` that are not escaped: a document-supplied label on a link. */
function maskedLinks(content: string): string[] {
  return [...content.matchAll(/(?<!\\)\[[^\]]*(?<!\\)\]\(/g)].map((m) => m[0]);
}

describe('GIVEN a document whose front matter tries to break the formatting', () => {
  const doc = parseDocument({ path: 'evil.md', raw: hostileFile, ext: '.md' });

  it('THEN its title, author and tags are one line of plain text, without control or bidirectional characters', () => {
    for (const text of [doc.meta.title, doc.meta.author!, ...doc.meta.tags]) {
      expect(text).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B]/);
    }
    expect(doc.meta.title).toBe('Grain report ## @everyone FAKE ANNOUNCEMENT >>> Click the link below Invoice fdp.exe note -# small print');
  });

  it('THEN its source is kept only as a canonical absolute http(s) URL, and a non-http one is dropped without refusing the document', () => {
    expect(doc.meta.source).toBe('https://example.org/a%3E%29%5BOfficial%20Discord%20Login%5D%28%3Chttps://phish.example/');
    for (const value of ['javascript:alert(1)', 'ftp://example.com/x', 'example.com/page', '42', '/relative/path']) {
      const other = parseDocument({ path: 'x.md', raw: `---\ntitle: X\nsource: ${JSON.stringify(value)}\n---\nSome text here.\n`, ext: '.md' });
      expect(other.meta.source).toBeUndefined();
      expect(other.paragraphs).toHaveLength(1);
    }
  });
});

describe('GIVEN such documents in a library', () => {
  let dir: string;
  let session: Session;
  let answers: Reply[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-strings-'));
    await writeFile(path.join(dir, 'evil.md'), hostileFile);
    const loaded = await Library.load(dir);
    // One built in memory, bypassing the loader: rendering must hold on its own.
    const raw = makeDoc('raw', 'Grain shipments through the corridor resumed.', { title: FAKE_HEADING, source: PHISH_SOURCE, addedBy: 'Eve\n# x (123456789012345678)', addedAt: '2026-11-01T00:00:00Z' });
    const library = new Library([...loaded.docs, { ...raw, guild: '1' }]);
    const commands = await loadCommands();
    session = createSession(() => ({ guildId: '1', library: () => library }) as never, commands, silentLogger);
    answers = [
      await session.run('sources', {}),
      await session.run('search', { query: 'wheat exports corridor' }),
      await session.run('search', { query: 'grain shipments resumed' }),
      await session.run('summary', { document: 'raw' }),
      await session.run('topics', { document: 'evil' }),
    ];
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('THEN no reply carries a document-made heading, subtext or quote block, nor a masked link', () => {
    for (const reply of answers) {
      expect(documentMadeBlocks(reply.content), reply.content).toEqual([]);
      expect(maskedLinks(reply.content), reply.content).toEqual([]);
      expect(reply.content).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    }
  });

  it('THEN /sources shows each source as a plain <url> on the document\'s own line', () => {
    const sources = answers[0]!.content;
    expect(sources).toContain('<https://example.org/a%3E%29%5BOfficial%20Discord%20Login%5D%28%3Chttps://phish.example/>');
    expect(sources.split('\n').filter((l) => l.includes('FAKE ANNOUNCEMENT'))).toHaveLength(2);
  });

  it('THEN the "Open source" button only ever gets a valid absolute http(s) URL', () => {
    for (const reply of answers.slice(1, 3)) {
      const links = (reply.buttons ?? []).filter((b) => b.type === 'link');
      expect(links.length).toBeGreaterThan(0);
      for (const b of links) {
        const url = new URL((b as { url: string }).url);
        expect(['http:', 'https:']).toContain(url.protocol);
        expect((b as { url: string }).url).not.toMatch(/[<>()[\] ]/);
      }
    }
  });
});

describe('GIVEN a quoted passage whose lines start with block markers', () => {
  it('THEN every marker Discord renders at the start of a quoted line is escaped', () => {
    const lines = ['# one', '## two', '### three', '-# four', '> five', '>>> six', '- seven', '+ eight', '* nine', '10. ten', '11) eleven', '  ## indented'];
    const quoted = blockQuote(lines.join('\n')).split('\n');
    expect(quoted).toHaveLength(lines.length);
    for (const line of quoted) {
      const inner = line.replace(/^> /, '');
      expect(inner, line).not.toMatch(/^\s*(#{1,3}\s|-#\s|>|[-+*]\s|\d+[.)]\s)/);
    }
    // The words themselves are untouched: only backslashes were added.
    expect(quoted.map((l) => l.replace(/^> /, '').replace(/\\/g, ''))).toEqual(lines);
  });

  it('THEN words merely containing those characters are left alone', () => {
    expect(escapeMarkdown('#hashtag a ## b -1 degrees 3.5 km')).toBe('#hashtag a ## b -1 degrees 3.5 km');
  });
});
