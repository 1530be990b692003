import { describe, expect, it } from 'vitest';
import { briefJson, buildBrief, documentKey, keyString, MAX_QUOTED_DOCUMENTS, renderBrief, sentenceHash, type BriefInput } from '../../src/digest/brief.js';
import { Library } from '../../src/library.js';
import { makeDoc } from '../helpers/docs.js';

const NOW = Date.parse('2026-11-28T08:00:00Z');
const DAY = 86_400_000;

const WHEAT = [
  'The wheat market grew sharply this quarter according to regional traders and port officials.',
  'Traders said the wheat shipments through the northern corridor doubled since the spring.',
  'Officials expect wheat prices to stay high while the corridor remains the main route.',
  'A choir sang at the harbour on Sunday evening.',
].join(' ');
const WHEAT_MORE = [
  'Millers in the capital reported that wheat flour stocks fell to their lowest level in a decade.',
  'Bakers warned that bread prices would follow the wheat shortage within weeks.',
  'The ministry promised to release wheat from the strategic reserve before winter.',
].join(' ');
const COTTON = [
  'Cotton growers in the south reported a record harvest after a mild and wet summer.',
  'The cotton gins ran day and night to keep up with the harvest.',
  'A painter opened a small gallery near the square.',
].join(' ');

const old = makeDoc('old-wheat', WHEAT_MORE, { title: 'Old wheat note', addedAt: '2026-11-01T00:00:00Z' });
const wheat = makeDoc('wheat-memo', `${WHEAT}\n${WHEAT_MORE.replace('capital', 'north')}`, { title: 'Wheat memo', source: 'https://example.com/wheat_(memo)', addedAt: '2026-11-27T20:00:00Z' });
const cotton = makeDoc('cotton-note', COTTON, { title: 'Cotton note' });
const library = new Library([old, wheat, cotton], { Wheat: ['wheat'], Cotton: ['cotton'], Corridor: ['corridor'] });
const topicCount = library.topics.length;
const firstSeen = new Map([[keyString(documentKey(cotton)), NOW - 3_600_000]]);

const input = (over: Partial<BriefInput> = {}): BriefInput => ({ library, date: '2026-11-28', timezone: 'Europe/London', since: NOW - DAY, firstSeen, ...over });

describe('buildBrief', () => {
  it('GIVEN documents added since the previous brief THEN each is listed with 1–3 of its most central sentences, verbatim, under the biggest topic it joined', () => {
    const brief = buildBrief(input());
    expect(brief.quiet).toBe(false);
    // added_at decides for the wheat memo, the first-seen time for the dropped cotton note; the old note is not new.
    expect(brief.newDocuments.map((d) => d.slug)).toEqual(['wheat-memo', 'cotton-note']);
    for (const d of brief.newDocuments) {
      expect(d.points.length).toBeGreaterThanOrEqual(1);
      expect(d.points.length).toBeLessThanOrEqual(3);
      // The same centrality as /summary: its points are the document's summary.
      const summary = library.summary(d.slug, 3).map((p) => p.citation);
      for (const p of d.points) {
        expect(summary).toContain(p.citation);
        expect(library.point(p.citation)!.text).toBe(p.text);
      }
      expect(d.points.map((p) => p.text).join(' ')).not.toMatch(/choir|painter/);
    }
    expect(brief.newDocuments[0]).toMatchObject({ topic: 'Wheat', source: 'https://example.com/wheat_(memo)' });
    expect(brief.newDocuments[1]!.topic).toBe('Cotton');
  });

  it('GIVEN topics the new documents joined THEN "grew" counts their new points and links the quoted ones', () => {
    const brief = buildBrief(input());
    const wheatTopic = library.topic('Wheat');
    const grown = brief.grownTopics.find((t) => t.topic === 'Wheat')!;
    expect(grown.added).toBe(wheatTopic.points.filter((p) => p.doc === 'wheat-memo').length);
    const quoted = brief.newDocuments.flatMap((d) => d.points.map((p) => p.citation));
    for (const t of brief.grownTopics) for (const c of t.citations) expect(quoted).toContain(c);
    expect(brief.grownTopics.map((t) => t.topic)).toContain('Corridor');
    // Biggest growth first.
    const added = brief.grownTopics.map((t) => t.added);
    expect(added).toEqual([...added].sort((a, b) => b - a));
  });

  it('GIVEN sentences an earlier brief quoted and documents it reported THEN neither comes again; a spent sentence is replaced by the next most central', () => {
    const first = buildBrief(input());
    const spent = first.newDocuments[0]!.points[0]!;
    const again = buildBrief(input({ quoted: new Set([sentenceHash(spent.text)]) }));
    const texts = again.newDocuments.flatMap((d) => d.points.map((p) => p.text));
    expect(texts).not.toContain(spent.text);
    expect(again.newDocuments[0]!.points).toHaveLength(3);
    const reported = buildBrief(input({ reported: new Set([keyString(documentKey(wheat))]) }));
    expect(reported.newDocuments.map((d) => d.slug)).toEqual(['cotton-note']);
  });

  it('GIVEN nothing new THEN a quiet brief of at most two lines: since when, the library’s size, /topics', () => {
    const brief = buildBrief(input({ since: NOW, previous: '2026-11-27' }));
    expect(brief.quiet).toBe(true);
    expect(brief.newDocuments).toEqual([]);
    const parts = renderBrief(brief, { nextAt: NOW + DAY });
    expect(parts).toHaveLength(1);
    expect(parts[0]!.split('\n')).toEqual([
      '🗞️ **Daily brief** — Saturday 28 November 2026 (Europe/London)',
      `Nothing new since Friday 27 November 2026 · 3 documents, ${topicCount} topics · \`/topics\` to browse`,
    ]);
    expect(briefJson(brief)).toEqual({ date: '2026-11-28', newDocuments: [], grownTopics: [], quiet: true });
  });

  it('GIVEN a topics filter THEN only news that joined those topics, and unknown names reported', () => {
    const brief = buildBrief(input({ topics: ['Cotton', 'nothing like this'] }));
    expect(brief.newDocuments.map((d) => d.slug)).toEqual(['cotton-note']);
    expect(brief.grownTopics.map((t) => t.topic)).toEqual(['Cotton']);
    expect(brief.missingTopics).toEqual(['nothing like this']);
  });

  it('GIVEN the brief as JSON THEN exactly date, newDocuments (slug, title, source, points of citation and text), grownTopics (topic, added, citations), quiet', () => {
    const json = briefJson(buildBrief(input()));
    expect(Object.keys(json)).toEqual(['date', 'newDocuments', 'grownTopics', 'quiet']);
    expect(Object.keys(json.newDocuments[0]!)).toEqual(['slug', 'title', 'source', 'points']);
    expect(json.newDocuments[1]!.source).toBeNull();
    expect(Object.keys(json.newDocuments[0]!.points[0]!)).toEqual(['citation', 'text']);
    expect(Object.keys(json.grownTopics[0]!)).toEqual(['topic', 'added', 'citations']);
    expect(json.quiet).toBe(false);
  });
});

describe('renderBrief', () => {
  it('GIVEN new documents THEN topic headings, linked titles, quotes with citations, topics that grew, footer', () => {
    const text = renderBrief(buildBrief(input({ previous: '2026-11-27' }))).join('\n');
    expect(text.startsWith('🗞️ **Daily brief** — Saturday 28 November 2026 (Europe/London)\n**New since Friday 27 November 2026:** 2 documents, ')).toBe(true);
    expect(text).toContain('**Wheat**\n📄 Wheat memo <https://example.com/wheat_%28memo%29>\n> ');
    expect(text).toContain('**Cotton**\n📄 Cotton note\n> ');
    expect(text).toMatch(/\*\*Topics that grew\*\*\n• Wheat — \+\d+ points: `wheat-memo#p\d\.s\d`/);
    expect(text.endsWith(`\n-# 3 documents · ${topicCount} topics`)).toBe(true);
  });

  it('GIVEN more new documents than the brief has room for, long hostile sentences and titles THEN every part fits 2,000 characters, the rest are listed by title with a count, nothing pings', () => {
    const words = ['wheat', 'pipeline', 'tariff', 'corridor', 'barter', 'sanction', 'harvest', 'reactor', 'shipping', 'fertiliser'];
    const sentence = (w: string, i: number) =>
      `The ${w} report number ${i} says ${'@everyone **bold** <@123456789012345678> [x](https://evil.example) ~~struck~~ '.repeat(6)}and the ${w} trend continues.`;
    const docs = Array.from({ length: 40 }, (_, d) =>
      makeDoc(`doc-${d}`, words.map((w, i) => `${sentence(w, d * 10 + i)} ${sentence(w, d * 10 + i + 1)}`).join('\n'), {
        title: `**Title** ${d} @everyone ${'x'.repeat(150)}`,
        source: `https://example.com/a_(b)/${d}`,
        addedAt: '2026-11-28T07:00:00Z',
      }),
    );
    const lib = new Library(docs, Object.fromEntries(words.map((w) => [`Topic ${w}`, [w]])));
    const brief = buildBrief({ library: lib, date: '2026-11-28', timezone: 'America/New_York', since: NOW - DAY, firstSeen: new Map() });
    const parts = renderBrief(brief, { nextAt: Date.parse('2026-11-29T13:00:00Z'), late: true });
    expect(brief.newDocuments.filter((d) => !d.overflow)).toHaveLength(MAX_QUOTED_DOCUMENTS);
    expect(brief.newDocuments.filter((d) => d.overflow).every((d) => d.points.length === 0)).toBe(true);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2000);
      expect(part).not.toMatch(/(^|[^\\])\*\*Title/);
    }
    const all = parts.join('\n');
    for (const d of brief.newDocuments) for (const p of d.points) expect(all).toContain(`\`${p.citation}\``);
    const texts = brief.newDocuments.flatMap((d) => d.points.map((p) => p.text));
    expect(new Set(texts).size).toBe(texts.length);
    expect(all).toContain('Posted late');
    expect(all).toContain(`…and ${40 - MAX_QUOTED_DOCUMENTS} more new documents`);
    expect(all).toContain('\\<@123456789012345678>');
    expect(all).toContain(' <https://example.com/a_%28b%29/0>');
    expect(parts.at(-1)).toMatch(/-# 40 documents · \d+ topics · next brief <t:1795957200:R>$/);
  });
});
