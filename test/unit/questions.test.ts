import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../../src/documents/load.js';
import { pointsOf } from '../../src/points.js';
import { InMemoryPointStore } from '../../src/store/point-store.js';
import { inflections } from '../../src/text/inflect.js';
import { tokenize } from '../../src/text/normalize.js';
import { questionRoles } from '../../src/text/question.js';

// The shipped sample, read in place (read-only), as test/unit/bundled-data.test.ts does.
const points = pointsOf((await loadDocuments(fileURLToPath(new URL('../../data/', import.meta.url)))).docs);
// Both search paths: fuse.js over every passage (small libraries) and the segmented index's candidate stage.
const stores = { 'full scan': new InMemoryPointStore(points), segmented: new InMemoryPointStore(points, { fullScanLimit: 0 }) };
const cited = (citation: string) => citation.split('#')[1];

describe('questions', () => {
  for (const [path, store] of Object.entries(stores)) {
    it(`GIVEN "what did Putin want from Pakistan?" (${path}) THEN Putin's high hopes of an energy deal come first, and the suggestion is the words that occur together`, () => {
      for (const query of ['what did Putin want from Pakistan?', 'what did putin want from pakistan']) {
        const result = store.search(query, { limit: 3 });
        expect(cited(result.hits[0]!.point.citation)).toBe('p1.s3');
        expect(result.hits[0]!.point.text).toContain('high hopes of reaching a strategic energy deal with Pakistan');
        // Never a single word of the query that already matched.
        for (const s of result.suggestions) expect(['putin', 'pakistan', 'want']).not.toContain(s.text);
        expect(result.suggestions[0]?.text).toBe('putin pakistan');
      }
    });

    it(`GIVEN a question in other inflections than the text (${path}) THEN the passage is found`, () => {
      // The text says "Pakistan indefinitely suspended such shipments".
      expect(store.search('when did Pakistan suspend shipments?', { limit: 1 }).hits[0]!.point.text).toContain('indefinitely suspended such shipments');
      // …and "if that's all that Pakistan wants".
      expect(cited(store.search('what Pakistan wanted', { limit: 1 }).hits[0]!.point.citation)).toBe('p7.s3');
    });

    it(`GIVEN words the tagger has no lemma for (${path}) THEN the search still answers`, () => {
      for (const query of ['cannot', 'why cannot Pakistan defy the US?', 'Ive']) expect(() => store.search(query, { limit: 3 })).not.toThrow();
      expect(store.search('why cannot Pakistan defy the US?', { limit: 1 }).hits[0]!.point.text).toContain('reluctant to defy the US');
    });

    it(`GIVEN a keyword miss beside a word that matched (${path}) THEN that word is not offered back`, () => {
      const result = store.search('pakistan zebra', { limit: 3 });
      expect(result.hits.length).toBeGreaterThan(0);
      expect(result.suggestions.map((s) => s.text)).not.toContain('pakistan');
    });
  }

  it('GIVEN a question THEN its question word, auxiliary and preposition are grammar, its verb the predicate, its names content', () => {
    const query = 'what did Putin want from Pakistan?';
    expect(questionRoles(query, tokenize(query))).toEqual(['grammar', 'grammar', 'content', 'predicate', 'grammar', 'content']);
    const noun = 'what does Pakistan export to Russia?';
    expect(questionRoles(noun, tokenize(noun))).toContain('content');
  });

  it('GIVEN keyword queries THEN every word counts as typed (no roles)', () => {
    for (const query of ['wheat exports', 'strategic energy deal', 'Putin Pakistan']) expect(questionRoles(query, tokenize(query))).toBeUndefined();
  });

  it('GIVEN a word THEN its inflections are forms of the same lemma only', () => {
    expect([...inflections('want')]).toEqual(expect.arrayContaining(['wants', 'wanted', 'wanting']));
    expect([...inflections('wanted')]).toEqual(expect.arrayContaining(['want', 'wants']));
    expect([...inflections('stop')]).toContain('stopped');
    expect([...inflections('unit')]).not.toContain('united');
    expect(inflections('us').size).toBe(0);
  });
});
