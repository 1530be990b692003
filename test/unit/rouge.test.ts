import { describe, expect, it } from 'vitest';
import { porterStem, rouge, rougeLsum, rougeN, rougeTokens } from '../../src/summary/rouge.js';

describe('rougeTokens', () => {
  it('GIVEN mixed case and punctuation THEN lower-cases and splits on non-alphanumerics', () => {
    expect(rougeTokens("Titley’s car, U.S.-made!", false)).toEqual(['titley', 's', 'car', 'u', 's', 'made']);
  });
  it('GIVEN stemming THEN stems only tokens longer than three characters', () => {
    expect(rougeTokens('cats running fast', true)).toEqual(['cat', 'run', 'fast']);
    expect(rougeTokens('was has', true)).toEqual(['was', 'has']);
  });
});

describe('porterStem', () => {
  it('GIVEN the examples from Porter (1980) THEN gives his stems', () => {
    const cases: Record<string, string> = {
      caresses: 'caress', ponies: 'poni', cats: 'cat', feed: 'feed', agreed: 'agre',
      plastered: 'plaster', motoring: 'motor', sing: 'sing', conflated: 'conflat', troubled: 'troubl',
      hopping: 'hop', falling: 'fall', filing: 'file', happy: 'happi', relational: 'relat',
      conditional: 'condit', rational: 'ration', generalization: 'gener', hopefulness: 'hope',
      triplicate: 'triplic', revival: 'reviv', adjustment: 'adjust', adoption: 'adopt',
      controlling: 'control', roll: 'roll', generously: 'gener',
    };
    for (const [word, stem] of Object.entries(cases)) expect(porterStem(word), word).toBe(stem);
  });
});

describe('rougeN', () => {
  // candidate "the cat sat on the mat" (6), reference "the cat lay on the mat" (6)
  const cand = ['the', 'cat', 'sat', 'on', 'the', 'mat'];
  const ref = ['the', 'cat', 'lay', 'on', 'the', 'mat'];

  it('GIVEN one word swapped THEN ROUGE-1 is 5/6 both ways', () => {
    const r = rougeN(cand, ref, 1);
    expect(r.precision).toBeCloseTo(5 / 6);
    expect(r.recall).toBeCloseTo(5 / 6);
    expect(r.f1).toBeCloseTo(5 / 6);
  });

  it('GIVEN one word swapped THEN ROUGE-2 counts the 3 of 5 bigrams that survive', () => {
    // shared: "the cat", "on the", "the mat"; lost: "cat sat"/"cat lay", "sat on"/"lay on"
    const r = rougeN(cand, ref, 2);
    expect(r.f1).toBeCloseTo(3 / 5);
  });

  it('GIVEN repeated words THEN clips matches to the reference count', () => {
    // candidate "the the the" vs reference "the cat": 1 hit, P = 1/3, R = 1/2, F = 0.4
    const r = rougeN(['the', 'the', 'the'], ['the', 'cat'], 1);
    expect(r.precision).toBeCloseTo(1 / 3);
    expect(r.recall).toBeCloseTo(1 / 2);
    expect(r.f1).toBeCloseTo(0.4);
  });

  it('GIVEN nothing in common or empty input THEN scores 0', () => {
    expect(rougeN(['a'], ['b'], 1).f1).toBe(0);
    expect(rougeN([], ['b'], 1).f1).toBe(0);
    expect(rougeN(['a'], ['a'], 2).f1).toBe(0);
  });
});

describe('rougeLsum', () => {
  it('GIVEN single sentences THEN is plain LCS F1', () => {
    // "police killed the gunman" vs "police kill the gunman": LCS = police the gunman (3 of 4)
    const r = rouge('police killed the gunman', 'police kill the gunman', { stem: false });
    expect(r.rougeL.f1).toBeCloseTo(3 / 4);
    // Lin (2004): LCS is in-sequence, so "the gunman kill police" shares only 2 in order.
    expect(rouge('the gunman kill police', 'police kill the gunman', { stem: false }).rougeL.f1).toBeCloseTo(2 / 4);
  });

  it("GIVEN Lin's summary-level example THEN unions the LCS of each candidate sentence", () => {
    // r = w1 w2 w3 w4 w5; c1 = w1 w2 w6 w7 w8; c2 = w1 w3 w8 w9 w5
    // LCS(r,c1) = w1 w2, LCS(r,c2) = w1 w3 w5; union = w1 w2 w3 w5 → 4 hits.
    // R = 4/5, P = 4/10, F = 2·0.4·0.8/1.2 = 0.5333…
    const r = rougeLsum(
      [['w1', 'w2', 'w6', 'w7', 'w8'], ['w1', 'w3', 'w8', 'w9', 'w5']],
      [['w1', 'w2', 'w3', 'w4', 'w5']],
    );
    expect(r.recall).toBeCloseTo(4 / 5);
    expect(r.precision).toBeCloseTo(4 / 10);
    expect(r.f1).toBeCloseTo(8 / 15);
  });

  it('GIVEN newline-separated text or arrays THEN treats each line as a sentence', () => {
    const asText = rouge('a b c\nd e', 'a b\nc d e', { stem: false });
    const asArray = rouge(['a b c', 'd e'], ['a b', 'c d e'], { stem: false });
    expect(asText).toEqual(asArray);
    expect(asText.rouge1.f1).toBeCloseTo(1);
  });
});

describe('rouge', () => {
  it('GIVEN identical texts THEN all scores are 1', () => {
    const r = rouge('Fargo church members were exposed.', 'Fargo church members were exposed.');
    expect(r.rouge1.f1).toBeCloseTo(1);
    expect(r.rouge2.f1).toBeCloseTo(1);
    expect(r.rougeL.f1).toBeCloseTo(1);
  });

  it('GIVEN inflected variants THEN stemming (the default) lets them match', () => {
    expect(rouge('officials warned residents', 'official warns resident').rouge1.f1).toBeCloseTo(1);
    expect(rouge('officials warned residents', 'official warns resident', { stem: false }).rouge1.f1).toBe(0);
  });
});
