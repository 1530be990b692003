import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import { openLibrary } from '../../src/store/build.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/store/snapshot.js';
import { makeDoc } from '../helpers/docs.js';
import { syntheticDocs, writeCorpus } from '../helpers/corpus.js';

let dir: string;
let snapshot: string;
let pristine: Buffer;
const messages: string[] = [];
const logger = { info: (_o: object, m: string) => messages.push(m), warn: (_o: object, m: string) => messages.push(m), error: () => {} } as never;

beforeAll(async () => {
  // Large enough for the segmented index, so the snapshot holds postings too.
  dir = await writeCorpus([...syntheticDocs(60), makeDoc('yoke', 'The minister said Pakistan must liberate itself from the yoke of debt.\nSome fruit and leather exports reached the market.')]);
  snapshot = path.join(dir, '.dossier', 'index', 'library.snapshot');
  await openLibrary(dir, { inProcess: true });
  pristine = await readFile(snapshot);
});
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(async () => {
  await writeFile(snapshot, pristine);
  messages.length = 0;
});

/** Where a named section's bytes are in the file (the header is JSON after a length prefix, sections 8-aligned after it). */
function section(bytes: Buffer, name: string): { offset: number; length: number } {
  const length = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + length)) as { sections: Record<string, [number, number]> };
  const base = 8 + length + ((8 - ((8 + length) % 8)) % 8);
  const [at, size] = header.sections[name]!;
  return { offset: base + at, length: size };
}

/** Opens the library as the bot does at start-up; the snapshot must be refused and rebuilt. */
async function reopenExpectingRebuild(): Promise<Library> {
  const library = await openLibrary(dir, { inProcess: true, logger });
  expect(messages).toEqual(['index snapshot unreadable; rebuilding', 'library built']);
  return library;
}

describe('GIVEN a damaged or edited index snapshot', () => {
  it('THEN flipped bytes in the postings are caught by the checksum and the library is rebuilt: searches still find', async () => {
    const bytes = Buffer.from(pristine);
    const { offset, length } = section(bytes, 'postings');
    // Sentence numbers pointing at other sentences (still in range): nothing fails loudly, answers are just wrong.
    for (let at = offset; at < offset + length; at += 4) bytes.writeInt32LE(bytes.readInt32LE(at) ^ 1, at);
    await writeFile(snapshot, bytes);
    const library = await reopenExpectingRebuild();
    expect(library.search('liberate yoke', { limit: 1 }).hits[0]?.point.doc).toBe('yoke');
  });

  it('THEN a same-length edit of a passage is never served as a verbatim quote', async () => {
    const bytes = Buffer.from(pristine);
    const at = bytes.indexOf('must liberate itself');
    expect(at).toBeGreaterThan(0);
    bytes.write('must NOT love itself', at);
    await writeFile(snapshot, bytes);
    const library = await reopenExpectingRebuild();
    expect(library.quote('yoke#p1.s1').point.text).toBe('The minister said Pakistan must liberate itself from the yoke of debt.');
  });

  it('THEN a topic pointing past the last point (checksum intact) is refused and rebuilt, and /topic answers', async () => {
    const content = await decodeSnapshot(pristine);
    expect(content.topics.length).toBeGreaterThan(0);
    content.topics[0]!.points.push(10_000_000);
    await writeFile(snapshot, encodeSnapshot(content));
    const library = await reopenExpectingRebuild();
    const topic = library.topic(content.topics[0]!.name);
    expect(topic.points.every((p) => p !== undefined && typeof p.text === 'string')).toBe(true);
  });

  it('THEN an intact snapshot still loads as it is', async () => {
    await openLibrary(dir, { inProcess: true, logger });
    expect(messages).toEqual(['library loaded from snapshot']);
  });
});
