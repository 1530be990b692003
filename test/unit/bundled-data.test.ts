import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../../src/documents/load.js';
import { FIXTURE_LIBRARY } from '../helpers/bot.js';

// A copy of the bundled article (data/putin-sharif-sco.txt as shipped): the working data/ holds
// whatever the user has added or changed since, so tests never read it.
const DATA_DIR = FIXTURE_LIBRARY;

describe('the bundled article', () => {
  it('GIVEN the fixture library THEN exactly the sample document loads', async () => {
    const { docs, skipped } = await loadDocuments(DATA_DIR);
    expect(skipped).toEqual([]);
    expect(docs.map((d) => [d.slug, d.path])).toEqual([['putin-sharif-sco', 'putin-sharif-sco.txt']]);
    expect(docs[0]!.meta).toEqual({
      title: 'Putin and Sharif at the SCO Summit in Astana',
      tags: ['russia', 'pakistan', 'sco', 'energy', 'trade'],
    });
  });

  it('GIVEN the sample THEN it has 7 paragraphs with the expected sentences at known citations', async () => {
    const doc = (await loadDocuments(DATA_DIR)).docs[0]!;
    expect(doc.paragraphs).toHaveLength(7);
    expect(doc.paragraphs.map((p) => p.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(doc.paragraphs.map((p) => p.sentences.length)).toEqual([3, 3, 3, 3, 2, 2, 3]);

    const sentence = (p: number, s: number) => doc.paragraphs[p - 1]!.sentences[s - 1]!;
    expect(sentence(1, 1)).toMatch(/^South Asia observers were closely following the meeting/);
    expect(sentence(2, 2)).toBe(
      'The post-modern coup regime that was installed in April 2022 after the scandalous ouster of former Prime Minister Imran Khan takes most – but importantly not all – of its cues from America.',
    );
    expect(sentence(3, 2)).toMatch(/^The Pakistani leader said that trade is approaching \$1 billion/);
    expect(sentence(3, 3)).toMatch(/^His suggestion to “further move” in the direction of more oil imports/);
    expect(sentence(7, 3)).toBe(
      'Maintaining the status quo is fine, but if that’s all that Pakistan wants, then it should be clear about it.',
    );
  });

  it('GIVEN the sample file THEN every paragraph and sentence occurs verbatim in it', async () => {
    const doc = (await loadDocuments(DATA_DIR)).docs[0]!;
    const file = await readFile(join(DATA_DIR, doc.path), 'utf8');
    const body = file.slice(file.indexOf('\n---\n') + 5);
    expect(body.startsWith('South Asia observers')).toBe(true);
    for (const p of doc.paragraphs) {
      expect(body).toContain(p.text);
      for (const s of p.sentences) expect(p.text).toContain(s);
    }
    // One paragraph per line, no title line: the paragraphs are exactly the body's lines.
    expect(doc.paragraphs.map((p) => p.text)).toEqual(body.split('\n'));
  });
});
