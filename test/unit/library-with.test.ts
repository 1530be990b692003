import { describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import { makeDoc } from '../helpers/docs.js';

/** Enough filler documents that the library uses the segmented (incremental) index. */
function largeLibrary(): Library {
  const subjects = ['Russian grain shipments', 'Japanese semiconductor tariffs', 'Brazilian coffee harvests', 'Canadian lumber duties', 'Kenyan tea auctions', 'Chilean copper mines'];
  const docs = Array.from({ length: 60 }, (_, i) => {
    const subject = subjects[i % subjects.length]!;
    return makeDoc(
      `brief-${i}`,
      Array.from({ length: 6 }, (_, j) => `Officials met on day ${i * 10 + j} to discuss ${subject} with several delegations. Ministers agreed to review ${subject} again before the summit.`).join('\n'),
    );
  });
  return new Library(docs);
}

describe('Library.with on a large library', () => {
  it('GIVEN a library big enough for the incremental index THEN it is segmented', () => {
    expect((largeLibrary().store as { segmented?: boolean }).segmented).toBe(true);
  });

  it('GIVEN an added document THEN it is searchable and its sentences join the existing topics that match', () => {
    const base = largeLibrary();
    const topic = base.topics.find((t) => t.keywords.some((k) => /russia/i.test(k)));
    expect(topic, `topics: ${base.topics.map((t) => t.name).join(', ')}`).toBeDefined();
    const added = makeDoc('new-memo', 'A new memo says Russian wheat exports through the corridor doubled this spring.');
    const next = base.with({ add: [added] });

    expect(next.search('wheat exports doubled', { limit: 1 }).hits[0]!.point.doc).toBe('new-memo');
    const joined = next.topicsFor('new-memo').map((t) => t.name);
    expect(joined).toContain(topic!.name);
    // The old snapshot is untouched: requests in flight keep a consistent view.
    expect(base.topicsFor.bind(base, 'new-memo')).toThrow(/No document is called/);
    expect(base.topics.find((t) => t.id === topic!.id)!.documents).not.toContain('new-memo');
  });

  it('GIVEN a removed document THEN it leaves search and every topic', () => {
    const base = largeLibrary();
    const next = base.with({ remove: ['brief-3'] });
    expect(next.search('day 30 grain', { limit: 10 }).hits.every((h) => h.point.doc !== 'brief-3')).toBe(true);
    for (const t of next.topics) expect(t.documents).not.toContain('brief-3');
  });
});
