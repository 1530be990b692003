/**
 * Compiles the main thread's hand-over and search code before a cold build's
 * result arrives. Code runs unoptimised the first few times; over the real
 * index (hundreds of thousands of sentences) one such first query or slice can
 * hold the event loop for 40 ms or more. While the worker builds, this thread
 * has seconds with nothing to do, so it runs the same code — snapshot decode,
 * points, index hand-over, searches, completions — over a small made-up
 * library until the JIT has compiled it.
 */
import { formatCitation } from '../citations.js';
import { pointsOf } from '../points.js';
import { seededRandom } from '../random.js';
import type { Doc, Paragraph } from '../types.js';
import { pacer } from './pace.js';
import { libraryFromContent, userQuery } from './restore.js';
import { SegmentedIndex } from './segmented.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';

const SYLLABLES = ['ka', 'ro', 'mi', 'sen', 'tal', 'ver', 'lo', 'dun', 'pre', 'sta', 'ni', 'gor', 'el', 'bar', 'qui', 'fen', 'ast', 'ol', 'tri', 'mé'];

/** A made-up library of `docs` documents with a Zipf-like vocabulary, accents and curly quotes like real text. */
export function primerDocs(docs = 6, seed = 7): Doc[] {
  const rand = seededRandom(seed);
  const vocabulary: string[] = [];
  for (let i = 0; i < 600; i++) {
    let w = '';
    const n = 2 + Math.floor(rand() * 3);
    for (let k = 0; k < n; k++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)]!;
    vocabulary.push(w);
  }
  const word = () => {
    const w = vocabulary[Math.floor(vocabulary.length * rand() ** 2)]!;
    const r = rand();
    return r < 0.08 ? w[0]!.toUpperCase() + w.slice(1) : r < 0.1 ? `${w}’s` : r < 0.12 ? `${w},` : w;
  };
  const out: Doc[] = [];
  for (let d = 0; d < docs; d++) {
    const paragraphs: Paragraph[] = [];
    for (let p = 1; p <= 8; p++) {
      const sentences: string[] = [];
      for (let s = 0; s < 3; s++) {
        const words = Array.from({ length: 6 + Math.floor(rand() * 14) }, word);
        words[0] = words[0]![0]!.toUpperCase() + words[0]!.slice(1);
        sentences.push(`${words.join(' ')}.`);
      }
      paragraphs.push({ index: p, text: sentences.join(' '), sentences });
    }
    out.push({ slug: `prime-${d}`, path: `prime-${d}.txt`, meta: { title: `Prime ${d}`, tags: [] }, paragraphs });
  }
  return out;
}

/**
 * Runs the hand-over and the search path over a made-up library `rounds`
 * times, one query per event-loop turn. Nothing it builds is kept. Resolves
 * with how many searches ran and how many of the exact ones found the
 * sentence they were taken from (all of them, unless search is broken).
 */
export async function primeSearchCode(rounds = 6): Promise<{ searches: number; exact: number; found: number }> {
  let searches = 0;
  let exact = 0;
  let found = 0;
  const pace = pacer();
  const docs = primerDocs();
  await pace.pause();
  const points = pointsOf(docs);
  await pace.pause();
  const index = SegmentedIndex.build(points);
  await pace.pause();
  const bytes = encodeSnapshot({ key: 'prime', docs, index: { data: index.segments[0]!.data, docSlugs: [...index.docSlugs] }, topics: [], summaries: [] });
  const rand = seededRandom(11);
  for (let round = 0; round < rounds; round++) {
    const library = await libraryFromContent(await decodeSnapshot(bytes));
    const sentences = library.points.filter((p) => p.kind === 'sentence');
    for (let i = 0; i < 40; i++) {
      const source = sentences[Math.floor(rand() * sentences.length)]!;
      const q = userQuery(source.text.split(' ').slice(1, 5), i);
      const hits = library.store.search(q, { limit: i % 2 ? 25 : 5 }).hits;
      library.store.complete(q, 10);
      searches++;
      if (i % 3 === 0) {
        exact++;
        // The sentence, or its paragraph standing for it.
        const paragraph = formatCitation({ doc: source.doc, paragraph: source.paragraph });
        if (hits.some((h) => h.point.id === source.id || h.point.citation === paragraph)) found++;
      }
      await pace.pause();
    }
  }
  return { searches, exact, found };
}
