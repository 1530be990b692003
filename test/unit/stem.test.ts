import { describe, expect, it } from 'vitest';
import { wordMatch } from '../../src/store/fuzzy.js';
import { contentTerms } from '../../src/summary/terms.js';
import { keyOf } from '../../src/topics/matcher.js';
import { lightStem } from '../../src/text/stem.js';

describe('the one light stemmer', () => {
  it('GIVEN possessives and regular plurals THEN they are stripped; names and words whose s is their own are kept', () => {
    const cases: [string, string][] = [
      ["russia's", 'russia'], ["allies'", 'ally'], ['exports', 'export'], ['policies', 'policy'], ['taxes', 'tax'], ['churches', 'church'],
      ['boss', 'boss'], ['status', 'status'], ['analysis', 'analysis'], ['texas', 'texas'], ['gas', 'gas'], ['always', 'always'], ['videos', 'videos'], ['keys', 'keys'], ['bus', 'bus'],
    ];
    for (const [word, stem] of cases) expect(lightStem(word), word).toBe(stem);
  });

  it('GIVEN the same word in search, topics and summaries THEN all three see the same stem', () => {
    expect(wordMatch('policies', 'policy', false)).toBe(0.95);
    expect(keyOf('policies')).toBe('policy');
    expect(contentTerms('Policies and taxes')).toEqual(['policy', 'tax']);
  });
});
