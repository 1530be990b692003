/**
 * Turning decoded snapshot content into a Library on the main thread, in
 * slices of a few milliseconds, so a large library lands while the bot keeps
 * answering.
 */
import { groupByDocument, Library } from '../library.js';
import { pointsOf } from '../points.js';
import type { Point } from '../types.js';
import { pacer, type Pacer } from './pace.js';
import { PointList } from './point-list.js';
import { InMemoryPointStore } from './point-store.js';
import { Segment } from './segment.js';
import { SegmentedIndex } from './segmented.js';
import { restoreTopics, type SnapshotContent } from './snapshot.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A Library from decoded snapshot content, built in slices so the event loop keeps turning. */
export async function libraryFromContent(content: SnapshotContent): Promise<Library> {
  const points: Point[] = [];
  const byDoc = { points: new Map<string, Point[]>(), sentences: new Map<string, Point[]>() };
  const pace = pacer();
  for (let i = 0; i < content.docs.length; i += 10) {
    // Ids restart at 0 in each slice: shift them by what came before.
    const offset = points.length;
    const slice = pointsOf(content.docs.slice(i, i + 10));
    for (const p of slice) {
      p.id += offset;
      points.push(p);
    }
    groupByDocument(slice, byDoc);
    if (pace.due()) await pace.pause();
  }
  let store: InMemoryPointStore;
  if (content.index) {
    const segment = new Segment(content.index.data);
    await tick();
    await segment.warm(pace);
    const index = await SegmentedIndex.restore(PointList.of(points), [segment], content.index.docSlugs, pace);
    await pace.pause();
    store = new InMemoryPointStore(points, { index });
  } else {
    store = new InMemoryPointStore(points);
  }
  await tick();
  if (content.index) await warmUp(store, points, pace);
  const summaries = content.summaries.map(([key, ids]) => [key, ids.map((id) => points[id]!)] as [string, Point[]]);
  const topics = await restoreTopics(content.topics, points, pace);
  return new Library(content.docs, content.curated, { points, store, topics, summaries, byDoc });
}

/** The words asked the `i`-th of three ways a user does: exact, one typo per word, reordered with the last word being typed. */
export function userQuery(words: readonly string[], i: number): string {
  if (i % 3 === 0) return words.join(' ');
  if (i % 3 === 1) return words.map((w) => w.slice(0, -1)).join(' ');
  return [...words].reverse().join(' ').slice(0, -2);
}

/**
 * The first searches of a process run unoptimised code, which over a large
 * index can hold the event loop for 100 ms or more. Warming up on the real
 * index, one query per turn, with rare words first (a handful of postings
 * each, quick even unoptimised) lets the JIT compile the search path before
 * the queries that touch thousands of sentences.
 */
async function warmUp(store: InMemoryPointStore, points: readonly Point[], pace: Pacer): Promise<void> {
  const terms = store.index.segments[0]!.data.terms;
  const vocab = store.vocabulary;
  const rare: string[] = [];
  for (let t = 0; t < terms.length && rare.length < 120; t += 97) {
    const term = terms[t]!;
    const f = vocab.frequency(term);
    if (/^[a-z]{5,}$/.test(term) && f > 0 && f <= 30) rare.push(term);
  }
  // Single exact words first: no typo search, no suggestions, the least code to run cold.
  const queries: string[] = rare.slice(0, 20).map((w) => `${w} `);
  for (let i = 0; i + 3 <= rare.length; i += 3) {
    const words = rare.slice(i, i + 3);
    // Exact, one typo per word, and a word being typed: the three paths a user takes.
    queries.push(i % 9 === 0 ? `${words.join(' ')} ` : i % 9 === 3 ? words.map((w) => w.slice(0, -1)).join(' ') : words.join(' ').slice(0, -2));
  }
  const sentences = points.slice(0, 1000).filter((p) => p.kind === 'sentence');
  for (let i = 0; i < 30 && sentences.length > 0; i++) {
    queries.push(userQuery(sentences[(i * 37) % sentences.length]!.text.split(/\s+/).slice(1, 5), i));
  }
  for (const [i, q] of queries.entries()) {
    store.search(q, { limit: i % 2 ? 25 : 5 });
    store.complete(q, 10);
    await pace.pause();
  }
}
