import { describe, expect, it } from 'vitest';
import { LibraryManager } from '../../src/ingest/manager.js';
import { Library } from '../../src/library.js';
import { COMPACT_FROM, tombstoned } from '../../src/store/compact.js';
import { OFF_THREAD_CHARS } from '../../src/store/offthread.js';
import type { InMemoryPointStore } from '../../src/store/point-store.js';
import { ServerLibrary } from '../../src/tenancy/scope.js';
import type { Doc } from '../../src/types.js';
import { makeDoc } from '../helpers/docs.js';

const SUBJECTS = ['Russian grain shipments', 'Japanese semiconductor tariffs', 'Brazilian coffee harvests', 'Canadian lumber duties', 'Kenyan tea auctions', 'Chilean copper mines'];

function brief(slug: string, i: number): Doc {
  const subject = SUBJECTS[i % SUBJECTS.length]!;
  return makeDoc(slug, Array.from({ length: 6 }, (_, j) => `Officials met on day ${i * 10 + j} to discuss ${subject} with several delegations. Ministers agreed to review ${subject} again before the summit.`).join('\n'));
}

/** A long report: enough text that a rebuild over it goes to a worker and takes a while. */
function longReport(slug: string, chars: number): Doc {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < chars; i++) {
    const line = `Auditors traced cargo ledger ${slug}-${i} through the ${SUBJECTS[i % SUBJECTS.length]} accounts. The port office filed note ${i} on ${slug} for review.`;
    lines.push(line);
    size += line.length + 1;
  }
  return makeDoc(slug, lines.join('\n'));
}

/** Every point the store holds, removed documents' included (what memory follows). */
const held = (library: Library) => (library.store as unknown as InMemoryPointStore).allPoints.length;
const answers = (library: Library, q: string) => library.search(q, { limit: 5 }).hits.map((h) => `${h.point.citation} ${h.point.text}`);
const QUERIES = ['kenyan tea day 301', 'copper mines delegations', 'lumber duties summit', 'cargo ledger port office'];

/** The library answers exactly as one built from its documents, and every topic and summary point is one of its own. */
function expectLikeRebuilt(library: Library): void {
  const rebuilt = new Library(library.docs);
  for (const q of QUERIES) expect(answers(library, q), q).toEqual(answers(rebuilt, q));
  const citations = new Set(library.points.map((p) => p.citation));
  for (const t of library.topics) for (const p of [...t.points, ...t.summary]) expect(citations.has(p.citation), p.citation).toBe(true);
  for (const p of library.summary(undefined, 5)) expect(library.quote(p.citation).point).toBe(p);
}

describe('GIVEN a large library that churns (a document added and forgotten, over and over)', () => {
  it('THEN the index holds a bounded number of points, compacted in the background, and answers like one built from its documents', async () => {
    const manager = new LibraryManager(new Library(Array.from({ length: 60 }, (_, i) => brief(`brief-${i}`, i))));
    const live = manager.current().points.length;
    expect((manager.current().store as unknown as InMemoryPointStore).segmented).toBe(true);
    let most = 0;
    let compactions = 0;
    for (let n = 0; n < 400; n++) {
      await manager.add([brief(`churn-${n}`, n)]);
      const after = await manager.remove([`churn-${n}`]);
      // The change itself never compacts: that is left to the background (the request path stays the cost of the change).
      expect(held(after)).toBeGreaterThanOrEqual(held(manager.current()));
      if (manager.compaction.running) compactions++;
      // A turn of the event loop between changes, as a bot has between requests (a compaction starts on the next one).
      await new Promise((resolve) => setImmediate(resolve));
      most = Math.max(most, held(manager.current()));
    }
    await manager.compaction.settled();
    expect(compactions).toBeGreaterThan(0);
    // Without compaction it would be live + 400 × 18 tombstoned points; the background one lands within a few changes.
    expect(most).toBeLessThanOrEqual(2 * live + COMPACT_FROM + 10 * 18);
    expect(manager.current().points.length).toBe(live);
    expectLikeRebuilt(manager.current());
  });
});

describe('GIVEN a compaction built in a worker while the library keeps changing', () => {
  it('THEN every snapshot served meanwhile answers correctly, and the changes made meanwhile are in the compacted library', async () => {
    const briefs = Array.from({ length: 30 }, (_, i) => brief(`brief-${i}`, i));
    const manager = new LibraryManager(new Library([...briefs, longReport('ledger', OFF_THREAD_CHARS)]));
    const live = manager.current().points.length;
    // Two long reports added and forgotten: more tombstoned points than live ones, so a compaction starts.
    for (const slug of ['churn-a', 'churn-b']) {
      await manager.add([longReport(slug, OFF_THREAD_CHARS)]);
      await manager.remove([slug]);
    }
    expect(tombstoned(manager.current())).toBeGreaterThan(Math.max(live, COMPACT_FROM));
    await new Promise((resolve) => setImmediate(resolve));
    expect(manager.compaction.running).toBe(true);

    // Changes while the worker builds: a document added, one forgotten, one replaced.
    await manager.add([brief('late', 301)]);
    await manager.remove(['brief-7']);
    const replaced = makeDoc('brief-8', 'Officials met to discuss Kenyan tea auctions once more on day 301, with no delegations.');
    await manager.add([replaced]);
    expect(manager.compaction.running).toBe(true);
    expectLikeRebuilt(manager.current());

    await manager.compaction.settled();
    const library = manager.current();
    expect(tombstoned(library)).toBeLessThan(COMPACT_FROM);
    expect(held(library)).toBeLessThan(live + 200);
    expect(library.doc('late')).toBeDefined();
    expect(library.doc('brief-7')).toBeUndefined();
    expect(library.doc('brief-8')).toBe(replaced);
    expect(library.points.filter((p) => p.doc === 'brief-7' || p.doc.startsWith('churn-'))).toEqual([]);
    expectLikeRebuilt(library);
  });
});

describe('GIVEN a server whose own documents churn over the shared library', () => {
  it('THEN its view never piles up the points of documents it forgot: bounded, and answering like a rebuilt library', async () => {
    const shared = new LibraryManager(new Library(Array.from({ length: 60 }, (_, i) => brief(`brief-${i}`, i))));
    const server = new ServerLibrary('123456789012345678', shared, [], { dataDir: '/nonexistent', maxBytes: 1 << 20, allowPrivateUrls: false });
    const live = server.library().points.length;
    let most = 0;
    for (let n = 0; n < 300; n++) {
      await server.exclusive((_library, commit) => commit({ add: [brief(`own-${n}`, n)] }));
      await server.exclusive((_library, commit) => commit({ remove: [`own-${n}`] }));
      await new Promise((resolve) => setImmediate(resolve));
      most = Math.max(most, held(server.library()));
    }
    expect(most).toBeLessThanOrEqual(2 * live + COMPACT_FROM + 2 * 18);
    expect(server.library().points.length).toBe(live);
    expectLikeRebuilt(server.library());
  });
});
