import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold, tokenize } from '../../src/text/normalize.js';

describe('fold', () => {
  it('GIVEN curly quotes, dashes, accents and case THEN they fold to plain ASCII forms', () => {
    expect(fold('Hasn’t “Café” – RÉSUMÉ—x')).toBe('hasn\'t "cafe" - resume-x');
  });

  it('GIVEN any string THEN the folded string has the same length (offsets map 1:1)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => fold(s).length === s.length));
  });
});

describe('tokenize', () => {
  it('GIVEN an apostrophe inside a word THEN it stays one word, straight or curly', () => {
    expect(tokenize('That hasn’t happened').map((t) => t.norm)).toEqual(['that', "hasn't", 'happened']);
    expect(tokenize("hasn't").map((t) => t.norm)).toEqual(["hasn't"]);
  });

  it('GIVEN a decimal amount THEN the number keeps its point', () => {
    expect(tokenize('approaching $1.5 billion').map((t) => t.norm)).toEqual(['approaching', '1.5', 'billion']);
  });

  it('GIVEN tokens THEN their offsets point at the original text', () => {
    const text = 'Putin’s “high hopes”';
    for (const t of tokenize(text)) expect(fold(text.slice(t.start, t.end))).toBe(t.norm);
  });
});
