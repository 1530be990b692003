import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { briefJson, buildBrief, MAX_SECTIONS, newDocumentsSince, renderBrief, todaysBrief } from '../../src/digest/brief.js';
import { Library } from '../../src/library.js';
import { REPO } from '../helpers/bot.js';
import { makeDoc } from '../helpers/docs.js';

let library: Library;
beforeAll(async () => {
  library = await Library.load(path.join(REPO, 'data'));
});

describe('buildBrief', () => {
  it('GIVEN the bundled library THEN each section quotes 1–3 of its topic’s points verbatim, none twice', () => {
    const brief = todaysBrief(library, { now: Date.parse('2026-11-28T09:00:00Z'), timezone: 'Europe/London' });
    expect(brief.date).toBe('2026-11-28');
    expect(brief.sections.length).toBeGreaterThan(0);
    expect(brief.sections.length).toBeLessThanOrEqual(MAX_SECTIONS);
    for (const s of brief.sections) {
      const topic = library.topic(s.topic);
      expect(s.points.length).toBeGreaterThanOrEqual(1);
      expect(s.points.length).toBeLessThanOrEqual(3);
      for (const p of s.points) {
        expect(topic.points.map((x) => x.citation)).toContain(p.citation);
        expect(library.point(p.citation)!.text).toBe(p.text);
      }
    }
    const cited = brief.sections.flatMap((s) => s.points.map((p) => p.citation));
    expect(new Set(cited).size).toBe(cited.length);
    // The first section is the biggest topic; its points are its summary's most central.
    const first = library.topic(brief.sections[0]!.topic);
    for (const p of brief.sections[0]!.points) expect(first.summary.map((x) => x.citation)).toContain(p.citation);
  });

  it('GIVEN a topics filter THEN only those topics, in that order, and unknown names reported', () => {
    const [a, b] = library.topics;
    const brief = buildBrief({ library, date: '2026-11-28', timezone: 'UTC', newDocuments: [], topics: [b!.name, 'nothing like this', a!.name] });
    expect(brief.sections.map((s) => s.topic)).toEqual([b!.name, a!.name]);
    expect(brief.missingTopics).toEqual(['nothing like this']);
  });

  it('GIVEN front matter added_at THEN it decides newness over when the file was first seen', () => {
    const docs = [
      makeDoc('old-note', 'Old text about grain.', { addedAt: '2026-11-01T00:00:00Z' }),
      makeDoc('fresh-note', 'Fresh text about grain.', { addedAt: '2026-11-28T06:00:00Z' }),
      makeDoc('dropped-in', 'Dropped text about grain.'),
      makeDoc('never-seen', 'Unknown text about grain.'),
    ];
    const lib = new Library(docs);
    const seen = new Map([['dropped-in', Date.parse('2026-11-28T07:00:00Z')], ['old-note', Date.parse('2026-11-28T07:00:00Z')]]);
    const fresh = newDocumentsSince(lib, Date.parse('2026-11-27T08:00:00Z'), seen).map((d) => d.slug);
    expect(fresh).toEqual(['fresh-note', 'dropped-in']);
  });

  it('GIVEN the brief as JSON THEN exactly date, sections (topic, points of citation and text) and newDocuments', () => {
    const json = briefJson(todaysBrief(library, { now: Date.parse('2026-11-28T09:00:00Z') }));
    expect(Object.keys(json)).toEqual(['date', 'sections', 'newDocuments']);
    expect(Object.keys(json.sections[0]!)).toEqual(['topic', 'points']);
    expect(Object.keys(json.sections[0]!.points[0]!)).toEqual(['citation', 'text']);
  });
});

describe('renderBrief', () => {
  it('GIVEN the largest brief (every section full, long hostile sentences, 40 new documents with hostile titles) THEN every part fits 2,000 characters and nothing is lost between parts', () => {
    const words = ['wheat', 'pipeline', 'tariff', 'corridor', 'barter', 'sanction', 'harvest', 'reactor', 'shipping', 'fertiliser'];
    const sentence = (w: string, i: number) =>
      `The ${w} report number ${i} says ${'@everyone **bold** <@123456789012345678> [x](https://evil.example) ~~struck~~ '.repeat(6)}and the ${w} trend continues.`;
    const docs = Array.from({ length: 40 }, (_, d) =>
      makeDoc(`doc-${d}`, words.map((w, i) => `${sentence(w, d * 10 + i)} ${sentence(w, d * 10 + i + 1)}`).join('\n'), {
        title: `**Title** ${d} @everyone ${'x'.repeat(150)}`,
        source: `https://example.com/a_(b)/${d}`,
      }),
    );
    const lib = new Library(docs, Object.fromEntries(words.map((w) => [`Topic ${w}`, [w]])));
    const brief = buildBrief({ library: lib, date: '2026-11-28', timezone: 'America/New_York', newDocuments: docs });
    const parts = renderBrief(brief, { nextAt: Date.parse('2026-11-29T13:00:00Z'), late: true });
    expect(brief.sections).toHaveLength(MAX_SECTIONS);
    for (const s of brief.sections) expect(s.points.length).toBeGreaterThanOrEqual(1);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2000);
      expect(part).not.toMatch(/(^|[^\\])\*\*Title/);
    }
    const all = parts.join('\n');
    for (const s of brief.sections) for (const p of s.points) expect(all).toContain(`\`${p.citation}\``);
    expect(all).toContain('\\<@123456789012345678>');
    expect(all).toContain('(<https://example.com/a_%28b%29/0>)');
    expect(parts.at(-1)).toMatch(/-# 40 documents · \d+ topics · \d+ more topics: `\/topics` · next brief <t:1795957200:R>$/);
  });

  it('GIVEN the bundled library THEN the sketch’s shape: heading with the date and zone, topic headings with counts, quotes, footer', () => {
    const parts = renderBrief(todaysBrief(library, { now: Date.parse('2026-11-28T09:00:00Z'), timezone: 'Europe/London' }));
    const text = parts.join('\n');
    expect(text.startsWith('🗞️ **Daily brief** — Saturday 28 November 2026 (Europe/London)\n')).toBe(true);
    expect(text).toMatch(/\*\*[^*]+\*\* \(\d+ points?\)\n> /);
    expect(text).toMatch(/\n-# 1 document · \d+ topics?( · \d+ more topics?: `\/topics`)?$/);
    // Overlapping topics do not quote the same sentence twice.
    const cited = text.match(/`[a-z-]+#p\d+\.s\d+`/g)!;
    expect(new Set(cited).size).toBe(cited.length);
  });
});
