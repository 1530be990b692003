import { describe, expect, it } from 'vitest';
import { formatCitation, parseCitation } from '../../src/citations.js';

describe('citations', () => {
  it('GIVEN sentence and paragraph parts THEN they format as slug#pN.sM and slug#pN', () => {
    expect(formatCitation({ doc: 'astana-sco', paragraph: 3, sentence: 2 })).toBe('astana-sco#p3.s2');
    expect(formatCitation({ doc: 'astana-sco', paragraph: 3 })).toBe('astana-sco#p3');
  });

  it('GIVEN a pasted citation with backticks, spaces or capitals THEN it parses', () => {
    expect(parseCitation(' `Astana-SCO#P3.S2` ')).toEqual({ doc: 'astana-sco', paragraph: 3, sentence: 2 });
    expect(parseCitation('astana-sco#p7')).toEqual({ doc: 'astana-sco', paragraph: 7, sentence: undefined });
  });

  it('GIVEN something that is not a citation THEN it is rejected', () => {
    for (const bad of ['', 'astana-sco', 'astana-sco#p0', 'astana-sco#p1.s0', '#p1', 'a b#p1', 'x#p1.s2.s3', 'x#p-1']) {
      expect(parseCitation(bad), bad).toBeUndefined();
    }
  });
});
