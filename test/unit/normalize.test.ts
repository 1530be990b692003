import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold, tokenize, tokenizeAscii } from '../../src/text/normalize.js';

describe('fold', () => {
  it('GIVEN curly quotes, dashes, accents and case THEN they fold to plain ASCII forms', () => {
    expect(fold('Hasn’t “Café” – RÉSUMÉ—x')).toBe('hasn\'t "cafe" - resume-x');
  });

  it('GIVEN any string THEN the folded string has the same length (offsets map 1:1)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => fold(s).length === s.length));
  });
});

describe('tokenize', () => {
  const WORD = /\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{N}\p{M}]+(?:'[\p{L}\p{N}\p{M}]+)*/gu;
  const byRegex = (folded: string) => [...folded.matchAll(WORD)].map((m) => ({ norm: m[0], start: m.index, end: m.index + m[0].length }));

  it('GIVEN any folded printable ASCII THEN the hand-written fast path finds exactly the words the regular expression finds', () => {
    // Mostly the characters that decide word edges: digits, letters, separators, apostrophes, spaces.
    const char = fc.oneof(fc.constantFrom('1', '9', '0', 'a', 'z', 'q', '.', ',', "'", ' ', '-', '$', '%'), fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)));
    fc.assert(
      fc.property(fc.array(char, { maxLength: 40 }), (chars) => {
        const folded = fold(chars.join(''));
        expect(tokenizeAscii(folded)).toEqual(byRegex(folded));
      }),
      { numRuns: 2000 },
    );
    expect(tokenize('In 3rd place: 1,000.5 tonnes, o\'clock, covid19.').map((t) => t.norm)).toEqual(['in', '3', 'rd', 'place', '1,000.5', 'tonnes', "o'clock", 'covid19']);
  });

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
