import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDocuments } from '../../src/documents/load.js';
import { startLibraryServices } from '../../src/ingest/index.js';
import { LibraryManager } from '../../src/ingest/manager.js';
import { Library } from '../../src/library.js';
import { seededRandom } from '../../src/random.js';
import { documentChoices } from '../../src/interactions/autocomplete.js';
import { FULL_SCAN_LIMIT } from '../../src/store/point-store.js';
import { Libraries } from '../../src/tenancy/libraries.js';
import { characters, OFF_THREAD_CHARS } from '../../src/store/offthread.js';
import { workerHooks } from '../../src/store/worker-job.js';
import { settleLegacyIngested } from '../../src/tenancy/legacy.js';

const A = '111111111111111111';
const B = '222222222222222222';

let dir: string;

async function put(rel: string, text: string): Promise<void> {
  const file = path.join(dir, ...rel.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

async function librariesOver(options: { memoryBudgetBytes?: number } = {}): Promise<Libraries> {
  const shared = await Library.load(dir);
  return new Libraries(new LibraryManager(shared), { settings: { dataDir: dir, maxBytes: 1024 * 1024, allowPrivateUrls: false }, ...options });
}

/** A local file to ingest, as the operator's CLI gives one (outside DATA_DIR). */
async function attachment(name: string, text: string) {
  const file = path.join(`${dir}-incoming`, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return { source: { kind: 'file' as const, path: file } };
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-tenancy-'));
  await put('q3-report.md', '# Q3 report\n\nShared quarterly figures for copper and tin.\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(`${dir}-incoming`, { recursive: true, force: true });
});

describe('slugs', () => {
  it('GIVEN a server document wanting a shared slug (derived or pinned) THEN it is suffixed, and the shared one keeps it', async () => {
    await put(`guilds/${A}/q3-report.md`, '# Q3 report\n\nServer A zinc figures.\n');
    await put(`guilds/${A}/pinned.md`, '---\ntitle: Pinned\nslug: q3-report\n---\nServer A pinned nickel note.\n');
    const libraries = await librariesOver();
    const view = (await libraries.server(A)).library();
    expect(view.doc('q3-report')!.guild).toBeUndefined();
    const own = view.docs.filter((d) => d.guild === A).map((d) => d.slug).sort();
    expect(own).toEqual(['q3-report-2', 'q3-report-3']);
    expect(view.search('zinc', { limit: 1 }).hits[0]!.point.doc).toMatch(/^q3-report-\d$/);
  });

  it('GIVEN two servers THEN each may have its own `memo`, and neither sees the other’s', async () => {
    await put(`guilds/${A}/memo.md`, '# Memo\n\nServer A writes about zinc.\n');
    await put(`guilds/${B}/memo.md`, '# Memo\n\nServer B writes about cobalt.\n');
    const libraries = await librariesOver();
    const a = (await libraries.server(A)).library();
    const bView = (await libraries.server(B)).library();
    expect(a.doc('memo')!.guild).toBe(A);
    expect(bView.doc('memo')!.guild).toBe(B);
    expect(a.search('cobalt', { limit: 3 }).hits).toEqual([]);
    expect(bView.search('zinc', { limit: 3 }).hits).toEqual([]);
    expect((await libraries.scope(null)).library().doc('memo')).toBeUndefined();
  });

  it('GIVEN an ingest in a server THEN its slug avoids the shared ones, and the shared library is untouched', async () => {
    const libraries = await librariesOver();
    const server = await libraries.server(A);
    const r = await server.ingest.ingest({ ...(await attachment('q3.txt', 'Q3 report\n\nServer A nickel figures.\n')), title: 'Q3 report', addedBy: { id: 'u', name: 'u' } });
    expect(r.doc.slug).toBe('q3-report-2');
    expect(r.doc.path).toBe(`guilds/${A}/q3-report-2.txt`);
    expect(libraries.manager.current().doc('q3-report-2')).toBeUndefined();
  });

  it('GIVEN a shared document added later with a server document’s slug THEN the shared one takes it and the server’s is renamed in that view', async () => {
    await put(`guilds/${A}/memo.md`, '# Memo\n\nServer A writes about zinc.\n');
    const libraries = await librariesOver();
    const server = await libraries.server(A);
    expect(server.library().doc('memo')!.guild).toBe(A);
    await put('memo.md', '# Memo\n\nThe shared memo on tin.\n');
    const [shared] = (await loadDocuments(dir)).docs.filter((d) => d.slug === 'memo');
    await libraries.manager.add([shared!]);
    const view = server.library();
    expect(view.doc('memo')!.guild).toBeUndefined();
    expect(view.doc('memo-2')!.guild).toBe(A);
    expect(view.search('zinc', { limit: 1 }).hits[0]!.point.citation).toMatch(/^memo-2#/);
  });
});

describe('loading and unloading', () => {
  it('GIVEN a budget smaller than two servers THEN the least recently used is unloaded, and reloads with the same answers', async () => {
    for (const [id, metal] of [[A, 'zinc'], [B, 'cobalt'], ['333333333333333333', 'lithium']] as const) {
      await put(`guilds/${id}/notes.md`, `# Notes\n\nServer notes about ${metal} mines and ${metal} prices.\n`);
    }
    const libraries = await librariesOver({ memoryBudgetBytes: 1 });
    const first = (await libraries.server(A)).library().search('zinc', { limit: 1 }).hits.map((h) => h.point.citation);
    await libraries.server(B);
    expect(libraries.isLoaded(A)).toBe(false);
    expect(libraries.isLoaded(B)).toBe(true);
    // B used again, then a third: B stays (it is the last but one used), A is still out.
    await libraries.server('333333333333333333');
    expect(libraries.isLoaded(B)).toBe(false);
    const again = (await libraries.server(A)).library().search('zinc', { limit: 1 }).hits.map((h) => h.point.citation);
    expect(again).toEqual(first);
    expect(libraries.stats().loaded).toBeLessThanOrEqual(2);
  });

  it('GIVEN a generous budget THEN every server stays loaded, and servers with no documents of their own cost nothing', async () => {
    await put(`guilds/${A}/notes.md`, '# Notes\n\nZinc notes.\n');
    const libraries = await librariesOver({ memoryBudgetBytes: 512 * 1024 * 1024 });
    await libraries.server(A);
    const empty = await libraries.server(B);
    expect(empty.library()).toBe(libraries.manager.current());
    expect(empty.footprint()).toBe(0);
    expect(libraries.isLoaded(A) && libraries.isLoaded(B)).toBe(true);
  });

  it('GIVEN a server mid-ingest THEN it is not unloaded, and what it added is there after', async () => {
    await put(`guilds/${B}/notes.md`, '# Notes\n\nCobalt notes.\n');
    const libraries = await librariesOver({ memoryBudgetBytes: 1 });
    const a = await libraries.server(A);
    const adding = a.ingest.ingest({ ...(await attachment('zinc.txt', 'Zinc desk\n\nZinc smelters ran hot.\n')), addedBy: { id: 'u', name: 'u' } });
    await libraries.server(B);
    expect(libraries.isLoaded(A)).toBe(true);
    await adding;
    expect((await libraries.server(A)).library().search('smelters', { limit: 1 }).hits.length).toBe(1);
  });

  it('GIVEN a malformed server id THEN no folder outside guilds/ is ever read', async () => {
    const libraries = await librariesOver();
    await expect(libraries.server('../../etc')).rejects.toThrow(/not a Discord server id/);
  });
});

/** Words for generated documents: enough to make the library large (the segmented index) and searches varied. */
const WORDS = 'zinc copper tin nickel cobalt lithium port freight tariff corridor grain wheat lentil barley ferry rail pipeline gas oil power grid bank loan bond yield export import quota customs border treaty summit minister envoy'.split(' ');

function generated(n: number, seed: number, title: string): string {
  const rand = seededRandom(seed);
  const pick = () => WORDS[Math.floor(rand() * WORDS.length)]!;
  const paragraphs = Array.from({ length: n }, () =>
    Array.from({ length: 3 }, () => `The ${pick()} and ${pick()} ${pick()} rose with ${pick()} ${pick()}.`).join(' '),
  );
  return `# ${title}\n\n${paragraphs.join('\n\n')}\n`;
}

describe('a server’s answers equal a single library of shared + its documents', () => {
  for (const size of ['small', 'segmented'] as const) {
    it(`GIVEN a ${size} shared library THEN searches, quotes, summaries and sources match`, async () => {
      const sharedDocs = size === 'small' ? 1 : 40;
      for (let i = 0; i < sharedDocs; i++) await put(`shared/doc-${i}.md`, generated(6, i + 1, `Shared ${i}`));
      for (let i = 0; i < 3; i++) await put(`guilds/${A}/own-${i}.md`, generated(4, 100 + i, `Own ${i}`));
      const libraries = await librariesOver();
      const view = (await libraries.server(A)).library();
      expect(view.points.length > FULL_SCAN_LIMIT).toBe(size === 'segmented');

      // The same files in one folder, loaded as one library.
      const single = path.join(dir, '..', `${path.basename(dir)}-single`);
      await mkdir(single, { recursive: true });
      try {
        for (const d of view.docs) {
          const text = d.guild ? generated(4, 100 + Number(d.slug.split('-')[1]), `Own ${d.slug.split('-')[1]}`) : undefined;
          if (text) await writeFile(path.join(single, `${d.slug}.md`), text);
        }
        const sharedOnly = await Library.load(dir);
        const whole = sharedOnly.docs.length ? new Library([...sharedOnly.docs, ...(await Library.load(single)).docs]) : sharedOnly;
        expect(view.docs.map((d) => d.slug).sort()).toEqual(whole.docs.map((d) => d.slug).sort());
        const rand = seededRandom(7);
        for (let q = 0; q < 40; q++) {
          const query = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
          const answer = (lib: Library) => lib.search(query, { limit: 5 }).hits.map((h) => `${h.point.citation} ${h.score.toFixed(6)}`);
          expect(answer(view), query).toEqual(answer(whole));
        }
        for (const d of view.docs.filter((x) => x.guild)) {
          expect(view.quote(`${d.slug}#p2.s1`, 1).point.text).toBe(whole.quote(`${d.slug}#p2.s1`, 1).point.text);
          expect(view.summary(d.slug, 3).map((p) => p.citation)).toEqual(whole.summary(d.slug, 3).map((p) => p.citation));
        }
      } finally {
        await rm(single, { recursive: true, force: true });
      }
    });
  }
});

describe('a server’s view reads the shared library in place', () => {
  it('GIVEN a segmented shared library and a server that adds and forgets in turn THEN its view never copies the shared points and answers as a rebuild', async () => {
    for (let i = 0; i < 40; i++) await put(`shared/doc-${i}.md`, generated(6, i + 1, `Shared ${i}`));
    const libraries = await librariesOver();
    const shared = (await libraries.scope(null)).library();
    const server = await libraries.server(A);
    const rand = seededRandom(3);
    const own = new Map<string, string>();
    for (let step = 0; step < 12; step++) {
      if (own.size > 0 && rand() < 0.4) {
        const slug = [...own.keys()][Math.floor(rand() * own.size)]!;
        await server.ingest.forget(slug);
        own.delete(slug);
      } else {
        const text = generated(3, 500 + step, `Own ${step}`);
        const r = await server.ingest.ingest({ ...(await attachment(`own-${step}.txt`, text)), title: `Own ${step}`, addedBy: { id: 'u', name: 'u' } });
        own.set(r.doc.slug, text);
      }
      const view = server.library();
      // The shared points sit beneath the server's own in one layer; they were not copied.
      expect(view.points.depth).toBe(own.size ? 1 : 0);
      for (const id of [0, 17, shared.points.length - 1]) expect(view.points.at(id)).toBe(shared.points.at(id));
      const whole = new Library([...shared.docs, ...view.docs.filter((d) => d.guild)]);
      expect([...view.points].map((p) => p.citation).sort()).toEqual([...whole.points].map((p) => p.citation).sort());
      for (const query of ['zinc copper', 'Own', 'wheat lentil barley']) {
        const answer = (lib: Library) => lib.search(query, { limit: 5 }).hits.map((h) => h.point.citation);
        expect(answer(view), query).toEqual(answer(whole));
      }
      for (const typed of ['', 'own', 'shared 1', 'doc-3', 'Own 1']) {
        const names = (lib: Library) => documentChoices(lib, typed).map((c) => c.value);
        expect(names(view), typed).toEqual(names(whole));
      }
      for (const slug of own.keys()) {
        expect(view.doc(slug)?.guild).toBe(A);
        expect(view.quote(`${slug}#p1.s1`).point.doc).toBe(slug);
      }
      expect(shared.docs.some((d) => d.guild)).toBe(false);
    }
  });
});

describe('a server whose own documents are long', () => {
  afterEach(() => {
    workerHooks.started = undefined;
  });

  it('GIVEN over 256 KB of its own text THEN its view is derived with that text indexed in a worker, once: each change of the shared library reuses it, and the view answers as a rebuild', async () => {
    for (let i = 0; i < 40; i++) await put(`shared/doc-${i}.md`, generated(6, i + 1, `Shared ${i}`));
    // About 1.3 × 256 KB of the server's own text, in one document.
    await put(`guilds/${A}/long-own.md`, generated(2_000, 900, 'Long own'));
    const jobs: string[] = [];
    workerHooks.started = (_worker, _attempt, job) => void jobs.push(job.kind);
    const libraries = await librariesOver();
    const server = await libraries.server(A);
    expect(characters(server.documents)).toBeGreaterThan(OFF_THREAD_CHARS);
    expect(jobs.filter((k) => k === 'delta')).toHaveLength(1);
    const answers = async (view: Library) => {
      const whole = new Library([...libraries.manager.current().docs, ...view.docs.filter((d) => d.guild)]);
      expect(view.docs.map((d) => d.slug).sort()).toEqual(whole.docs.map((d) => d.slug).sort());
      for (const query of ['zinc copper', 'Long own', 'wheat lentil barley', 'treaty envoy']) {
        const answer = (lib: Library) => lib.search(query, { limit: 5 }).hits.map((h) => `${h.point.citation} ${h.score.toFixed(6)}`);
        expect(answer(view), query).toEqual(answer(whole));
      }
      expect(view.quote('long-own#p7.s2').point.text).toBe(whole.quote('long-own#p7.s2').point.text);
    };
    await answers(server.library());
    // The operator adds to and removes from the shared library: the view follows, without indexing the long text again.
    await libraries.manager.add([(await loadDocuments(dir)).docs.find((d) => d.slug === 'doc-3')!].map((d) => ({ ...d, slug: 'doc-3-again', path: 'shared/doc-3-again.md' })));
    const afterAdd = await server.settled();
    expect(afterAdd.doc('doc-3-again')).toBeDefined();
    await answers(afterAdd);
    await libraries.manager.remove(['doc-5']);
    const afterRemove = await server.settled();
    expect(afterRemove.doc('doc-5')).toBeUndefined();
    await answers(afterRemove);
    expect(jobs.filter((k) => k === 'delta')).toHaveLength(1);
    // Forgetting another of its documents derives the view again from the same long text's segment: not indexed again.
    const short = await server.ingest.ingest({ ...(await attachment('short.txt', generated(2, 77, 'Short own'))), title: 'Short own', addedBy: { id: 'u', name: 'u' } });
    await server.ingest.forget(short.doc.slug);
    expect(jobs.filter((k) => k === 'delta')).toHaveLength(1);
    await answers(await server.settled());
  });
});

describe('files dropped by hand', () => {
  it('GIVEN a file dropped into a loaded server’s folder THEN that server sees it and no other library does; removed, it goes', async () => {
    const services = await startLibraryServices(await Library.load(dir), { dataDir: dir, maxBytes: 1024 * 1024, allowPrivateUrls: false }, { watch: true });
    try {
      const a = await services.libraries.server(A);
      const b = await services.libraries.server(B);
      // chokidar needs a moment to attach before it can report anything.
      await new Promise((r) => setTimeout(r, 200));
      await put(`guilds/${A}/dropped.md`, '# Dropped\n\nA field note on vanadium.\n');
      await until(() => a.library().doc('dropped') !== undefined, 'the dropped file reaches server A');
      expect(a.library().doc('dropped')!.guild).toBe(A);
      expect(b.library().search('vanadium', { limit: 3 }).hits).toEqual([]);
      expect(services.manager.current().doc('dropped')).toBeUndefined();
      await rm(path.join(dir, 'guilds', A, 'dropped.md'));
      await until(() => a.library().doc('dropped') === undefined, 'the removed file leaves server A');
    } finally {
      await services.watcher?.close();
    }
  });
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > 15_000) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('documents added from Discord before per-server libraries', () => {
  it('GIVEN ingested/ files THEN those naming their server move to its folder, Discord ones without stay shared and are listed, CLI ones are left alone', async () => {
    await put('ingested/named.md', `---\ntitle: Named\nguild: "${A}"\nadded_by: ana (123456789012345678)\n---\nNamed body.\n`);
    await put('ingested/unnamed.md', '---\ntitle: Unnamed\nadded_by: bo (123456789012345679)\n---\nUnnamed body.\n');
    await put('ingested/operator.md', '---\ntitle: Operator\nadded_by: root\n---\nOperator body.\n');
    const outcome = await settleLegacyIngested(dir);
    expect(outcome.moved).toEqual([{ from: 'ingested/named.md', to: `guilds/${A}/named.md` }]);
    expect(outcome.unclaimed).toEqual(['ingested/unnamed.md']);
    const libraries = await librariesOver();
    expect((await libraries.server(A)).library().doc('named')!.guild).toBe(A);
    expect(libraries.manager.current().doc('named')).toBeUndefined();
    expect(libraries.manager.current().doc('unnamed')).toBeDefined();
    // Idempotent: a second start moves nothing.
    expect((await settleLegacyIngested(dir)).moved).toEqual([]);
  });
});
