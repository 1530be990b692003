import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../../src/documents/load.js';
import { Library } from '../../src/library.js';
import { isByline, isSummarizable, namedTermsOf, refersElsewhere, summarize, summaryLength, summarySize } from '../../src/summary/index.js';
import type { Point } from '../../src/types.js';

/** One paragraph per entry; sentences split on '. ' (enough for hand-written text). */
function points(slug: string, paragraphs: string[], startId = 0): Point[] {
  const out: Point[] = [];
  paragraphs.forEach((para, p) => {
    const sentences = para.split(/(?<=\.) /);
    sentences.forEach((text, s) => {
      out.push({
        id: startId + out.length,
        citation: `${slug}#p${p + 1}.s${s + 1}`,
        doc: slug,
        kind: 'sentence',
        paragraph: p + 1,
        sentence: s + 1,
        text,
      });
    });
  });
  return out;
}

const ENERGY = [
  'Pakistan and Russia discussed a long-term energy deal covering oil and gas supplies.',
  'The weather in Astana was unusually warm for the time of year, locals said.',
  'Russian oil shipments to Pakistan were suspended last year over payment disputes.',
  'Officials said the energy deal depends on a payment mechanism for Russian oil.',
  'A local football club celebrated its anniversary with fireworks over the river.',
  'Gas pipeline talks between the two countries stalled over pricing and payment.',
  'The famous bakery on the main square sells cinnamon rolls every single morning.',
  'Pakistan fears American sanctions if it buys Russian oil and gas under the deal.',
  'Analysts expect the energy partnership with Russia to remain limited for now.',
];
const PERIPHERAL = [/weather/, /football/, /bakery/];

describe('summarize', () => {
  it('GIVEN a text with on-topic and off-topic sentences THEN picks central ones', () => {
    const pts = points('energy', [ENERGY.join(' ')]);
    for (const positionWeight of [0, undefined]) {
      const summary = summarize(pts, { positionWeight });
      expect(summary.length).toBeGreaterThanOrEqual(2);
      for (const p of summary) for (const re of PERIPHERAL) expect(p.text).not.toMatch(re);
    }
  });

  it('GIVEN candidates THEN returns the very input objects, in source order', () => {
    const pts = points('energy', [ENERGY.slice(0, 5).join(' '), ENERGY.slice(5).join(' ')]);
    const summary = summarize(pts, { max: 5 });
    for (const p of summary) expect(pts).toContain(p);
    const order = summary.map((p) => pts.indexOf(p));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('GIVEN the same input twice THEN gives the same summary', () => {
    const pts = points('energy', [ENERGY.join(' ')]);
    expect(summarize(pts).map((p) => p.citation)).toEqual(summarize(pts).map((p) => p.citation));
    expect(summarize([...pts]).map((p) => p.citation)).toEqual(summarize(pts).map((p) => p.citation));
  });

  it('GIVEN short material THEN gives fewer sentences; GIVEN long material THEN at most max', () => {
    expect(summarize(points('a', [ENERGY.slice(0, 3).join(' ')]))).toHaveLength(2);
    const long = points('b', [[...ENERGY, ...ENERGY.map((s) => s.replace('.', ' again this week.'))].join(' ')]);
    const five = summarize(long, { max: 5 });
    expect(five.length).toBeGreaterThanOrEqual(2);
    expect(five.length).toBeLessThanOrEqual(5);
    expect(summarize(long, { max: 3 }).length).toBeLessThanOrEqual(3);
    expect(summarize(long, { min: 3, max: 3 })).toHaveLength(3);
    expect(summarize(long, { max: 1 })).toHaveLength(1);
  });

  it('GIVEN one usable sentence THEN returns just it; GIVEN none THEN returns []', () => {
    expect(summarize(points('a', [ENERGY[0]!]))).toHaveLength(1);
    expect(summarize([])).toEqual([]);
    expect(summarize(points('a', ['By Jane Doe. Short one.']))).toEqual([]);
  });

  it('GIVEN bylines, datelines and fragments THEN never picks them', () => {
    const furniture = [
      'By . Associated Press .',
      'PUBLISHED: . 14:11 EST, 25 October 2013 .',
      'UPDATED: . 15:36 EST, 25 October 2013 .',
      'Last updated at 1:25 AM on 3rd August 2011 .',
      'CNN —',
      'By Jane Doe and John Smith for MailOnline',
      'Scroll down for video.',
    ];
    const pts = [
      ...furniture.map((text, i): Point => ({ id: i, citation: `x#p1.s${i + 1}`, doc: 'x', kind: 'sentence', paragraph: 1, sentence: i + 1, text })),
      ...points('x', ['', ENERGY.join(' ')], furniture.length).filter((p) => p.text),
    ];
    const summary = summarize(pts, { positionWeight: 1 });
    expect(summary.length).toBeGreaterThanOrEqual(2);
    for (const p of summary) expect(furniture).not.toContain(p.text);
  });

  it('GIVEN paragraph points THEN ignores them', () => {
    const para: Point = { id: 99, citation: 'x#p1', doc: 'x', kind: 'paragraph', paragraph: 1, text: ENERGY.join(' ') };
    const pts = [para, ...points('x', [ENERGY.join(' ')])];
    expect(summarize(pts)).not.toContain(para);
  });

  it('GIVEN near-duplicate sentences THEN does not pick both', () => {
    const text = [
      'Russia and Pakistan signed an energy deal for Russian oil in Astana on Thursday.',
      'Russia and Pakistan signed an energy deal for Russian oil in Astana on Thursday, officials said.',
      ...ENERGY.slice(2),
    ].join(' ');
    const summary = summarize(points('dup', [text]));
    expect(summary.filter((p) => p.text.startsWith('Russia and Pakistan signed')).length).toBeLessThanOrEqual(1);
  });

  it('GIVEN a caller-supplied idf THEN centrality follows it', () => {
    const text = [...ENERGY, 'Locals queue at the bakery for its cinnamon rolls before work.'].join(' ');
    const pts = points('energy', [text]);
    const bakery = (ps: Point[]) => ps.filter((p) => p.text.includes('bakery')).length;
    expect(bakery(summarize(pts))).toBe(0);
    // A library in which only bakery words are rare makes the bakery the subject.
    const idf = (t: string) => (['bakery', 'cinnamon', 'roll'].includes(t) ? 5 : 0.01);
    expect(bakery(summarize(pts, { idf }))).toBeGreaterThanOrEqual(1);
  });
});

describe('summaries that carry the argument', () => {
  // The bundled article as shipped (the fixture copy: the working data/ holds whatever a user added).
  const bundled = async () => new Library((await loadDocuments(fileURLToPath(new URL('../fixtures/library/', import.meta.url)))).docs);
  const cited = (pts: Point[]) => pts.map((p) => p.citation.split('#')[1]);

  it('GIVEN the bundled analysis piece THEN the medium summary holds its thesis: reluctance to defy the US, the red line, the call to act', async () => {
    const library = await bundled();
    const medium = cited(library.summary('putin-sharif-sco', 3));
    expect(medium).toHaveLength(3);
    // "That hasn’t come to fruition because Pakistan remains reluctant to defy the US …"
    expect(medium[0]).toBe('p2.s1');
    // "… clinching a strategic energy deal with Russia would cross an invisible red line." (or ¶6's "pivotal factor")
    expect(['p5.s2', 'p6.s1']).toContain(medium[1]);
    // "… it’s long since been time for Pakistan to put its money where its mouth is …"
    expect(medium[2]).toBe('p7.s2');
    // The short one keeps the first two: the reluctance and the deal.
    expect(cited(library.summary('putin-sharif-sco', 2))).toEqual(['p2.s1', medium[1]]);
    // "They last met two years ago … which was analyzed here at the time." / "The preceding hyperlinked piece …"
    expect(medium).not.toContain('p1.s2');
    expect(medium).not.toContain('p1.s3');
    const long = cited(library.summary('putin-sharif-sco', 5));
    // "… the pivotal factor in determining whether bilateral relations remain cordial …"
    expect(long).toEqual(expect.arrayContaining(['p2.s1', 'p5.s2', 'p6.s1', 'p7.s2']));
    expect(long).not.toContain('p1.s2');
  });

  it('GIVEN an argument THEN the short summary is its claim and its call to act, not its dated opening', () => {
    const argument = points('treaty', [
      'Delegations of the two governments met in Geneva on Monday to talk about the river treaty. The river talks lasted six hours, and the ministers promised to meet again.',
      'The treaty cannot survive unless both governments accept shared monitoring of the river. Without monitoring, each side will keep blaming the other for every dry year on the river.',
      'Upstream dams already take a third of the river in dry years. Downstream farmers lost $40 million in crops in 2023 when the river ran low.',
      'Trust between the two governments will not come from more talks. Both should sign the monitoring annex before the next dry season, or the river treaty will fail.',
    ]);
    // Centrality alone gives the Geneva meeting (¶1.1, "on Monday") and the claim.
    expect(cited(summarize(argument, { min: 2, max: 2 }))).toEqual(['p2.s1', 'p4.s2']);
  });

  it('GIVEN an inverted-pyramid news story THEN its lead still leads the summary', () => {
    const story = points('news', [
      'Flooding along the Indus forced forty thousand people from their homes in Sindh province on Monday, officials said.',
      'The Indus flooding followed a week of monsoon rain that broke embankments near Sukkur and flooded homes.',
      'Rescue teams used boats to reach families stranded by the flooding in Sindh villages.',
      'The provincial government opened relief camps in schools for families whose homes flooded.',
      'Farmers said the water destroyed cotton fields that were weeks from harvest.',
      'A cricket match in Karachi was postponed because of the weather.',
      'Forecasters expect more rain in Sindh later this week.',
      'The army has sent helicopters to help with rescue work along the river.',
    ]);
    expect(cited(summarize(story, { max: 2, min: 2 }))[0]).toBe('p1.s1');
  });

  it('GIVEN sentences pointing to other pieces THEN they are recognised; plain claims are not', () => {
    expect(refersElsewhere('They last met two years ago at the 2022 SCO Summit in Tashkent, which was analyzed here at the time.')).toBe(true);
    expect(refersElsewhere('The preceding hyperlinked piece drew attention to Putin’s high hopes.')).toBe(true);
    expect(refersElsewhere('Pakistan remains reluctant to defy the US.')).toBe(false);
    expect(refersElsewhere('Here is what the deal would mean for Pakistan.')).toBe(false);
  });
});

describe('namedTermsOf', () => {
  const terms = (text: string) => namedTermsOf({ text });

  it('GIVEN a country under its several names THEN they are one term, and "US" counts (it is not the pronoun "us")', () => {
    expect(terms('Pakistan remains reluctant to defy the US.')).toEqual(['@Pakistan', 'remain', 'reluctant', 'defy', '@United States']);
    expect(terms('It fears America’s wrath.')).toContain('@United States');
    expect(terms('American hegemony')).toEqual(['@United States', 'hegemony']);
    expect(terms('Russian wheat exports to Russia')).toEqual(['@Russia', 'wheat', 'export', '@Russia']);
  });

  it('GIVEN look-alikes THEN they stay words: the pronoun, another America, a name inside a longer word', () => {
    expect(terms('Let us talk about it today.')).not.toContain('@United States');
    expect(terms('Trade with Latin America grew.')).not.toContain('@United States');
    expect(terms('Prussia was a kingdom.')).not.toContain('@Russia');
  });
});

describe('isByline / isSummarizable', () => {
  it.each([
    'By Jane Doe',
    'By . Associated Press . ',
    'PUBLISHED: . ',
    'UPDATED: . 15:36 EST, 25 October 2013 .',
    'Last updated at 1:25 AM on 3rd August 2011 .',
    'CNN —',
    '14:11 EST, 25 October 2013 .',
  ])('GIVEN %j THEN it is a byline', (text) => {
    expect(isByline(text)).toBe(true);
    expect(isSummarizable(text)).toBe(false);
  });

  it.each([
    'By the time he arrived, the talks had already collapsed.',
    'Updated figures show exports rose by a third in May.',
    'Bishop John Folda (pictured) has exposed hundreds of church members to hepatitis A.',
    '(CNN) -- Ralph Mata was an internal affairs lieutenant for the Miami-Dade police.',
  ])('GIVEN %j THEN it is a real sentence', (text) => {
    expect(isByline(text)).toBe(false);
    expect(isSummarizable(text)).toBe(true);
  });

  it('GIVEN fewer than six words THEN is a fragment', () => {
    expect(isSummarizable('She died later from injuries.')).toBe(false);
    expect(isSummarizable('She died later from her injuries.')).toBe(true);
  });
});

describe('summaryLength / summarySize', () => {
  it('maps short/medium/long to 2/3/5, defaulting to medium', () => {
    expect(summaryLength('short')).toBe(2);
    expect(summaryLength('medium')).toBe(3);
    expect(summaryLength('long')).toBe(5);
    expect(summaryLength('LONG')).toBe(5);
    expect(summaryLength(undefined)).toBe(3);
    expect(summaryLength('huge')).toBe(3);
  });

  it('gives about a third of the candidates within [min, max]', () => {
    expect(summarySize(1)).toBe(1);
    expect(summarySize(3)).toBe(2);
    expect(summarySize(9)).toBe(3);
    expect(summarySize(12)).toBe(4);
    expect(summarySize(100)).toBe(5);
    expect(summarySize(100, 2, 3)).toBe(3);
  });
});
