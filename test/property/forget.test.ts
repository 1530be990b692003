import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import { pointsOf } from '../../src/points.js';
import { InMemoryPointStore } from '../../src/store/point-store.js';
import type { Doc, Point } from '../../src/types.js';
import { makeDoc } from '../helpers/docs.js';

// Quick in `npm test`; FUZZ_RUNS=500 for a deeper hunt.
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

/** Document `n` (version `v`): every sentence carries a word no other document has, so leaks are visible to search too. */
function doc(n: number, v: number): Doc {
  const mark = `marker${n}v${v}`;
  return makeDoc(
    `doc-${n}`,
    [
      `The ${mark} report covers grain shipments through the northern corridor. Officials expect ${mark} volumes to rise.`,
      `A second ${mark} paragraph notes that ministers met again. Nobody agreed on tariffs.`,
    ].join('\n'),
  );
}

type Op = { kind: 'add'; n: number } | { kind: 'remove'; n: number };

const ops = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 9 }).map((n): Op => ({ kind: 'add', n })) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 9 }).map((n): Op => ({ kind: 'remove', n })) },
  ),
  { minLength: 1, maxLength: 40 },
);

const key = (p: Point) => `${p.citation}\u0000${p.text}`;
const sorted = (points: Iterable<Point>) => [...points].map(key).sort();

/** Runs the operations against the model (slug → document) and hands each step's expected documents to `check`. */
function replay(sequence: Op[], step: (op: Op, docs: Map<string, Doc>, version: number) => void): void {
  const docs = new Map<string, Doc>();
  sequence.forEach((op, i) => {
    if (op.kind === 'add') docs.set(`doc-${op.n}`, doc(op.n, i));
    else docs.delete(`doc-${op.n}`);
    step(op, docs, i);
  });
}

describe('GIVEN random adds, forgets and delta merges', () => {
  it('THEN the store\'s live points are exactly those of a store rebuilt from the remaining documents', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        // Starts with one document so the index exists; every change goes through withChanges (and merges past six deltas).
        let store = new InMemoryPointStore(pointsOf([doc(99, 0)]), { fullScanLimit: 0 });
        const start = doc(99, 0);
        replay(sequence, (op, docs, i) => {
          const slug = `doc-${op.n}`;
          const offset = store.allPoints.length;
          const added = op.kind === 'add' ? pointsOf([doc(op.n, i)]).map((p) => ({ ...p, id: p.id + offset })) : [];
          store = store.withChanges(added, [slug]);
          const expected = pointsOf([start, ...docs.values()]);
          expect(sorted(store.livePoints())).toEqual(sorted(expected));
          expect(store.size).toBe(expected.length);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('THEN the library matches one rebuilt from the remaining documents: points, summaries and searches', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        const filler = Array.from({ length: 3 }, (_, i) => doc(100 + i, 0));
        const points = pointsOf(filler);
        let library = new Library(filler, undefined, { points, store: new InMemoryPointStore(points, { fullScanLimit: 0 }), topics: [] });
        replay(sequence, (op, docs, i) => {
          const slug = `doc-${op.n}`;
          if (op.kind === 'add') {
            library = library.with({ add: [doc(op.n, i)] });
          } else if (library.doc(slug)) {
            library = library.with({ remove: [slug] });
          }
          const rebuilt = new Library([...filler, ...docs.values()]);
          expect(sorted(library.points)).toEqual(sorted(rebuilt.points));
          const live = new Set(library.points.map(key));
          for (const p of library.summary(undefined, 5)) expect(live.has(key(p))).toBe(true);
        });
        // Nothing of a forgotten version is found or quoted.
        for (const n of new Set(sequence.map((o) => o.n))) {
          for (let v = 0; v < sequence.length; v++) {
            const current = library.doc(`doc-${n}`)?.paragraphs[0]!.text.includes(`marker${n}v${v} `);
            const hits = library.search(`marker${n}v${v}`, { limit: 5 }).hits.filter((h) => h.point.text.includes(`marker${n}v${v} `));
            expect(hits.length > 0).toBe(current === true);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
