import { describe, expect, it } from 'vitest';
import { pointsOf } from '../../src/points.js';
import { InMemoryPointStore } from '../../src/store/point-store.js';
import { boundedDistance, wordMatch } from '../../src/store/fuzzy.js';
import { makeDoc } from '../helpers/docs.js';

const article = makeDoc(
  'sco',
  [
    'The Pakistani leader said that trade is approaching $1 billion. This is largely due to Russian wheat exports to his country.',
    'Some fruit and leather exports reached the Russian market. Pakistan must liberate itself from the yoke of American hegemony.',
    'That hasn’t come to fruition because Pakistan remains reluctant to defy the US. Wheat is a staple crop in the region.',
  ].join('\n'),
);
const other = makeDoc('other', 'Exports of grain and wheat grew. Ports handled more ships than ever before this year.');
const points = pointsOf([article, other]);
const store = new InMemoryPointStore(points);

describe('search ranking', () => {
  it('GIVEN a typo in a phrase deep in a sentence THEN the right sentence comes first', () => {
    const { hits, complete } = store.search('american hegemny', { limit: 3 });
    expect(hits[0]!.point.citation).toBe('sco#p2.s2');
    expect(complete).toBe(true);
  });

  it('GIVEN words in any order THEN a passage with all of them outranks passages with one', () => {
    const { hits } = store.search('exports wheat russian', { limit: 5 });
    expect(hits[0]!.point.citation).toBe('sco#p1.s2');
    expect(hits[0]!.coverage).toBe(1);
    for (const h of hits.slice(1)) expect(h.coverage).toBeLessThanOrEqual(hits[0]!.coverage);
  });

  it('GIVEN a straight apostrophe THEN the curly one in the source matches, and the quote stays verbatim', () => {
    const { hits } = store.search("hasn't come to fruition", { limit: 1 });
    expect(hits[0]!.point.text).toContain('hasn’t');
  });

  it('GIVEN a sentence and its paragraph both match THEN only one result stands for them', () => {
    const { hits } = store.search('wheat', { limit: 10 });
    const paragraphs = hits.map((h) => `${h.point.doc}#p${h.point.paragraph}`);
    expect(new Set(paragraphs).size).toBe(paragraphs.length);
  });

  it('GIVEN a document filter THEN results come only from it', () => {
    const { hits } = store.search('wheat exports', { limit: 10, document: 'other' });
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h.point.doc).toBe('other');
  });

  it('GIVEN matched words THEN highlight ranges cover exactly those words in the original text', () => {
    const { hits } = store.search('wheat exports', { limit: 1 });
    const h = hits[0]!;
    const marked = h.highlights.map(([s, e]) => h.point.text.slice(s, e).toLowerCase());
    expect(marked).toEqual(expect.arrayContaining(['wheat', 'exports']));
  });

  it('GIVEN a query nothing matches THEN there are no hits but there are nearest suggestions', () => {
    const { hits, suggestions } = store.search('whaet exprots', { limit: 3 });
    // Fuzzy matching may still find the passage; either way the user gets somewhere.
    if (hits.length === 0) expect(suggestions[0]?.text).toBe('wheat exports');
    const miss = store.search('zzzzqx', { limit: 3 });
    expect(miss.hits).toEqual([]);
  });

  it('GIVEN a misspelt phrase with no exact match THEN the suggestion is the library’s own words', () => {
    const { suggestions } = store.search('leathr markett zzzz', { limit: 3 });
    expect(suggestions.map((s) => s.text)).toContain('leather market');
  });
});

describe('fuzzy words', () => {
  it('GIVEN a transposition THEN it counts as one edit', () => {
    expect(boundedDistance('hegemnoy', 'hegemony', 2)).toBe(1);
  });
  it('GIVEN short words THEN typos are not tolerated, but plurals and possessives are', () => {
    expect(wordMatch('oil', 'oal', false)).toBe(0);
    expect(wordMatch('export', 'exports', false)).toBeGreaterThan(0.9);
    expect(wordMatch('russia', "russia's", false)).toBeGreaterThan(0.9);
  });
});

describe('segmented index ranking: words retyped out of order', () => {
  const docs = [
    makeDoc('short', 'President Biden committed his administration to the plan.'),
    makeDoc('target', 'Officials said on Monday that President Biden is committed to a stronger, long-term support for the farmers.'),
    makeDoc('services', 'Today, the Internal Revenue Service released guidance on the credit.\nLast week, the Department of Health and Human Services released guidance to help states use this funding.'),
    ...Array.from({ length: 40 }, (_, i) => makeDoc(`filler-${i}`, `The committee ${i} is reviewing the plan for the harbour. It is committed to publishing figures for region ${i}.`)),
  ];
  // The candidate stage plus detailed scoring (the path of every library above 500 passages).
  const segmented = new InMemoryPointStore(pointsOf(docs), { fullScanLimit: 0 });

  it('GIVEN a window retyped out of order with its last word cut THEN the passage holding every word in one run, small words included, comes first', () => {
    expect(segmented.search('is president committed bid', { limit: 3 }).hits[0]!.point.citation).toBe('target#p1');
    expect(segmented.search('guidance released to servi', { limit: 3 }).hits[0]!.point.citation).toBe('services#p2');
  });
});
