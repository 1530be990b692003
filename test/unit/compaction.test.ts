import { describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import type { InMemoryPointStore } from '../../src/store/point-store.js';
import { makeDoc } from '../helpers/docs.js';

const SUBJECTS = ['Russian grain shipments', 'Japanese semiconductor tariffs', 'Brazilian coffee harvests', 'Canadian lumber duties', 'Kenyan tea auctions', 'Chilean copper mines'];

function brief(slug: string, i: number): ReturnType<typeof makeDoc> {
  const subject = SUBJECTS[i % SUBJECTS.length]!;
  return makeDoc(slug, Array.from({ length: 6 }, (_, j) => `Officials met on day ${i * 10 + j} to discuss ${subject} with several delegations. Ministers agreed to review ${subject} again before the summit.`).join('\n'));
}

/** Every point the store holds, removed documents' included (what memory follows). */
const held = (library: Library) => (library.store as unknown as InMemoryPointStore).allPoints.length;

describe('GIVEN a large library that churns (a document added and forgotten, over and over)', () => {
  it('THEN the index holds a bounded number of points, and the library answers like one built from its documents', () => {
    let library = new Library(Array.from({ length: 60 }, (_, i) => brief(`brief-${i}`, i)));
    const live = library.points.length;
    expect((library.store as unknown as InMemoryPointStore).segmented).toBe(true);
    let most = 0;
    for (let n = 0; n < 300; n++) {
      library = library.with({ add: [brief(`churn-${n}`, n)] });
      library = library.with({ remove: [`churn-${n}`] });
      most = Math.max(most, held(library));
    }
    // Without compaction it would be live + 300 × 18 tombstoned points.
    expect(most).toBeLessThanOrEqual(2 * live + 2_000 + 18);
    expect(library.points.length).toBe(live);

    const rebuilt = new Library(library.docs);
    for (const q of ['kenyan tea day 301', 'copper mines delegations', 'lumber duties summit']) {
      expect(library.search(q, { limit: 5 }).hits.map((h) => h.point.citation)).toEqual(rebuilt.search(q, { limit: 5 }).hits.map((h) => h.point.citation));
    }
    const citations = new Set(library.points.map((p) => p.citation));
    for (const t of library.topics) for (const p of [...t.points, ...t.summary]) expect(citations.has(p.citation), p.citation).toBe(true);
    for (const p of library.summary(undefined, 5)) expect(library.quote(p.citation).point).toBe(p);
  });
});
