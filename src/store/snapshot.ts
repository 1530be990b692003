/**
 * A built library in one compact binary file (or one transferable buffer from
 * the build worker): documents as one JSON line each, sentences as offsets
 * into their paragraph, the search index as raw typed arrays, topics and
 * summaries as point ids. Loading it skips parsing files, segmenting text,
 * tokenising and building the index — the slow parts — and is done in small
 * slices so the event loop keeps serving while it runs.
 */
import { createHash } from 'node:crypto';
import { fileHashOf, recordFileHash } from '../documents/content-hash.js';
import type { Doc, Paragraph, Point, Topic } from '../types.js';
import { pacer, type Pacer } from './pace.js';
import { segmentData, type SegmentData } from './segment.js';

// 2: topics in a section of their own, one JSON line each (decoded in slices).
// 3: run-on sentences cut at 1,000 characters. 4: a checksum over the body.
// 5: each document's file hash, so a quote can be checked against the file (documents/verbatim.ts).
// 6: topics named by whole noun phrases without dates or word fragments, and summaries that carry a
// piece's argument: a saved index holds both, so it is built again rather than keep the old ones.
export const SNAPSHOT_VERSION = 6;
const MAGIC = 'DOSSIER-SNAPSHOT';

export interface StoredTopic {
  id: string;
  name: string;
  keywords: string[];
  curated: boolean;
  points: number[];
  documents: string[];
  summary: number[];
}

export interface SnapshotContent {
  /** Identifies the documents the snapshot was built from (paths, sizes, mtimes). */
  key: string;
  docs: Doc[];
  curated?: Record<string, string[]>;
  /** The search index; absent for small libraries, whose store is rebuilt in milliseconds. */
  index?: { data: SegmentData; docSlugs: string[] };
  topics: StoredTopic[];
  /** Summary cache entries as point ids. */
  summaries: [string, number[]][];
}

type ArrayName = Exclude<keyof SegmentData, 'terms'>;
const ARRAYS: ArrayName[] = ['postStart', 'postings', 'tokStart', 'tokens', 'sentenceIds', 'sentencePara', 'sentenceDoc', 'deletes'];

interface Header {
  magic: string;
  version: number;
  key: string;
  sections: Record<string, [offset: number, length: number]>;
  /** SHA-256 of every byte after the header: flipped bits in the index or an edited quote must not be served. */
  checksum: string;
}

export function storeTopics(topics: readonly Topic[]): StoredTopic[] {
  return topics.map((t) => ({ ...t, points: t.points.map((p) => p.id), summary: t.summary.map((p) => p.id) }));
}

/** Topics with their point ids resolved, a topic per step: the largest hold tens of thousands of points. */
export async function restoreTopics(topics: readonly StoredTopic[], points: { at(id: number): Point | undefined }, pace: Pacer = pacer()): Promise<Topic[]> {
  const out: Topic[] = [];
  const point = (id: number) => {
    const p = points.at(id);
    // Checked even past the checksum: a topic must never hold a hole that makes /topic throw.
    if (p === undefined) throw new Error(`snapshot topic refers to point ${id}, which does not exist`);
    return p;
  };
  for (const t of topics) {
    out.push({ ...t, points: t.points.map(point), summary: t.summary.map(point) });
    if (pace.due()) await pace.pause();
  }
  return out;
}

/** Paragraph text plus where each sentence sits in it; sentences are verbatim slices, so offsets lose nothing. */
function packParagraph(p: Paragraph): [number, string, (number | string)[]] {
  const spans: (number | string)[] = [];
  let from = 0;
  for (const s of p.sentences) {
    const at = p.text.indexOf(s, from);
    if (at < 0) {
      spans.push(s);
      continue;
    }
    spans.push(at, at + s.length);
    from = at + s.length;
  }
  return [p.index, p.text, spans];
}

function unpackParagraph([index, text, spans]: [number, string, (number | string)[]]): Paragraph {
  const sentences: string[] = [];
  for (let i = 0; i < spans.length; i++) {
    const v = spans[i]!;
    if (typeof v === 'string') sentences.push(v);
    else sentences.push(text.slice(v, spans[++i] as number));
  }
  return { index, text, sentences };
}

export function encodeSnapshot(content: SnapshotContent): Buffer {
  const chunks: Buffer[] = [];
  const sections: Header['sections'] = {};
  let offset = 0;
  const add = (name: string, bytes: Buffer) => {
    const pad = (8 - (offset % 8)) % 8;
    if (pad) chunks.push(Buffer.alloc(pad));
    offset += pad;
    sections[name] = [offset, bytes.length];
    chunks.push(bytes);
    offset += bytes.length;
  };
  const lines = content.docs.map((d) => JSON.stringify({ slug: d.slug, path: d.path, meta: d.meta, h: fileHashOf(d), p: d.paragraphs.map(packParagraph) }));
  add('docs', Buffer.from(lines.join('\n'), 'utf8'));
  const meta = { curated: content.curated, summaries: content.summaries, docSlugs: content.index?.docSlugs };
  add('meta', Buffer.from(JSON.stringify(meta), 'utf8'));
  add('topics', topicLines(content.topics));
  if (content.index) {
    const data = content.index.data;
    add('terms', Buffer.from(data.terms.join('\n'), 'utf8'));
    for (const name of ARRAYS) {
      const a = data[name];
      add(name, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    }
  }
  return withHeader({ magic: MAGIC, version: SNAPSHOT_VERSION, key: content.key, sections }, chunks);
}

/**
 * The same snapshot with these topics instead of its own: the new topics are
 * appended and the header points at them, so the documents and the index
 * (nearly all of the bytes) are copied, not encoded again. A cold build sends
 * the index first and adds topics this way when they are ready.
 */
export function withTopics(bytes: Uint8Array, topics: readonly StoredTopic[]): Buffer {
  const found = readHeader(bytes);
  if (!found) throw new Error('not a Dossier snapshot of this version');
  const body = Buffer.from(bytes.buffer, bytes.byteOffset + found.base, bytes.byteLength - found.base);
  const pad = Buffer.alloc((8 - (body.length % 8)) % 8);
  const added = topicLines(topics);
  const sections = { ...found.header.sections, topics: [body.length + pad.length, added.length] as [number, number] };
  return withHeader({ ...found.header, sections }, [body, pad, added]);
}

function topicLines(topics: readonly StoredTopic[]): Buffer {
  return Buffer.from(topics.map((t) => JSON.stringify(t)).join('\n'), 'utf8');
}

function withHeader(header: Omit<Header, 'checksum'>, body: readonly Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const b of body) hash.update(b);
  const head = Buffer.from(JSON.stringify({ ...header, checksum: hash.digest('hex') }), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(head.length, 0);
  // Sections are addressed from an 8-aligned base so typed arrays can view them in place.
  const base = 8 + head.length;
  const align = Buffer.alloc((8 - (base % 8)) % 8);
  return Buffer.concat([prefix, head, align, ...body]);
}

/** The key a snapshot was built for, without decoding the rest; undefined when it is not a snapshot of this version. */
export function snapshotKey(bytes: Uint8Array): string | undefined {
  return readHeader(bytes)?.header.key;
}

function readHeader(bytes: Uint8Array): { header: Header; base: number } | undefined {
  if (bytes.length < 8) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.readUInt32LE(0);
  if (8 + length > bytes.length) return undefined;
  try {
    const header = JSON.parse(view.toString('utf8', 8, 8 + length)) as Header;
    if (header.magic !== MAGIC || header.version !== SNAPSHOT_VERSION) return undefined;
    const base = 8 + length + ((8 - ((8 + length) % 8)) % 8);
    return { header, base };
  } catch {
    return undefined;
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Bytes copied per step when a section is copied out of the snapshot (about a millisecond's work). */
const COPY_CHUNK = 4 << 20;

/** Bytes hashed per step while a snapshot's checksum is verified (a few milliseconds' work). */
const HASH_CHUNK = 8 << 20;

/** Throws unless the body's SHA-256 is the header's checksum; hashed a slice at a time so the event loop keeps turning. */
async function verifyChecksum(bytes: Uint8Array, { header, base }: { header: Header; base: number }, pace: Pacer): Promise<void> {
  const hash = createHash('sha256');
  for (let at = base; at < bytes.byteLength; at += HASH_CHUNK) {
    hash.update(bytes.subarray(at, Math.min(bytes.byteLength, at + HASH_CHUNK)));
    if (pace.due()) await pace.pause();
  }
  if (hash.digest('hex') !== header.checksum) throw new Error('snapshot checksum mismatch: the file was changed or damaged');
}

/**
 * Decodes a snapshot, yielding to the event loop between slices of documents.
 * Throws on a damaged file (a checksum over all of it is verified first);
 * the caller then rebuilds from the documents.
 */
export async function decodeSnapshot(bytes: Uint8Array): Promise<SnapshotContent> {
  const found = readHeader(bytes);
  if (!found) throw new Error('not a Dossier snapshot of this version');
  const { header } = found;
  await verifyChecksum(bytes, found, pacer());
  const section = (name: string) => sectionOf(bytes, found, name);
  const text = (name: string) => {
    const { offset, length } = section(name);
    return Buffer.from(bytes.buffer, offset, length).toString('utf8');
  };
  const pace = pacer();
  type RawDoc = { slug: string; path: string; meta: Doc['meta']; h?: string; p: [number, string, (number | string)[]][] };
  const docs = await jsonLines(section('docs'), pace, (raw: RawDoc) => {
    const doc: Doc = { slug: raw.slug, path: raw.path, meta: raw.meta, paragraphs: raw.p.map(unpackParagraph) };
    if (raw.h) recordFileHash(doc, raw.h);
    return doc;
  });
  await tick();
  const topics = await jsonLines(section('topics'), pace, (t: StoredTopic) => t);
  const meta = JSON.parse(text('meta')) as Pick<SnapshotContent, 'curated' | 'summaries'> & { docSlugs?: string[] };
  let index: SnapshotContent['index'];
  if (header.sections.terms && meta.docSlugs) {
    const termText = text('terms');
    const terms = termText ? termText.split('\n') : [];
    await tick();
    const arrays: Record<string, Int32Array | Float64Array> = {};
    for (const name of ARRAYS) {
      const { offset, length } = section(name);
      const Kind = name === 'deletes' ? Float64Array : Int32Array;
      // A copy, so the file's buffer can be dropped (typed arrays live outside the JS heap),
      // made in chunks: one 40 MB copy would hold the event loop for over 10 ms.
      const copy = new Uint8Array(length);
      for (let at = 0; at < length; at += COPY_CHUNK) {
        copy.set(new Uint8Array(bytes.buffer, offset + at, Math.min(COPY_CHUNK, length - at)), at);
        if (pace.due()) await pace.pause();
      }
      arrays[name] = new Kind(copy.buffer);
      await tick();
    }
    index = { data: segmentData(terms, arrays as unknown as Omit<SegmentData, 'terms'>), docSlugs: meta.docSlugs };
  }
  return { key: header.key, docs, curated: meta.curated, index, topics, summaries: meta.summaries };
}

/** Only the topics of a snapshot (the documents and index are already loaded). */
export async function decodeTopics(bytes: Uint8Array): Promise<StoredTopic[]> {
  const found = readHeader(bytes);
  if (!found) throw new Error('not a Dossier snapshot of this version');
  const pace = pacer();
  await verifyChecksum(bytes, found, pace);
  return jsonLines(sectionOf(bytes, found, 'topics'), pace, (t: StoredTopic) => t);
}

/** Where a named section's bytes are; throws when the header lacks it or the file is shorter than it says. */
function sectionOf(bytes: Uint8Array, { header, base }: { header: Header; base: number }, name: string) {
  const s = header.sections[name];
  if (!s || base + s[0] + s[1] > bytes.byteLength) throw new Error(`snapshot section ${name} is missing or truncated`);
  return { buffer: bytes.buffer, offset: bytes.byteOffset + base + s[0], length: s[1] };
}

/**
 * Parses a section of JSON lines a slice at a time, yielding to the event
 * loop in between: one 40 MB parse would stall it for most of a second.
 */
async function jsonLines<R, T>(
  { buffer, offset, length }: { buffer: ArrayBufferLike; offset: number; length: number },
  pace: Pacer,
  map: (raw: R) => T,
): Promise<T[]> {
  const lines = Buffer.from(buffer, offset, length);
  const out: T[] = [];
  let from = 0;
  while (from < length) {
    while (from < length && !pace.due()) {
      let end = lines.indexOf(10, from);
      if (end < 0) end = length;
      out.push(map(JSON.parse(lines.toString('utf8', from, end)) as R));
      from = end + 1;
    }
    await pace.pause();
  }
  return out;
}
