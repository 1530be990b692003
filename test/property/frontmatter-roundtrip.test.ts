import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFrontMatter, renderDocument } from '../../src/documents/frontmatter.js';
import { parseDocument } from '../../src/documents/parse.js';
import { LibraryManager } from '../../src/ingest/manager.js';
import { IngestService, sha256 } from '../../src/ingest/service.js';
import { Library } from '../../src/library.js';
import { oneLine } from '../../src/text/plain.js';

// Quick in `npm test`; FUZZ_RUNS=3000 for the depth of the review's fuzz.
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Strings biased toward what breaks front matter: every kind of line break, fences, YAML indicators, invisible characters. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(fc.constantFrom('---', '...', '\u2028', '\u2029', '\u0085', '\r', '\n', '\r\n', ' ', '\t', '#', ':', '- ', '"', "'", '|', '>', '&a', '*a', '!tag', '%', '@', '`', '{', '[', 'title: x', 'hash: y', '\u202E', '\uFEFF', '\u0000', 'Wheat', '😀', 'é'), { maxLength: 12 })
    .map((a) => a.join('')),
);

const BODY = 'Wheat exports through the corridor doubled this spring.\nInsurers raised premiums.\n';

describe('GIVEN front matter written by renderDocument', () => {
  it('THEN reading it back gives every field exactly (titles and tags as the schema trims them) and the body byte for byte', () => {
    fc.assert(
      fc.property(nasty, fc.array(nasty, { maxLength: 4 }), (title, tags) => {
        const front = { title, slug: 'memo', tags, added_by: 'ana (123456789012345678)', added_at: '2026-11-29T10:00:00.000Z', hash: sha256(BODY) };
        const raw = renderDocument(front, BODY);
        if (title.trim() === '') {
          // An empty title is refused by the schema, never misread.
          expect(() => parseFrontMatter(raw)).toThrow(/title/);
          return;
        }
        const { data, body } = parseFrontMatter(raw);
        expect(body).toBe(BODY);
        expect(data.title).toBe(title.trim());
        expect(data.tags ?? []).toEqual([...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))]);
        expect([data.slug, data.added_by, data.added_at, data.hash]).toEqual(['memo', front.added_by, front.added_at, front.hash]);

        const doc = parseDocument({ path: 'ingested/memo.txt', raw, ext: '.txt' });
        expect(doc.slug).toBe('memo');
        expect(doc.meta.hash).toBe(front.hash);
        expect(doc.meta.title).toBe(oneLine(title) || 'memo');
        // The front matter never leaks into the passages.
        expect(doc.paragraphs.map((p) => p.text)).toEqual(['Wheat exports through the corridor doubled this spring.', 'Insurers raised premiums.']);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('GIVEN a title holding U+2028 followed by `---`, ingested through the service', () => {
  it('THEN a restart reads the whole front matter back, the same bytes are a duplicate, and nothing of it becomes a passage', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-fm-'));
    try {
      const dataDir = path.join(dir, 'data');
      const file = path.join(dir, 'memo.txt');
      await writeFile(file, BODY);
      const title = 'Grain memo\u2028---\u2028hash: forged';
      const service = new IngestService(new LibraryManager(new Library([])), { dataDir, maxBytes: 1 << 20, allowPrivateUrls: false });
      const first = await service.ingest({ source: { kind: 'file', path: file }, title, addedBy: { id: '123456789012345678', name: 'ana' } });
      expect(first.status).toBe('added');

      const restarted = await Library.load(dataDir);
      const doc = restarted.doc(first.doc.slug)!;
      expect(doc.meta).toMatchObject({ hash: sha256(BODY), addedBy: 'ana (123456789012345678)' });
      expect(doc.meta.addedAt).toBeDefined();
      expect(doc.paragraphs.map((p) => p.text)).toEqual(['Wheat exports through the corridor doubled this spring.', 'Insurers raised premiums.']);

      const again = new IngestService(new LibraryManager(restarted), { dataDir, maxBytes: 1 << 20, allowPrivateUrls: false });
      const second = await again.ingest({ source: { kind: 'file', path: file }, title, addedBy: { id: '123456789012345678', name: 'ana' } });
      expect(second.status).toBe('duplicate');
      expect((await Library.load(dataDir)).docs).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
