import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Library, TOPICS_PENDING } from '../../src/library.js';
import { pointsOf } from '../../src/points.js';
import { buildContent, buildInWorker, openLibrary } from '../../src/store/build.js';
import { libraryFromContent } from '../../src/store/restore.js';
import { InMemoryPointStore } from '../../src/store/point-store.js';
import { decodeSnapshot, decodeTopics, encodeSnapshot, withTopics } from '../../src/store/snapshot.js';
import { syntheticDocs, writeCorpus } from '../helpers/corpus.js';

const QUERIES = ['grain exports', 'pipline deal', 'zeta7 fertiliser', 'american pressure astana', 'harvest wheat farm', 'zeta31 ', 'rail corrid', 'report 12-3'];

/** What a reader sees of a search: citations, scores, coverage, highlights and suggestions. */
function answers(search: (q: string, o: { limit: number; document?: string }) => ReturnType<InMemoryPointStore['search']>) {
  return QUERIES.flatMap((q) =>
    [undefined, 'doc-3'].map((document) => {
      const r = search(q, { limit: 5, document });
      return { q, document, complete: r.complete, suggestions: r.suggestions, hits: r.hits.map((h) => [h.point.citation, h.score, h.coverage, h.highlights]) };
    }),
  );
}

describe('segmented index: incremental changes', () => {
  const base = syntheticDocs(30);
  const added = syntheticDocs(3, 4, 100);

  it('GIVEN documents added and removed incrementally THEN every search answers exactly as a full rebuild does', () => {
    const store = new InMemoryPointStore(pointsOf(base), { fullScanLimit: 0 });
    const offset = store.allPoints.length;
    const next = store.withChanges(
      pointsOf(added).map((p) => ({ ...p, id: p.id + offset })),
      ['doc-4', 'doc-9'],
    );
    const remaining = [...base.filter((d) => d.slug !== 'doc-4' && d.slug !== 'doc-9'), ...added];
    const rebuilt = new InMemoryPointStore(pointsOf(remaining), { fullScanLimit: 0 });
    expect(answers((q, o) => next.search(q, o))).toEqual(answers((q, o) => rebuilt.search(q, o)));
    expect(next.complete('zeta1', 10)).toEqual(rebuilt.complete('zeta1', 10));
    expect(next.size).toBe(rebuilt.size);
    // The removed documents are gone from results.
    expect(next.search('zeta4', { limit: 5 }).hits.every((h) => h.point.doc !== 'doc-4')).toBe(true);
  });

  it('GIVEN many small additions THEN deltas are merged and answers still match a rebuild', () => {
    let store = new InMemoryPointStore(pointsOf(base), { fullScanLimit: 0 });
    let docs = [...base];
    for (let i = 0; i < 9; i++) {
      const doc = syntheticDocs(1, 3, 200 + i);
      const offset = store.allPoints.length;
      const remove = i === 4 ? ['doc-202'] : [];
      store = store.withChanges(pointsOf(doc).map((p) => ({ ...p, id: p.id + offset })), remove);
      docs = [...docs.filter((d) => !remove.includes(d.slug)), ...doc];
    }
    expect(store.index!.segments.length).toBeLessThanOrEqual(7);
    const rebuilt = new InMemoryPointStore(pointsOf(docs), { fullScanLimit: 0 });
    expect(answers((q, o) => store.search(q, o))).toEqual(answers((q, o) => rebuilt.search(q, o)));
  });

  it('GIVEN a large library THEN Library.with adds and removes documents like a fresh library of the result', () => {
    const points = pointsOf(base);
    const library = new Library(base, undefined, { points, store: new InMemoryPointStore(points, { fullScanLimit: 0 }), topics: [] });
    const replacement = syntheticDocs(1, 2, 500).map((d) => ({ ...d, slug: 'doc-2' }));
    const next = library.with({ add: [...added, ...replacement], remove: ['doc-5'] });
    const docs = [...base.filter((d) => d.slug !== 'doc-5' && d.slug !== 'doc-2'), ...added, ...replacement];
    const freshPoints = pointsOf(docs);
    const fresh = new Library(docs, undefined, { points: freshPoints, store: new InMemoryPointStore(freshPoints, { fullScanLimit: 0 }), topics: [] });
    expect(answers((q, o) => next.search(q, o))).toEqual(answers((q, o) => fresh.search(q, o)));
    expect(next.points.map((p) => p.citation)).toEqual(fresh.points.map((p) => p.citation));
    expect(next.quote('doc-100#p2.s1', 1).point.text).toBe(fresh.quote('doc-100#p2.s1', 1).point.text);
    expect(next.quote('doc-2#p1').point.text).toBe(replacement[0]!.paragraphs[0]!.text);
    expect(() => next.quote('doc-5#p1')).toThrow(/No document/);
    // The old snapshot is untouched: requests in flight keep their view.
    expect(library.quote('doc-5#p1').point.doc).toBe('doc-5');
    expect(library.search('zeta100', { limit: 3 }).hits.some((h) => h.point.doc === 'doc-100')).toBe(false);
  });
});

describe('persisted index and worker build', () => {
  let dir: string;
  // Enough points for the segmented index (above the full-scan limit of 500).
  const docs = syntheticDocs(60);

  beforeAll(async () => {
    dir = await writeCorpus(docs);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN a built library saved and loaded back THEN it answers exactly as one built from the files', async () => {
    const { content } = await buildContent(dir);
    expect(content.index).toBeDefined();
    const restored = await libraryFromContent(await decodeSnapshot(encodeSnapshot(content)));
    const direct = await Library.load(dir);
    expect(answers((q, o) => restored.search(q, o))).toEqual(answers((q, o) => direct.search(q, o)));
    expect(restored.docs).toEqual(direct.docs);
    expect(restored.points).toEqual(direct.points);
    expect(restored.topics.map((t) => [t.name, t.points.map((p) => p.citation), t.summary.map((p) => p.citation)])).toEqual(
      direct.topics.map((t) => [t.name, t.points.map((p) => p.citation), t.summary.map((p) => p.citation)]),
    );
    expect(restored.quote('doc-17#p3.s2', 1)).toEqual(direct.quote('doc-17#p3.s2', 1));
  });

  it('GIVEN a snapshot without topics THEN adding them afterwards gives the same snapshot as encoding them with the rest', async () => {
    const { content } = await buildContent(dir);
    expect(content.topics.length).toBeGreaterThan(0);
    const early = encodeSnapshot({ ...content, topics: [] });
    const later = withTopics(early, content.topics);
    expect(await decodeSnapshot(later)).toEqual(await decodeSnapshot(encodeSnapshot(content)));
    expect(await decodeTopics(later)).toEqual(content.topics);
    // The original is untouched: it still has no topics.
    expect(await decodeTopics(early)).toEqual([]);
  });

  it('GIVEN the worker thread builds the library THEN its snapshot equals the in-process build', async () => {
    const [{ bytes }, { content }] = await Promise.all([buildInWorker(dir), buildContent(dir)]);
    expect(await decodeSnapshot(bytes)).toEqual(await decodeSnapshot(encodeSnapshot(content)));
  });

  it('GIVEN a saved index THEN the next open uses it; a changed document or a damaged file means a rebuild', async () => {
    const indexDir = path.join(dir, '.dossier', 'index');
    const first = await openLibrary(dir, { inProcess: true });
    const snapshot = path.join(indexDir, 'library.snapshot');
    const messages: string[] = [];
    const logger = { info: (_o: object, m: string) => messages.push(m), warn: (_o: object, m: string) => messages.push(m), error: () => {} } as never;
    const again = await openLibrary(dir, { inProcess: true, logger });
    expect(messages).toEqual(['library loaded from snapshot']);
    expect(answers((q, o) => again.search(q, o))).toEqual(answers((q, o) => first.search(q, o)));
    await writeFile(path.join(dir, 'doc-new.txt'), 'New report\n\nThe quokka census found zeta999 quokkas on the island.\n');
    const changed = await openLibrary(dir, { inProcess: true });
    expect(changed.search('quokka census', { limit: 1 }).hits[0]?.point.doc).toBe('doc-new');
    // Damaged: right header, truncated body.
    const bytes = await readFile(snapshot);
    await writeFile(snapshot, bytes.subarray(0, bytes.length >> 1));
    messages.length = 0;
    const repaired = await openLibrary(dir, { inProcess: true, logger });
    expect(messages).toEqual(['index snapshot unreadable; rebuilding', 'library built']);
    expect(repaired.docs.length).toBe(docs.length + 1);
    expect((await readFile(snapshot)).length).toBe(bytes.length);
  });

  it('GIVEN no snapshot THEN a worker builds: searches are served once the index is ready and the topics join the same library', async () => {
    const indexDir = path.join(dir, '.dossier', 'cold');
    const messages: string[] = [];
    const logger = { info: (_o: object, m: string) => messages.push(m), warn: (_o: object, m: string) => messages.push(m), error: () => {} } as never;
    const library = await openLibrary(dir, { indexDir, logger });
    expect(messages).toContain('library searchable; topics still building');
    expect(library.search('zeta17 fertiliser', { limit: 1 }).hits[0]?.point.doc).toBe('doc-17');
    // Until the topics arrive, topic answers say they are coming rather than that there are none.
    expect(library.topicsPending).toBe(true);
    expect(() => library.topicsFor()).toThrow(TOPICS_PENDING);
    expect(() => library.topic('grain')).toThrow(TOPICS_PENDING);
    await vi.waitFor(() => expect(messages).toContain('library built'), { timeout: 20_000, interval: 50 });
    const direct = await Library.load(dir);
    expect(library.topicsPending).toBe(false);
    expect(library.topicsFor().map((t) => t.name)).toEqual(direct.topics.map((t) => t.name));
    // The saved snapshot (the early one with the topics added) serves the next start, topics included.
    const next = await openLibrary(dir, { indexDir, inProcess: true, logger });
    expect(messages.at(-1)).toBe('library loaded from snapshot');
    expect(next.topics.map((t) => [t.name, t.points.map((p) => p.citation)])).toEqual(direct.topics.map((t) => [t.name, t.points.map((p) => p.citation)]));
  });

  it('GIVEN a stale snapshot and an update callback THEN the stale library answers at once and the fresh one follows', async () => {
    await openLibrary(dir, { inProcess: true });
    await writeFile(path.join(dir, 'doc-later.txt'), 'Later report\n\nA platypus survey counted zeta777 platypuses.\n');
    const fresh = new Promise<Library>((resolve) => {
      void openLibrary(dir, { inProcess: true, onUpdate: resolve }).then((stale) => {
        expect(stale.doc('doc-later')).toBeUndefined();
      });
    });
    expect((await fresh).doc('doc-later')).toBeDefined();
  });
});
