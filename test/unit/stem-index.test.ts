import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Segment, segmentData } from '../../src/store/segment.js';
import type { Pacer } from '../../src/store/pace.js';
import { lightStem } from '../../src/text/stem.js';

/** A segment holding only a term dictionary: all `family` reads. */
function segmentOf(terms: string[]): Segment {
  const none = new Int32Array(0);
  return new Segment(segmentData(terms, { postStart: new Int32Array(terms.length + 1), postings: none, tokStart: new Int32Array(1), tokens: none, sentenceIds: none, sentencePara: none, sentenceDoc: none, deletes: new Float64Array(0) }));
}

/** What the packed stem index must answer: every term whose light stem is `stem`, in term order. */
function naive(terms: string[], stem: string): number[] {
  return terms.flatMap((t, i) => (lightStem(t) === stem ? [i] : []));
}

const word = fc.stringMatching(/^[a-z]{1,7}(s|es|'s|ies|ed)?$/);

describe('a segment’s stem families', () => {
  it('GIVEN any sorted term list THEN each stem’s family is exactly its terms, built at once or warmed in slices', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(word, { maxLength: 60 }), async (list) => {
        const terms = [...list].sort();
        const lazy = segmentOf(terms);
        const warmed = segmentOf(terms);
        const pace: Pacer = { due: () => true, pause: async () => {} };
        await warmed.warm(pace);
        for (const stem of new Set([...terms.map(lightStem), 'zzz-none'])) {
          expect([...lazy.family(stem)]).toEqual(naive(terms, stem));
          expect([...warmed.family(stem)]).toEqual(naive(terms, stem));
        }
      }),
    );
  });

  it('GIVEN a plural family of three THEN all three are one family', () => {
    const terms = ['export', "export's", 'exports', 'zinc'];
    expect([...segmentOf(terms).family(lightStem('exports'))]).toEqual([0, 1, 2]);
    expect([...segmentOf(terms).family('zinc')]).toEqual([3]);
    expect([...segmentOf(terms).family('lentil')]).toEqual([]);
  });
});
