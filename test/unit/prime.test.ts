import { describe, expect, it } from 'vitest';
import { primerDocs, primeSearchCode } from '../../src/store/prime.js';

describe('priming the search code before a cold build lands', () => {
  it('GIVEN the made-up library THEN it is the same on every start and looks like real text (accents, curly quotes, capitals)', () => {
    const a = primerDocs();
    expect(primerDocs()).toEqual(a);
    const text = a.flatMap((d) => d.paragraphs.map((p) => p.text)).join(' ');
    expect(text).toMatch(/é/);
    expect(text).toMatch(/’s/);
    expect(text).toMatch(/ [A-Z]/);
    expect(a.every((d) => d.paragraphs.every((p) => p.sentences.join(' ') === p.text))).toBe(true);
  });

  it('GIVEN priming THEN it runs the real hand-over and search path: every exact query finds its sentence', async () => {
    const primed = await primeSearchCode(2);
    expect(primed.searches).toBe(80);
    expect(primed.exact).toBeGreaterThan(20);
    expect(primed.found).toBe(primed.exact);
  });
});
