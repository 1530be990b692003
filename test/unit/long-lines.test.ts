import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { citationChoices } from '../../src/interactions/autocomplete.js';
import { Library } from '../../src/library.js';
import { pointsOf } from '../../src/points.js';
import { PASSAGE_SCAN_CHARS, scanned } from '../../src/store/point-store.js';
import { MAX_SENTENCE_CHARS, splitSentences } from '../../src/text/segment.js';
import { seededRandom } from '../../src/random.js';
import { makeDoc } from '../helpers/docs.js';

const VOCABULARY = 'grain wheat exports tariff minister summit energy pipeline corridor border treaty sanctions market trade delegation barter leather fruit'.split(' ');

/** Lines just under the 50,000-character limit with no sentence break: what froze the bot. */
function longLines(lines: number, seed = 7): string {
  const rand = seededRandom(seed);
  return Array.from({ length: lines }, () => {
    const out: string[] = [];
    let n = 0;
    while (n < 49_000) {
      const w = VOCABULARY[Math.floor(rand() * VOCABULARY.length)]!;
      out.push(w);
      n += w.length + 1;
    }
    return out.join(' ');
  }).join('\n');
}

describe('GIVEN a document of 49,000-character lines', () => {
  const marker = 'zanzibar cloves quota';
  const body = longLines(20).split('\n');
  // A phrase deep inside one line: it must still be found, through the bounded sentences.
  body[3] = `${body[3]!.slice(0, 40_000)} ${marker} ${body[3]!.slice(40_000)}`;
  const doc = makeDoc('long', body.join('\n'));
  const library = new Library([makeDoc('seed', 'Wheat exports grew. Ministers met at the summit.'), doc]);

  it('THEN no sentence is longer than the bound, and the sentences are the line, verbatim, in order', () => {
    for (const para of doc.paragraphs) {
      for (const s of para.sentences) expect(s.length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
      expect(para.sentences.join(' ')).toBe(para.text);
    }
  });

  it('THEN citations are the same on every load', () => {
    const again = makeDoc('long', body.join('\n'));
    expect(pointsOf([again]).map((p) => p.citation + p.text.length)).toEqual(pointsOf([doc]).map((p) => p.citation + p.text.length));
  });

  it('THEN fuzzy scoring sees at most a bounded slice of any passage, and the library is not scanned whole', () => {
    for (const p of library.points) expect(scanned(p.text).length).toBeLessThanOrEqual(PASSAGE_SCAN_CHARS);
    expect((library.store as { segmented?: boolean }).segmented).toBe(true);
  });

  it('THEN a phrase 40,000 characters into a line is found and quoted verbatim with its citation', () => {
    const hit = library.search(marker, { limit: 3 }).hits[0]!;
    expect(hit.point.text).toContain(marker);
    expect(hit.point.citation).toMatch(/^long#p4\.s\d+$/);
    expect(library.quote(hit.point.citation).point.text).toBe(hit.point.text);
    const choices = citationChoices(library, 'zanzibar clo');
    expect(choices.map((c) => c.value)).toContain(hit.point.citation);
    for (const c of choices) expect(c.name.length).toBeLessThanOrEqual(100);
  });
});

describe('GIVEN any text', () => {
  it('THEN sentences stay verbatim substrings within the bound, covering the paragraph apart from whitespace', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 3000 }),
      fc.array(fc.constantFrom('word', 'x'.repeat(1500), ' ', '. ', 'Mr. ', '😀', '\t'), { maxLength: 400 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const paragraph = t.trim();
        const sentences = splitSentences(paragraph);
        let at = 0;
        for (const s of sentences) {
          expect(s.length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
          const found = paragraph.indexOf(s, at);
          expect(found).toBeGreaterThanOrEqual(0);
          expect(paragraph.slice(at, found).trim()).toBe('');
          at = found + s.length;
        }
        expect(paragraph.slice(at).trim()).toBe('');
      }),
      { numRuns: 200 },
    );
  });
});
