import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocumentFile } from '../../src/documents/load.js';
import { parseDocumentDetailed } from '../../src/documents/parse.js';
import { Library } from '../../src/library.js';
import { parseDocumentOffThread } from '../../src/documents/parse-offthread.js';
import { buildLibraryOffThread, OFF_THREAD_CHARS, withChanges } from '../../src/store/offthread.js';
import { InMemoryPointStore } from '../../src/store/point-store.js';
import { seededRandom } from '../../src/random.js';
import { workerHooks } from '../../src/store/worker-job.js';
import { makeDoc } from '../helpers/docs.js';

const WORDS = ['grain', 'corridor', 'minister', 'Pakistan', 'tariffs', 'pipeline', 'harvest', 'summit', 'delegation', 'exports', 'Astana', 'leather', 'customs', 'insurance', 'shipments', 'copper', 'fertiliser', 'railway'];

/** Prose of about `chars` characters: sentences of varied words, paragraphs of a few sentences, some run-on lines. */
function prose(chars: number, seed = 3): string {
  const rand = seededRandom(seed);
  const word = () => WORDS[Math.floor(rand() * WORDS.length)]!;
  const lines: string[] = [];
  let size = 0;
  for (let n = 0; size < chars; n++) {
    const sentences = Array.from({ length: 2 + Math.floor(rand() * 4) }, (_, i) => `${word()[0]!.toUpperCase()}${word().slice(1)} ${Array.from({ length: 6 + Math.floor(rand() * 10) }, word).join(' ')} ${n}-${i}.`);
    // Every seventh paragraph is one long run-on line, which ingest cuts into bounded pieces.
    const line = n % 7 === 6 ? Array.from({ length: 900 }, word).join(' ') : sentences.join(' ');
    lines.push(line);
    size += line.length + 2;
  }
  return lines.join('\n\n');
}

const citations = (library: Library, q: string) => library.search(q, { limit: 5 }).hits.map((h) => h.point.citation);

describe('GIVEN a document long enough to be parsed and indexed in a worker', () => {
  const body = prose(OFF_THREAD_CHARS * 1.5);
  const raw = `---\ntitle: Long report\nslug: long-report\n---\n${body}\n`;

  it('THEN the worker parses it exactly as this thread does (text and Markdown)', async () => {
    for (const ext of ['.txt', '.md'] as const) {
      const input = { path: `ingested/long-report${ext}`, raw, ext };
      expect(await parseDocumentOffThread(input)).toEqual(parseDocumentDetailed(input));
    }
  });

  it('THEN a library rebuilt in a worker answers as one built in this thread: points, searches, topics', async () => {
    const docs = [makeDoc('seed', 'The minister met the delegation in Astana to discuss grain exports.\nLeather and copper tariffs were left for the summit.'), parseDocumentDetailed({ path: 'long-report.txt', raw, ext: '.txt' }).doc];
    const here = new Library(docs);
    const there = await buildLibraryOffThread(docs, undefined);
    expect((there.store as InMemoryPointStore).segmented).toBe(true);
    expect(there.points.map((p) => `${p.id} ${p.citation} ${p.text}`)).toEqual(here.points.map((p) => `${p.id} ${p.citation} ${p.text}`));
    for (const q of ['grain exports astana', 'copper tarifs', 'pipeline harvest summit', 'minister delegation']) expect(citations(there, q), q).toEqual(citations(here, q));
    const topics = (library: Library) => library.topics.map((t) => `${t.name}: ${t.points.map((p) => p.citation).join(' ')} | ${t.summary.map((p) => p.citation).join(' ')}`);
    expect(topics(there)).toEqual(topics(here));
    expect(there.topics.length).toBeGreaterThan(0);
    expect(there.quote('long-report#p2.s1').point.text).toBe(here.quote('long-report#p2.s1').point.text);
  });

  it('THEN the event loop keeps turning while a small library that the document makes large is rebuilt', async () => {
    const small = new Library([makeDoc('seed', 'The minister met the delegation in Astana to discuss grain exports.')]);
    expect((small.store as InMemoryPointStore).segmented).toBe(false);
    const doc = parseDocumentDetailed({ path: 'long-report.txt', raw, ext: '.txt' }).doc;
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    const next = await withChanges(small, { add: [doc] });
    clearInterval(timer);
    // Built in this thread, the whole rebuild is one synchronous call: not a single turn.
    expect(turns).toBeGreaterThanOrEqual(3);
    expect(next.doc('long-report')).toBe(doc);
    expect(citations(next, 'grain exports astana')).toEqual(citations(new Library([...small.docs, doc]), 'grain exports astana'));
  });

  it('THEN added to a large library it is a large share of, it is indexed in a worker too, and the library answers like a rebuilt one', async () => {
    const large = new Library(Array.from({ length: 120 }, (_, i) => makeDoc(`brief-${i}`, prose(2_000, 100 + i))));
    expect((large.store as InMemoryPointStore).segmented).toBe(true);
    const doc = parseDocumentDetailed({ path: 'long-report.txt', raw, ext: '.txt' }).doc;
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    const next = await withChanges(large, { add: [doc] });
    clearInterval(timer);
    expect(turns).toBeGreaterThanOrEqual(3);
    const rebuilt = new Library([...large.docs, doc]);
    for (const q of ['grain exports astana', 'copper tarifs', 'pipeline harvest summit']) expect(citations(next, q), q).toEqual(citations(rebuilt, q));
  });

  it('THEN read from the data folder on the main thread (the folder watcher, a server\'s library loading), it is parsed in a worker, the same document', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-offthread-'));
    try {
      await writeFile(path.join(dir, 'long-report.md'), raw);
      let turns = 0;
      const timer = setInterval(() => turns++, 1);
      const loaded = await loadDocumentFile(dir, 'long-report.md');
      clearInterval(timer);
      expect(turns).toBeGreaterThanOrEqual(3);
      expect(loaded).toEqual(parseDocumentDetailed({ path: 'long-report.md', raw, ext: '.md' }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('THEN a short change is still made in this thread, as Library.with makes it', async () => {
    const small = new Library([makeDoc('seed', 'The minister met the delegation in Astana to discuss grain exports.')]);
    const added = makeDoc('short', 'Copper tariffs were left for the summit.');
    const next = await withChanges(small, { add: [added] });
    expect(next.points.map((p) => p.citation)).toEqual(small.with({ add: [added] }).points.map((p) => p.citation));
  });
});

describe('GIVEN a large library and a long document that is a small share of it', () => {
  // The library holds more than eight times the document's text, so the document is added to its index, not rebuilt with it.
  const doc = parseDocumentDetailed({ path: 'long-report.txt', raw: `Long report\n\n${prose(OFF_THREAD_CHARS * 1.05, 7)}\n`, ext: '.txt' }).doc;
  const briefs = Array.from({ length: 90 }, (_, i) => makeDoc(`brief-${i}`, prose(25_000, 100 + i)));
  const jobs: string[] = [];
  let large: Library;
  beforeAll(async () => {
    // Curated topics, so the document has topics to join (made-up prose names none of its own).
    large = await buildLibraryOffThread(briefs, { 'Grain trade': ['grain', 'harvest'], Metals: ['copper', 'leather'], Transport: ['railway', 'pipeline'] });
    workerHooks.started = (_worker, _attempt, job) => void jobs.push(job.kind);
  });
  afterAll(() => {
    workerHooks.started = undefined;
  });
  const topics = (library: Library) => library.topics.map((t) => `${t.name}: ${t.points.map((p) => p.citation).join(' ')}`);

  it('THEN its index segment and topic matches are built in a worker, the loop turns, and the library equals one changed in this thread', async () => {
    expect((large.store as InMemoryPointStore).segmented).toBe(true);
    jobs.length = 0;
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    const next = await withChanges(large, { add: [doc] });
    clearInterval(timer);
    expect(jobs).toEqual(['delta']);
    expect(turns).toBeGreaterThanOrEqual(3);
    const here = large.with({ add: [doc] });
    expect(next.points.map((p) => `${p.id} ${p.citation}`)).toEqual(here.points.map((p) => `${p.id} ${p.citation}`));
    for (const q of ['grain exports astana', 'copper tarifs', 'pipeline harvest summit', 'railway 3-1']) expect(citations(next, q), q).toEqual(citations(here, q));
    expect(topics(next)).toEqual(topics(here));
    expect(next.topicsFor('long-report').length).toBeGreaterThan(0);
    expect(next.quote('long-report#p2.s1').point.text).toBe(here.quote('long-report#p2.s1').point.text);
  });

  it('THEN an addition that would merge the long delta with others re-indexes them in a worker, and answers as a library built from scratch', async () => {
    let library = await withChanges(large, { add: [doc] });
    // Five more deltas fill the index's quota; the sixth addition merges them all.
    for (let i = 0; i < 6; i++) {
      const small = makeDoc(`note-${i}`, `Note ${i}. The delegation discussed copper and railway tariffs ${i} times.`);
      jobs.length = 0;
      library = await withChanges(library, { add: [small] });
      expect(jobs, `addition ${i}`).toEqual(i < 5 ? [] : ['build']);
    }
    const rebuilt = new Library(library.docs, library.curated);
    for (const q of ['grain exports astana', 'copper railway tariffs', 'delegation discussed']) expect(citations(library, q), q).toEqual(citations(rebuilt, q));
  });
});
