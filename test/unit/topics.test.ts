import { fileURLToPath } from 'node:url';
import { loadDocuments } from '../../src/documents/load.js';
import { pointsOf } from '../../src/points.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopics, findTopic, loadCuratedTopics, rankTopicsForAutocomplete } from '../../src/topics/index.js';
import type { Doc, Point, Topic } from '../../src/types.js';

/** Documents from paragraphs of hand-written text; sentences split after '. ', '? ' and '! '. */
function library(texts: Record<string, string[]>): { docs: Doc[]; points: Point[] } {
  const docs: Doc[] = [];
  const points: Point[] = [];
  for (const [slug, paragraphs] of Object.entries(texts)) {
    const doc: Doc = {
      slug,
      path: `${slug}.txt`,
      meta: { title: slug, tags: [] },
      paragraphs: paragraphs.map((text, i) => ({ index: i + 1, text, sentences: text.split(/(?<=[.?!]) /) })),
    };
    docs.push(doc);
    for (const para of doc.paragraphs) {
      points.push({ id: points.length, citation: `${slug}#p${para.index}`, doc: slug, kind: 'paragraph', paragraph: para.index, text: para.text });
      para.sentences.forEach((text, s) =>
        points.push({
          id: points.length,
          citation: `${slug}#p${para.index}.s${s + 1}`,
          doc: slug,
          kind: 'sentence',
          paragraph: para.index,
          sentence: s + 1,
          text,
        }),
      );
    }
  }
  return { docs, points };
}

const ANALYSIS = library({
  'putin-sharif': [
    'Russian President Putin met Pakistani Prime Minister Shehbaz Sharif at the SCO Summit in Astana. They discussed a strategic energy deal between Moscow and Islamabad. Officials said the energy deal would cover oil and gas.',
    'Pakistan remains reluctant to defy the US on sanctions. Former Prime Minister Imran Khan took a different line on America. Analysts say American pressure shapes the decision. They told us the decision was final. The final word was up to the U.S.',
    'Sharif proposed to restore barter between the two countries. Barter trade in fruit and leather was tested last year. If the will was there, barter would have surged by now. Wheat exports from Russia keep trade growing.',
    'Imran Khan had wanted closer ties with Russia. Critics of Imran Khan said the energy deal was never realistic. The turkey sandwiches at the summit were cold, one delegate said.',
  ],
  'turkey-notes': [
    'Turkey hosted talks on grain exports last week. Officials in Turkey said the grain corridor would reopen. Turkish ports handled most of the grain.',
  ],
});

describe('buildTopics', () => {
  const topics = buildTopics(ANALYSIS);
  const byName = (name: string) => topics.find((t) => t.name === name);
  const texts = (t: Topic | undefined) => (t?.points ?? []).map((p) => p.text);

  it('GIVEN "US", "U.S.", "America" and "American" THEN they make one United States topic, without the pronoun "us"', () => {
    const us = byName('United States');
    expect(us).toBeDefined();
    expect(texts(us)).toEqual([
      'Pakistan remains reluctant to defy the US on sanctions.',
      'Former Prime Minister Imran Khan took a different line on America.',
      'Analysts say American pressure shapes the decision.',
      'The final word was up to the U.S.',
    ]);
    expect(topics.filter((t) => /^(us|america|american)$/i.test(t.name))).toEqual([]);
    expect(us!.keywords).toEqual(expect.arrayContaining(['US', 'U.S.', 'America', 'American']));
  });

  it('GIVEN a demonym THEN it joins its country ("Russian" → Russia, "Turkish" → Turkey)', () => {
    expect(texts(byName('Russia'))).toEqual(
      expect.arrayContaining(['Russian President Putin met Pakistani Prime Minister Shehbaz Sharif at the SCO Summit in Astana.']),
    );
    expect(texts(byName('Turkey'))).toContain('Turkish ports handled most of the grain.');
  });

  it('GIVEN a capitalised alias THEN lower-case homographs do not match ("turkey sandwiches")', () => {
    expect(texts(byName('Turkey')).some((t) => t.includes('sandwiches'))).toBe(false);
  });

  it('GIVEN a neighbouring word that changes the meaning THEN the alias does not match ("Latin America", "Indian Country")', () => {
    const lib = library({
      notes: [
        'Trade with Latin America grew. American exporters gained. Exports to South America slowed. America imports less.',
        'India signed the pact. Indian officials welcomed it. Indian Country leaders met separately. Funding for Indian Affairs rose.',
      ],
    });
    const found = buildTopics(lib);
    expect(found.find((t) => t.name === 'United States')?.points.map((p) => p.text)).toEqual([
      'American exporters gained.',
      'America imports less.',
    ]);
    expect(found.find((t) => t.name === 'India')?.points.map((p) => p.text)).toEqual([
      'India signed the pact.',
      'Indian officials welcomed it.',
    ]);
  });

  it('GIVEN repeated distinctive words and names THEN they become topics; titles and common words do not', () => {
    const names = topics.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Energy deal', 'Imran Khan']));
    for (const bad of ['Prime Minister', 'Minister', 'Officials', 'Said', 'Year', 'Last week', 'Would']) expect(names).not.toContain(bad);
    // A lone common noun never names a topic: the tagger reads "barter" as one, however often it recurs.
    expect(names).not.toContain('Barter');
  });

  it('GIVEN a keyword THEN members are the sentences mentioning it, in library order', () => {
    const deal = byName('Energy deal')!;
    expect(deal.points.length).toBeGreaterThanOrEqual(2);
    for (const text of texts(deal)) expect(text.toLowerCase()).toMatch(/energy deal|\bdeal\b/);
    const ids = deal.points.map((p) => p.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(deal.keywords).toContain('energy deal');
  });

  it('GIVEN any topic THEN its members are sentence points, in order, and its summary quotes 2–5 of them', () => {
    expect(topics.length).toBeGreaterThan(3);
    for (const t of topics) {
      expect(t.points.length).toBeGreaterThanOrEqual(2);
      for (const p of t.points) expect(p.kind).toBe('sentence');
      const ids = t.points.map((p) => p.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(t.summary.length).toBeGreaterThanOrEqual(Math.min(2, t.points.length));
      expect(t.summary.length).toBeLessThanOrEqual(5);
      for (const p of t.summary) expect(t.points).toContain(p);
      expect(t.documents).toEqual([...new Set(t.points.map((p) => p.doc))]);
      expect(t.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(t.curated).toBe(false);
    }
  });

  it('GIVEN topics THEN they are ordered by size, then name, with unique ids', () => {
    for (let i = 1; i < topics.length; i++) {
      const [a, b] = [topics[i - 1]!, topics[i]!];
      expect(a.points.length > b.points.length || (a.points.length === b.points.length && a.name <= b.name)).toBe(true);
    }
    expect(new Set(topics.map((t) => t.id)).size).toBe(topics.length);
  });

  it('GIVEN the same input twice THEN the topics are identical', () => {
    const again = buildTopics(library({ ...Object.fromEntries(ANALYSIS.docs.map((d) => [d.slug, d.paragraphs.map((p) => p.text)])) }));
    const shape = (ts: Topic[]) => ts.map((t) => [t.id, t.name, t.keywords, t.points.map((p) => p.citation), t.summary.map((p) => p.citation)]);
    expect(shape(again)).toEqual(shape(topics));
  });

  it('GIVEN an empty library THEN there are no topics', () => {
    expect(buildTopics({ docs: [], points: [] })).toEqual([]);
  });
});

describe('topic names read as an index, and stay as documents arrive', () => {
  it('GIVEN the bundled article THEN every name is a name or a noun phrase, never a verb, adjective or lone common noun', async () => {
    const { docs } = await loadDocuments(fileURLToPath(new URL('../fixtures/library/', import.meta.url)));
    const names = buildTopics({ docs, points: pointsOf(docs) }).map((t) => t.name);
    // "a strategic energy deal with Pakistan", "clinching a strategic energy deal with Russia": the whole noun phrase.
    expect(names).toEqual(expect.arrayContaining(['Putin', 'Strategic energy deal', 'SCO Summit', 'United States']));
    for (const stray of ['Mention', 'Prove', 'Joint', 'Ties', 'Exports', 'Trade', 'Corridor', 'Strategic', 'Energy deal']) expect(names).not.toContain(stray);
  });

  it('GIVEN months used as dates and a name inside a longer word THEN neither is a topic; the subjects are', () => {
    const names = buildTopics(
      library({
        a: ['Police say MS-13 ran the smuggling route through the valley. Officers arrested the leaders of MS-13 in the valley town.'],
        b: ['In June the council approved the valley water plan. The council will vote again in June on the water plan.'],
        c: ['By June, officials said, the smuggling route was closed. Prosecutors charged MS-13 with racketeering in June at the county court.'],
        d: ['The valley water plan needs federal money. Farmers in the valley support the water plan.'],
      }),
    ).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Water plan', 'Smuggling route']));
    expect(names).not.toContain('June');
    expect(names).not.toContain('MS');
  });

  it('GIVEN one more document on another subject THEN at least 90 % of the names stay', () => {
    const before = buildTopics(ANALYSIS).map((t) => t.name);
    const memo = library({ memo: ['The committee met on Monday to review the quarterly report. Members said the report was ready. The chair thanked members of the committee.'] });
    const after = new Set(buildTopics({ docs: [...ANALYSIS.docs, ...memo.docs], points: pointsOf([...ANALYSIS.docs, ...memo.docs]) }).map((t) => t.name));
    expect(before.filter((n) => after.has(n)).length / before.length).toBeGreaterThanOrEqual(0.9);
  });
});

describe('buildTopics in a multi-document library', () => {
  // Every memo repeats the same office vocabulary; only one is about barter.
  const common = (n: number) =>
    `The committee met on Monday to review the quarterly report number ${n}. Members said the report was ready for review. ` +
    `The chair thanked members of the committee for the report.`;
  const texts: Record<string, string[]> = {};
  for (let i = 1; i <= 12; i++) texts[`memo-${i}`] = [common(i)];
  texts['memo-barter'] = [
    `${common(99)} Barter deals with the province were signed. Barter replaced cash payments for grain. Officials expect barter to grow.`,
  ];
  const topics = buildTopics(library(texts));
  const names = topics.map((t) => t.name.toLowerCase());

  it('GIVEN a word in every document and one concentrated in a few THEN the distinctive one is the topic', () => {
    for (const everywhere of ['review', 'members', 'quarterly report', 'chair']) expect(names).not.toContain(everywhere);
  });
});

describe('curated topics', () => {
  const curated = { 'Energy deal': ['energy', 'oil', 'Gas'], barter: ['barter', 'trade'], 'US pressure': ['US'] };
  const topics = buildTopics({ ...ANALYSIS, curated });

  it('GIVEN curated topics THEN they come first, marked curated, with their own keywords', () => {
    expect(topics.slice(0, 3).map((t) => t.curated)).toEqual([true, true, true]);
    expect(topics.slice(3).every((t) => !t.curated)).toBe(true);
    const energy = topics.find((t) => t.name === 'Energy deal')!;
    expect(energy.curated).toBe(true);
    expect(energy.keywords).toEqual(['energy', 'oil', 'Gas']);
    expect(energy.points.map((p) => p.text)).toContain('Officials said the energy deal would cover oil and gas.');
  });

  it('GIVEN a curated name equal to an automatic one (any case) THEN the curated one replaces it', () => {
    const barters = topics.filter((t) => t.name.toLowerCase() === 'barter');
    expect(barters).toHaveLength(1);
    expect(barters[0]!.curated).toBe(true);
    expect(barters[0]!.points.map((p) => p.text)).toContain('Wheat exports from Russia keep trade growing.');
    expect(topics.filter((t) => t.id === 'energy-deal')).toHaveLength(1);
  });

  it('GIVEN an automatic topic mostly inside a curated one THEN it is dropped', () => {
    // United States is entirely inside "US pressure", which expands US to its aliases.
    expect(topics.find((t) => t.name === 'United States')).toBeUndefined();
    expect(topics.find((t) => t.name === 'US pressure')!.points.map((p) => p.text)).not.toContain('They told us the decision was final.');
  });

  it('GIVEN a curated keyword with no match THEN the topic is kept, empty', () => {
    const t = buildTopics({ ...ANALYSIS, curated: { Nuclear: ['uranium'] } }).find((x) => x.name === 'Nuclear')!;
    expect(t.points).toEqual([]);
    expect(t.summary).toEqual([]);
  });
});

describe('loadCuratedTopics', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dossier-topics-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = async (body: string) => {
    const file = path.join(dir, 'topics.json');
    await writeFile(file, body);
    return file;
  };

  it('GIVEN no file THEN returns undefined', async () => {
    expect(await loadCuratedTopics(path.join(dir, 'missing.json'))).toBeUndefined();
  });

  it('GIVEN a valid file THEN returns name → keywords', async () => {
    const file = await write('{ "Energy deal": ["energy", "oil"], "Barter": ["barter"] }');
    expect(await loadCuratedTopics(file)).toEqual({ 'Energy deal': ['energy', 'oil'], Barter: ['barter'] });
  });

  it.each([
    ['{ "Energy deal": ["energy", ', /topics\.json: curated topics are not valid JSON/],
    ['["energy"]', /topics\.json: invalid curated topics: expected an object/],
    ['{ "Energy deal": "energy" }', /topics\.json: invalid curated topics in topic "Energy deal": keywords must be a list/],
    ['{ "Energy deal": [] }', /topics\.json: .*"Energy deal": needs at least one keyword/],
    ['{ "Energy deal": ["oil", 3] }', /topics\.json: .*"Energy deal", keyword 2/],
    ['{ "Energy": ["oil"], "energy": ["gas"] }', /topics\.json: .*differ only in case/],
  ])('GIVEN %j THEN the error names the file and the problem', async (body, message) => {
    const file = await write(body);
    await expect(loadCuratedTopics(file)).rejects.toThrow(message);
  });
});

describe('findTopic / rankTopicsForAutocomplete', () => {
  const topics = buildTopics(ANALYSIS);

  it('finds by id, by name in any case, by prefix, then by keyword', () => {
    expect(findTopic(topics, 'united-states')?.name).toBe('United States');
    expect(findTopic(topics, 'UNITED STATES')?.name).toBe('United States');
    expect(findTopic(topics, 'energy d')?.name).toBe('Energy deal');
    expect(findTopic(topics, 'America')?.name).toBe('United States');
    expect(findTopic(topics, 'no such topic')).toBeUndefined();
    expect(findTopic(topics, '  ')).toBeUndefined();
  });

  it('GIVEN empty input THEN offers the largest topics first', () => {
    const ranked = rankTopicsForAutocomplete(topics, '', 3);
    expect(ranked).toHaveLength(3);
    const sizes = topics.map((t) => t.points.length).sort((a, b) => b - a);
    expect(ranked.map((t) => t.points.length)).toEqual(sizes.slice(0, 3));
  });

  it('ranks exact, then prefix, then word prefix or substring, then near misses', () => {
    expect(rankTopicsForAutocomplete(topics, 'energy deal')[0]?.name).toBe('Energy deal');
    expect(rankTopicsForAutocomplete(topics, 'ru')[0]?.name).toBe('Russia');
    expect(rankTopicsForAutocomplete(topics, 'deal').map((t) => t.name)).toContain('Energy deal');
    expect(rankTopicsForAutocomplete(topics, 'energi').map((t) => t.name)).toContain('Energy deal');
    expect(rankTopicsForAutocomplete(topics, 'zzzz')).toEqual([]);
    expect(rankTopicsForAutocomplete(topics, 'a', 2).length).toBeLessThanOrEqual(2);
  });
});
