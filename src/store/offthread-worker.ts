/**
 * Worker thread for the CPU-heavy steps of a change to the library, so the
 * main thread keeps answering users meanwhile (see offthread.ts): parsing a
 * long document, and building a library's search index and topics. One job
 * per worker; the inputs arrive as small messages and the result goes back
 * the same way (documents) or as one transferred buffer (an index snapshot).
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseInput } from '../documents/parse.js';
import { DocAssembler, docMessages, type DocMessage } from './doc-messages.js';

export type Job =
  | { kind: 'parse'; path: string; ext: ParseInput['ext'] }
  | { kind: 'build'; curated?: Record<string, string[]>; topics: boolean }
  /** An addition to a large library: its index segment, and which of its sentences mention each topic keyword. */
  | { kind: 'delta'; keywords: string[] };

// This thread's priority only (Linux): on a small machine the main thread, answering users, wins the core.
try {
  setPriority(10);
} catch {
  // Not permitted: the job runs at normal priority.
}

const job = workerData as Job;
const port = parentPort!;
const text: string[] = [];
const docs = new DocAssembler();

port.on('message', async (message: { type: 'text'; chunk: string } | DocMessage | { type: 'end' }) => {
  if (message.type === 'text') text.push(message.chunk);
  else if (message.type !== 'end') docs.take(message);
  else {
    try {
      if (job.kind === 'parse') await parse();
      else if (job.kind === 'delta') await delta();
      else await build();
    } catch (err) {
      port.postMessage({ type: 'error', name: (err as Error).name, message: (err as Error).message });
    }
    port.close();
  }
});

// Each job loads only what it needs: a parse has no use for the topic builder's language model.
async function parse(): Promise<void> {
  const { parseDocumentDetailed } = await import('../documents/parse.js');
  const { path, ext } = job as Extract<Job, { kind: 'parse' }>;
  const { doc, slugPinned } = parseDocumentDetailed({ path, raw: text.join(''), ext });
  for (const m of docMessages(doc)) port.postMessage(m);
  port.postMessage({ type: 'parsed', slugPinned });
}

async function build(): Promise<void> {
  const [{ pointsOf }, { buildTopics }, { smallEnoughToScan }, { SegmentedIndex }, { encodeSnapshot, storeTopics }] = await Promise.all([
    import('../points.js'),
    import('../topics/build.js'),
    import('./point-store.js'),
    import('./segmented.js'),
    import('./snapshot.js'),
  ]);
  const { curated, topics } = job as Extract<Job, { kind: 'build' }>;
  const points = pointsOf(docs.docs);
  const index = smallEnoughToScan(points) ? undefined : SegmentedIndex.build(points);
  const bytes = encodeSnapshot({
    key: '',
    // The main thread has the documents already: only what it would spend seconds building comes back.
    docs: [],
    curated,
    index: index ? { data: index.segments[0]!.data, docSlugs: [...index.docSlugs] } : undefined,
    topics: topics ? storeTopics(buildTopics({ docs: docs.docs, points, curated })) : [],
    summaries: [],
  });
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  port.postMessage({ type: 'built', bytes: copy }, [copy.buffer]);
}

async function delta(): Promise<void> {
  const [{ pointsOf }, { Segment }, { keywordMatches }] = await Promise.all([import('../points.js'), import('./segment.js'), import('../topics/join.js')]);
  const { keywords } = job as Extract<Job, { kind: 'delta' }>;
  // Numbered from 0, points and documents alike: the main thread moves them after its index's own (Segment.relocated).
  const points = pointsOf(docs.docs);
  const ordinals = new Map<string, number>();
  for (const p of points) if (!ordinals.has(p.doc)) ordinals.set(p.doc, ordinals.size);
  const { terms, ...arrays } = Segment.build(points, (slug) => ordinals.get(slug)!).data;
  const matched = [...keywordMatches(points, keywords)].map(([k, list]): [string, Int32Array] => [k, Int32Array.from(list)]);
  const transfer = [...Object.values(arrays), ...matched.map(([, list]) => list)].map((a) => a.buffer as ArrayBuffer);
  port.postMessage({ type: 'delta', terms, arrays, matched }, transfer);
}
