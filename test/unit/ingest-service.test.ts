import { existsSync } from 'node:fs';
import { rm, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLibraryServices, type LibraryServices } from '../../src/ingest/index.js';
import { LibraryManager } from '../../src/ingest/manager.js';
import type { IngestRequest } from '../../src/ingest/service.js';
import { makePdf } from '../helpers/pdf.js';
import { Library } from '../../src/library.js';
import { tempDataDir } from '../helpers/bot.js';
import { makeDoc } from '../helpers/docs.js';
import { startSite, type TestSite } from '../helpers/ingest.js';
import { memoryLogger } from '../helpers/service.js';

let site: TestSite;
let dataDir: string;
let services: LibraryServices;
const files = new Map<string, string>();

beforeAll(async () => {
  site = await startSite(
    new Proxy({} as Record<string, never>, {
      get: (_t, route: string) => (files.has(route) ? (_req: unknown, res: import('node:http').ServerResponse) => res.end(files.get(route)) : undefined),
    }),
  );
});
afterAll(() => site.close());

beforeEach(async () => {
  dataDir = await tempDataDir();
  services = await startLibraryServices(await Library.load(dataDir), { dataDir, maxBytes: 1024 * 1024, allowPrivateUrls: false });
});
afterEach(async () => {
  await services.watcher?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function attachment(name: string, text: string): IngestRequest {
  files.set(`/${name}`, text);
  return { source: { kind: 'attachment', url: `${site.url}/${name}`, name }, addedBy: { id: '123456789012345678', name: 'ana' } };
}

/** Polls the manager until `check` holds: the watcher works on its own schedule. */
/** Polls until `check` holds; generous, since the first PDF starts the PDF worker (pdf.js alone takes seconds to load on a busy machine). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline && !check(); ) await new Promise((r) => setTimeout(r, 25));
  expect(check(), what).toBe(true);
}

describe('IngestService', () => {
  it('GIVEN two different documents with the same title THEN slugs never collide, and a restart loads exactly what was acknowledged', async () => {
    const a = await services.ingest.ingest(attachment('a.md', '# Wheat notes\n\nFirst wheat note about Odessa.\n'));
    const b = await services.ingest.ingest(attachment('b.md', '# Wheat notes\n\nSecond wheat note about Constanta.\n'));
    expect([a.doc.slug, b.doc.slug]).toEqual(['wheat-notes', 'wheat-notes-2']);
    const restarted = await Library.load(dataDir);
    for (const slug of ['wheat-notes', 'wheat-notes-2']) expect(restarted.doc(slug)).toEqual(services.manager.current().doc(slug));
  });

  it('GIVEN a document dropped into the folder by hand THEN ingesting the same text is answered as a duplicate of it', async () => {
    await writeFile(path.join(dataDir, 'ferry.txt'), 'Ferry note\n\nThe ferry to Baku ran twice a week.\n');
    services = await startLibraryServices(await Library.load(dataDir), { dataDir, maxBytes: 1024 * 1024, allowPrivateUrls: false });
    const r = await services.ingest.ingest(attachment('ferry-again.txt', 'Ferry note\n\nThe ferry to Baku ran twice a week.\n'));
    expect(r.status).toBe('duplicate');
    expect(r.doc.path).toBe('ferry.txt');
  });

  it('GIVEN the same content ingested twice at once THEN one is added and the other answered as a duplicate', async () => {
    const text = 'Harbour memo\n\nThe harbour at Poti was closed for two days.\n';
    const results = await Promise.all([services.ingest.ingest(attachment('x.txt', text)), services.ingest.ingest(attachment('y.txt', text))]);
    expect(results.map((r) => r.status).sort()).toEqual(['added', 'duplicate']);
    expect(new Set(results.map((r) => r.doc.slug)).size).toBe(1);
  });

  it('GIVEN a request in flight THEN the snapshot it holds is never changed by an ingest (old or new, never half-built)', async () => {
    const before = services.manager.current();
    const docsBefore = before.docs.length;
    const pointsBefore = before.points.length;
    const result = await services.ingest.ingest(attachment('c.txt', 'Convoy note\n\nThe convoy left Batumi at night.\n'));
    expect(before.docs.length).toBe(docsBefore);
    expect(before.points.length).toBe(pointsBefore);
    expect(before.doc(result.doc.slug)).toBeUndefined();
    expect(services.manager.current().search('convoy Batumi', { limit: 1 }).hits[0]?.point.doc).toBe(result.doc.slug);
  });

  it('GIVEN forget THEN the file is deleted and a restart does not bring the document back', async () => {
    const { doc } = await services.ingest.ingest(attachment('d.txt', 'Pipeline note\n\nThe pipeline pressure dropped in March.\n'));
    const file = path.join(dataDir, ...doc.path.split('/'));
    expect(existsSync(file)).toBe(true);
    await services.ingest.forget(doc.slug);
    expect(existsSync(file)).toBe(false);
    expect(services.manager.current().doc(doc.slug)).toBeUndefined();
    expect((await Library.load(dataDir)).doc(doc.slug)).toBeUndefined();
  });
});

describe('LibraryManager', () => {
  it('GIVEN many concurrent additions THEN every one lands, applied one at a time', async () => {
    const docs = Array.from({ length: 8 }, (_, i) => makeDoc(`d${i}`, `Document ${i} talks about topic ${i}.`));
    const manager = new LibraryManager(new Library([]));
    const seen: number[] = [];
    await Promise.all(docs.map((d) => manager.add([d]).then((lib) => seen.push(lib.docs.length))));
    expect(manager.current().docs.map((d) => d.slug).sort()).toEqual(docs.map((d) => d.slug).sort());
    expect(seen.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('GIVEN an update that fails THEN the library is unchanged and later updates still run', async () => {
    const manager = new LibraryManager(new Library([]));
    const before = manager.current();
    await expect(manager.exclusive(async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(manager.current()).toBe(before);
    await manager.add([makeDoc('after', 'Still works.')]);
    expect(manager.current().doc('after')).toBeDefined();
  });
});

describe('watching DATA_DIR', () => {
  beforeEach(async () => {
    await services.watcher?.close();
    services = await startLibraryServices(await Library.load(dataDir), { dataDir, maxBytes: 1024 * 1024, allowPrivateUrls: false }, { watch: true });
    // chokidar needs a moment to attach before it can report anything.
    await new Promise((r) => setTimeout(r, 200));
  });

  it('GIVEN files dropped in, edited and removed by hand THEN the library follows, and temp dotfiles are ignored', async () => {
    const m = services.manager;
    await writeFile(path.join(dataDir, '.draft.txt.0123456789ab.tmp'), 'Half\n\nhalf written');
    await writeFile(path.join(dataDir, 'field-report.txt'), 'Field report\n\nThe bridge at Zaporizhzhia was repaired.\n');
    await until(() => m.current().doc('field-report') !== undefined, 'dropped file appears');
    expect(m.current().docs.some((d) => d.path.startsWith('.'))).toBe(false);

    await writeFile(path.join(dataDir, 'field-report.txt'), 'Field report\n\nThe bridge reopened to lorries on Monday.\n');
    await until(() => m.current().doc('field-report')?.paragraphs[0]?.text.includes('lorries') === true, 'edit is picked up');

    await unlink(path.join(dataDir, 'field-report.txt'));
    await until(() => m.current().doc('field-report') === undefined, 'removed file leaves the library');
  });

  it('GIVEN a PDF dropped in by hand THEN its text layer becomes searchable, and deleting it removes it', async () => {
    const m = services.manager;
    await writeFile(path.join(dataDir, 'port-report.pdf'), makePdf([['Port report', '', 'The quay at Gwadar was dredged to fourteen metres.']]));
    await until(() => m.current().doc('port-report') !== undefined, 'dropped PDF appears');
    expect(m.current().search('gwadar quay dredged', { limit: 1 }).hits[0]?.point.citation).toBe('port-report#p1');
    await unlink(path.join(dataDir, 'port-report.pdf'));
    await until(() => m.current().doc('port-report') === undefined, 'removed PDF leaves the library');
  });

  it('GIVEN the same content dropped twice, or dropped after being ingested THEN it stays one document and each copy is reported as a duplicate of the first', async () => {
    await services.watcher?.close();
    const { logger, lines } = memoryLogger();
    services = await startLibraryServices(await Library.load(dataDir), { dataDir, maxBytes: 1024 * 1024, allowPrivateUrls: false }, { watch: true, logger });
    await new Promise((r) => setTimeout(r, 200));
    const m = services.manager;
    const { doc } = await services.ingest.ingest(attachment('barge.txt', 'Barge note\n\nBarges on the Danube carried maize.\n'));
    await writeFile(path.join(dataDir, 'barge-copy.txt'), 'Barge note\n\nBarges on the Danube carried maize.\n');
    await writeFile(path.join(dataDir, 'river.txt'), 'River note\n\nThe river froze in January.\n');
    await until(() => m.current().doc('river') !== undefined, 'a new document appears');
    await writeFile(path.join(dataDir, 'river-again.txt'), 'River note\n\nThe river froze in January.\n');
    const skippedAs = (file: string) => lines.find((l) => l.msg === 'document skipped' && l.path === file)?.reason;
    await until(() => skippedAs('river-again.txt') !== undefined, 'the second copy is reported');
    expect(skippedAs('river-again.txt')).toBe('same content as river.txt; skipped as a duplicate');
    expect(skippedAs('barge-copy.txt')).toBe(`same content as ${doc.path}; skipped as a duplicate`);
    expect(m.current().docs.filter((d) => d.paragraphs[0]?.text.includes('froze'))).toHaveLength(1);
    expect(m.current().docs.filter((d) => d.paragraphs[0]?.text.includes('maize'))).toHaveLength(1);
    // A restart keeps the copies that were served, though 'river-again.txt' sorts before 'river.txt'.
    const served = (lib: Library) => lib.docs.map((d) => `${d.slug} ${d.path}`).sort();
    expect(served(await Library.load(dataDir))).toEqual(served(m.current()));
  });

  it('GIVEN an older copy dropped beside a served document (copied keeping its time) THEN the older copy is served, as a restart would serve it', async () => {
    await services.watcher?.close();
    const { logger, lines } = memoryLogger();
    services = await startLibraryServices(await Library.load(dataDir), { dataDir, maxBytes: 1024 * 1024, allowPrivateUrls: false }, { watch: true, logger });
    await new Promise((r) => setTimeout(r, 200));
    const m = services.manager;
    const body = 'Silo note\n\nThe silos at Odesa held barley.\n';
    await writeFile(path.join(dataDir, 'silo.txt'), body);
    await until(() => m.current().doc('silo') !== undefined, 'the first copy appears');
    const archived = path.join(dataDir, 'archive-silo.txt');
    await writeFile(archived, body);
    await utimes(archived, new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
    await until(() => m.current().doc('archive-silo') !== undefined, 'the older copy takes over');
    expect(m.current().doc('silo')).toBeUndefined();
    expect(lines.find((l) => l.msg === 'document skipped' && l.path === 'silo.txt')?.reason).toBe('same content as archive-silo.txt; skipped as a duplicate');
    const served = (lib: Library) => lib.docs.map((d) => `${d.slug} ${d.path}`).sort();
    expect(served(await Library.load(dataDir))).toEqual(served(m.current()));
  });

  it('GIVEN a file over the size limit dropped in THEN it is not loaded and the warning names it, its size and the limit', async () => {
    await services.watcher?.close();
    const { logger, lines } = memoryLogger();
    services = await startLibraryServices(await Library.load(dataDir), { dataDir, maxBytes: 4096, allowPrivateUrls: false }, { watch: true, logger });
    await new Promise((r) => setTimeout(r, 200));
    await writeFile(path.join(dataDir, 'long-report.txt'), `Long report\n\n${'The convoy moved on. '.repeat(300)}\n`);
    await until(() => lines.some((l) => l.msg === 'document skipped' && l.path === 'long-report.txt'), 'the oversized file is reported');
    expect(lines.find((l) => l.path === 'long-report.txt')?.reason).toBe('long-report.txt: file is too large (6.2 KB; limit 4.0 KB, INGEST_MAX_BYTES)');
    expect(services.manager.current().doc('long-report')).toBeUndefined();
  });

  it('GIVEN an ingest while watching THEN the watcher sees the new file without adding it twice', async () => {
    const { doc } = await services.ingest.ingest(attachment('e.txt', 'Rail note\n\nThe rail link to Kars carried ore.\n'));
    await new Promise((r) => setTimeout(r, 700));
    await services.watcher!.flush();
    expect(services.manager.current().docs.filter((d) => d.meta.hash === doc.meta.hash)).toHaveLength(1);
    expect(services.manager.current().doc(doc.slug)).toEqual(doc);
  });
});
