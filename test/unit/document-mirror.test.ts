import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type DatabaseTarget } from '../../src/db/index.js';
import { DocumentMirror, manifestFile } from '../../src/documents/mirror.js';
import { startLibraryServices, type LibraryServices } from '../../src/ingest/index.js';
import { createFeedService } from '../../src/feeds/index.js';
import { STORE_UNAVAILABLE, type IngestRequest, type IngestSettings } from '../../src/ingest/service.js';
import { Library } from '../../src/library.js';
import { pointsOf } from '../../src/points.js';
import { tempDataDir } from '../helpers/bot.js';
import { startNewsSite } from '../helpers/feeds.js';
import { makePdf } from '../helpers/pdf.js';
import { freshDatabase } from '../helpers/postgres.js';
import { startPostgresServer } from '../helpers/postgres-server.js';

const GUILD = '123456789012345678';
const OTHER = '123456789012345679';
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** One machine: its own data folder, database connection, mirror and (optionally) libraries with the folder watcher. */
interface Machine {
  dataDir: string;
  db: Database;
  mirror: DocumentMirror;
  services?: LibraryServices;
}

async function machine(target: DatabaseTarget, o: { empty?: boolean; serve?: boolean; settings?: Partial<IngestSettings> } = {}): Promise<Machine> {
  const dataDir = o.empty ? await mkdtemp(path.join(os.tmpdir(), 'dossier-empty-')) : await tempDataDir();
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const db = await openDatabase(target);
  cleanup.push(() => db.close());
  const mirror = new DocumentMirror(db, dataDir, manifestFile(dataDir));
  cleanup.push(() => mirror.close());
  await mirror.reconcile();
  if (!o.serve) return { dataDir, db, mirror };
  const services = await startLibraryServices(await Library.load(dataDir), { dataDir, maxBytes: 1024 * 1024, allowPrivateUrls: false, ...o.settings, recorder: mirror }, { watch: true });
  cleanup.push(async () => services.watcher?.close());
  mirror.follow(services.watcher);
  return { dataDir, db, mirror, services };
}

async function note(dir: string, name: string, text: string): Promise<IngestRequest> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return { source: { kind: 'file', path: file }, addedBy: { id: '223456789012345678', name: 'ana' } };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ownerOf = async (db: Database, rel: string) => (await db.db.selectFrom('documents').select('owner').where('path', '=', rel).executeTakeFirst())?.owner;

const read = (m: Machine, rel: string) => readFile(path.join(m.dataDir, ...rel.split('/')), 'utf8');

describe('documents in PostgreSQL, with each machine’s DATA_DIR a copy', () => {
  it('GIVEN a folder imported at start THEN a machine with an empty folder gets the same files, and importing again adds nothing', async () => {
    const target: DatabaseTarget = { kind: 'postgres', url: await freshDatabase() };
    const a = await machine(target);
    await writeFile(path.join(a.dataDir, 'hand-note.md'), '# Hand note\n\nDropped in by the operator before the first start.\n');
    expect((await a.mirror.reconcile()).imported).toBe(1);
    const b = await machine(target, { empty: true });
    for (const rel of ['hand-note.md', ...(await Library.load(a.dataDir)).docs.map((d) => d.path)]) expect(await read(b, rel)).toBe(await read(a, rel));
    expect(await a.mirror.reconcile()).toEqual({ imported: 0, written: 0, removedHere: 0, removedThere: 0, oversized: 0 });
    expect(await b.mirror.reconcile()).toEqual({ imported: 0, written: 0, removedHere: 0, removedThere: 0, oversized: 0 });
    // Same libraries on both machines.
    expect((await Library.load(b.dataDir)).docs.map((d) => d.slug)).toEqual((await Library.load(a.dataDir)).docs.map((d) => d.slug));
  });

  it('GIVEN a PDF dropped in a folder THEN it is imported once, byte for byte, and a machine with an empty folder serves it with the same citations', async () => {
    const target: DatabaseTarget = { kind: 'postgres', url: await freshDatabase() };
    const a = await machine(target);
    const pdf = makePdf([['Caspian freight note', '', 'Freight rates on the Caspian ferry doubled in March.', '', 'Insurers priced the route weekly.']]);
    await mkdir(path.join(a.dataDir, 'briefs'));
    await writeFile(path.join(a.dataDir, 'briefs', 'Freight Note.pdf'), pdf);
    expect((await a.mirror.reconcile()).imported).toBe(1);
    expect(await a.mirror.reconcile()).toEqual({ imported: 0, written: 0, removedHere: 0, removedThere: 0, oversized: 0 });
    const b = await machine(target, { empty: true });
    expect(await readFile(path.join(b.dataDir, 'briefs', 'Freight Note.pdf'))).toEqual(pdf);
    expect(await b.mirror.reconcile()).toEqual({ imported: 0, written: 0, removedHere: 0, removedThere: 0, oversized: 0 });
    const points = async (m: Machine) => pointsOf((await Library.load(m.dataDir)).docs.filter((d) => d.path === 'briefs/Freight Note.pdf')).map((p) => `${p.citation} ${p.text}`);
    expect(await points(b)).toEqual(await points(a));
    expect((await points(b)).join('\n')).toContain('Freight rates on the Caspian ferry doubled in March.');
    // Deleted on one machine, deleted on the other at its next start.
    await a.mirror.remove({ path: 'briefs/Freight Note.pdf' });
    expect((await b.mirror.reconcile()).removedHere).toBe(1);
    expect(existsSync(path.join(b.dataDir, 'briefs', 'Freight Note.pdf'))).toBe(false);
  });

  it('GIVEN more documents in the database than one read fetches THEN a machine with an empty folder gets every one', async () => {
    const target: DatabaseTarget = { kind: 'postgres', url: await freshDatabase() };
    const a = await machine(target, { empty: true });
    const rows = Array.from({ length: 450 }, (_, i) => {
      const raw = `# Memo ${i}\n\nMemo number ${i} about the grain corridor.\n`;
      return { path: i % 2 ? `memos/memo-${i}.md` : `guilds/${GUILD}/memo-${i}.md`, owner: i % 2 ? '' : GUILD, raw, hash: createHash('sha256').update(raw, 'utf8').digest('hex'), updated_at: Date.now() };
    });
    await a.db.db.insertInto('documents').values(rows).execute();
    const b = await machine(target, { empty: true });
    expect(await b.mirror.reconcile()).toMatchObject({ written: 0 }); // the first reconcile (in machine()) wrote them
    for (const r of [rows[0]!, rows[199]!, rows[200]!, rows[449]!]) expect(await read(b, r.path)).toBe(r.raw);
    const files = await readdir(b.dataDir, { recursive: true });
    expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(450);
  });

  it('GIVEN a file over INGEST_MAX_BYTES in a folder THEN it is not imported, and a copy of the same path from elsewhere does not overwrite it', async () => {
    const target: DatabaseTarget = { kind: 'postgres', url: await freshDatabase() };
    const a = await machine(target, { empty: true });
    await a.mirror.put({ path: 'report.md', raw: '# Report\n\nThe short version, from another machine.\n' });
    const dataDir = await tempDataDir();
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const huge = `# Report\n\n${'The long version goes on. '.repeat(4_000)}\n`;
    await writeFile(path.join(dataDir, 'report.md'), huge);
    await writeFile(path.join(dataDir, 'huge.md'), huge);
    const mirror = new DocumentMirror(a.db, dataDir, manifestFile(dataDir), undefined, 64 * 1024);
    cleanup.push(() => mirror.close());
    const counts = await mirror.reconcile();
    expect(counts.oversized).toBe(2);
    expect(counts.imported).toBeGreaterThan(0); // the bundled article, under the limit
    expect(await ownerOf(a.db, 'huge.md')).toBeUndefined();
    expect(await read({ ...a, dataDir }, 'report.md')).toBe(huge);
    expect(await read({ ...a, dataDir }, 'huge.md')).toBe(huge);
  });

  it('GIVEN a file deleted by hand while a machine was stopped THEN its next start deletes it everywhere, and not the other way round', async () => {
    const target: DatabaseTarget = { kind: 'postgres', url: await freshDatabase() };
    const a = await machine(target);
    await writeFile(path.join(a.dataDir, 'old-note.md'), '# Old note\n\nAbout to be deleted by hand.\n');
    await a.mirror.reconcile();
    const b = await machine(target, { empty: true });
    expect(existsSync(path.join(b.dataDir, 'old-note.md'))).toBe(true);
    await unlink(path.join(a.dataDir, 'old-note.md'));
    expect((await a.mirror.reconcile()).removedThere).toBe(1);
    expect((await b.mirror.reconcile()).removedHere).toBe(1);
    expect(existsSync(path.join(b.dataDir, 'old-note.md'))).toBe(false);
    // A third machine whose folder still has the old file (say, restored from a backup) does not bring it back.
    const c = await machine(target, { empty: true });
    await writeFile(path.join(c.dataDir, 'old-note.md'), '# Old note\n\nAbout to be deleted by hand.\n');
    expect((await c.mirror.reconcile()).removedHere).toBe(1);
    expect(existsSync(path.join(c.dataDir, 'old-note.md'))).toBe(false);
  });

  it('GIVEN two running machines THEN an ingest and a forget on one reach the other’s folder and library', async () => {
    const target: DatabaseTarget = { kind: 'postgres', url: await freshDatabase() };
    const a = await machine(target, { serve: true });
    const b = await machine(target, { serve: true, empty: true });
    const server = await a.services!.libraries.server(GUILD);
    const added = await server.ingest.ingest(await note(a.dataDir, 'req.md', '# Ferry memo\n\nThe ferry to Baku sails twice a week in winter.\n'));
    expect(added.status).toBe('added');
    await until(() => existsSync(path.join(b.dataDir, ...added.doc.path.split('/'))), 'the file on machine B');
    expect(await read(b, added.doc.path)).toBe(await read(a, added.doc.path));
    const onB = await b.services!.libraries.server(GUILD);
    expect(onB.library().doc(added.doc.slug)?.meta.title).toBe('Ferry memo');
    // Mirrored through the database, a server's document stays its own: another server and the shared library never see it.
    expect(await ownerOf(a.db, added.doc.path)).toBe(GUILD);
    expect(onB.library().search('ferry to Baku', { limit: 5 }).hits.map((h) => h.point.doc)).toContain(added.doc.slug);
    const otherOnB = await b.services!.libraries.server(OTHER);
    expect(otherOnB.library().doc(added.doc.slug)).toBeUndefined();
    expect(otherOnB.library().search('ferry to Baku', { limit: 5 }).hits.map((h) => h.point.doc)).not.toContain(added.doc.slug);
    expect(b.services!.manager.current().doc(added.doc.slug)).toBeUndefined();
    // A shared document ingested on B reaches A's loaded shared library through its folder watcher.
    const shared = await b.services!.ingest.ingest(await note(b.dataDir, 'req2.md', '# Pipeline memo\n\nThe pipeline runs under the Caspian seabed.\n'));
    await until(() => a.services!.manager.current().doc(shared.doc.slug) !== undefined, 'the shared document in A’s library');
    await server.ingest.forget(added.doc.slug);
    await until(() => !existsSync(path.join(b.dataDir, ...added.doc.path.split('/'))), 'the file gone from machine B');
    await until(() => onB.library().doc(added.doc.slug) === undefined, 'the document gone from B’s library');
  });

  it('GIVEN two running machines THEN a file dropped, edited and deleted by hand in one’s folder reaches the other without a restart, recorded once each time', async () => {
    const target: DatabaseTarget = { kind: 'postgres', url: await freshDatabase() };
    const a = await machine(target, { serve: true });
    const b = await machine(target, { serve: true, empty: true });
    const rel = 'hand/termez-crossing.md';
    const found = (m: Machine, query: string) => m.services!.manager.current().search(query, { limit: 5 }).hits.some((h) => h.point.doc === 'termez-crossing');
    await mkdir(path.join(a.dataDir, 'hand'));
    await writeFile(path.join(a.dataDir, rel), '# Termez crossing\n\nThe Amu Darya bridge at Termez reopened to lorries in October.\n');
    await until(() => found(b, 'Amu Darya bridge reopened'), 'the dropped file searchable on B', 20_000);
    expect(await read(b, rel)).toBe(await read(a, rel));
    await writeFile(path.join(a.dataDir, rel), '# Termez crossing\n\nThe Amu Darya bridge at Termez closed again for repairs to its rail deck.\n');
    await until(() => found(b, 'rail deck repairs'), 'the edit searchable on B', 20_000);
    expect(await read(b, rel)).toBe(await read(a, rel));
    await unlink(path.join(a.dataDir, rel));
    await until(() => b.services!.manager.current().doc('termez-crossing') === undefined, 'the deletion applied on B', 20_000);
    expect(existsSync(path.join(b.dataDir, rel))).toBe(false);
    expect(await ownerOf(a.db, rel)).toBeUndefined();
    // The other way, into a server's folder: by the time it reaches A, B's watcher has long since seen
    // its own writes of the file above, so any echo of them would be a change before this one.
    const back = `guilds/${GUILD}/b-note.md`;
    await mkdir(path.join(b.dataDir, 'guilds', GUILD), { recursive: true });
    await writeFile(path.join(b.dataDir, back), '# Note from B\n\nDropped into B’s folder for one server.\n');
    await until(() => existsSync(path.join(a.dataDir, ...back.split('/'))), 'B’s hand-dropped file on A', 20_000);
    expect(await ownerOf(a.db, back)).toBe(GUILD);
    const changes = await a.db.db.selectFrom('document_changes').select(['path', 'op']).where('path', 'in', [rel, back]).orderBy('id').execute();
    expect(changes.map((c) => `${c.op} ${c.path}`)).toEqual([`put ${rel}`, `put ${rel}`, `delete ${rel}`, `put ${back}`]);
  });

  it('GIVEN a server following a feed on one machine THEN the articles it adds go through the database to that server on the other machine, and to no other server', async () => {
    const site = await startNewsSite();
    cleanup.push(() => site.close());
    // The private-address guard stays on: the site's host name resolves to 127.0.0.1, the only address let through.
    const guarded: Partial<IngestSettings> = { resolve: async (host) => (host.endsWith('.test') ? ['127.0.0.1'] : []), isAllowed: (address) => address === '127.0.0.1' };
    const target: DatabaseTarget = { kind: 'postgres', url: await freshDatabase() };
    const a = await machine(target, { serve: true, settings: guarded });
    const b = await machine(target, { serve: true, empty: true });
    const feeds = createFeedService({
      database: a.db,
      libraries: a.services!.libraries,
      settings: { dataDir: a.dataDir, maxBytes: 1024 * 1024, allowPrivateUrls: false, ...guarded },
      feeds: { pollMinutes: 30, perServer: 3, itemRetentionDays: 90, itemsKept: 1000 },
    });
    site.publish({
      id: 'k1',
      title: 'Saiga counts on the Ustyurt plateau',
      published: '2026-11-20T08:00:00.000Z',
      paragraphs: [
        'Rangers counted the saiga herds on the Ustyurt plateau twice this autumn, and the second count was higher than the first.',
        'The ministry will publish the full saiga survey before the winter, with figures for each district of the plateau.',
      ],
    });
    const followed = await feeds.follow(GUILD, `${site.base}/atom.xml`, { addedBy: { id: '223456789012345678', name: 'ana' }, backfill: 1 });
    const slug = followed.items.find((i) => i.status === 'added')?.slug;
    expect(slug).toBeTruthy();
    const doc = (await a.services!.libraries.server(GUILD)).library().doc(slug!)!;
    expect(doc.path).toBe(`guilds/${GUILD}/${path.basename(doc.path)}`);
    // The system of record has it, owned by the server that follows the feed.
    expect(await ownerOf(b.db, doc.path)).toBe(GUILD);
    const onB = await b.services!.libraries.server(GUILD);
    await until(() => onB.library().doc(slug!) !== undefined, 'the feed article in the server’s library on machine B');
    expect(onB.library().search('saiga survey Ustyurt', { limit: 5 }).hits[0]?.point.doc).toBe(slug);
    const otherOnB = await b.services!.libraries.server(OTHER);
    expect(otherOnB.library().search('saiga survey Ustyurt', { limit: 5 }).hits.map((h) => h.point.doc)).not.toContain(slug);
    expect(b.services!.manager.current().doc(slug!)).toBeUndefined();
  });

  it('GIVEN a follower whose connection was cut THEN a change made meanwhile is applied once it reconnects', async () => {
    const url = await freshDatabase();
    const target: DatabaseTarget = { kind: 'postgres', url };
    const a = await machine(target);
    const b = await machine(target, { empty: true });
    b.mirror.follow();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    cleanup.push(() => admin.end());
    const listeners = async () => (await admin.query("SELECT pid FROM pg_stat_activity WHERE application_name = 'dossier-listen' AND datname = current_database()")).rows;
    await until(async () => (await listeners()).length === 1, 'B listening');
    await admin.query('SELECT pg_terminate_backend($1)', [(await listeners())[0]!.pid]);
    // Written while B is not listening: no notice reaches it.
    await a.mirror.put({ path: 'late-news.md', raw: '# Late news\n\nWritten while the follower was away.\n' });
    await until(() => existsSync(path.join(b.dataDir, 'late-news.md')), 'B caught up after reconnecting');
  });
});

describe('a database outage', () => {
  it('GIVEN the database down THEN an ingest is refused with a clear message and nothing is written, a file dropped by hand is served; once it is back, ingest works and the dropped file is recorded', async () => {
    const server = await startPostgresServer();
    cleanup.push(() => server.stop());
    const a = await machine({ kind: 'postgres', url: server.url }, { serve: true });
    const before = a.services!.manager.current().docs.length;
    await server.halt();
    await expect(a.services!.ingest.ingest(await note(a.dataDir, 'down.md', '# Outage memo\n\nWritten while the database was down.\n'))).rejects.toThrow(STORE_UNAVAILABLE);
    expect(existsSync(path.join(a.dataDir, 'ingested', 'outage-memo.md'))).toBe(false);
    // Searches keep answering from memory.
    expect(a.services!.manager.current().docs).toHaveLength(before);
    expect(a.services!.manager.current().search('wheat exports', { limit: 5 }).hits.length).toBeGreaterThan(0);
    // A file dropped by hand meanwhile is served here at once, and recorded once the database is back.
    await writeFile(path.join(a.dataDir, 'dropped-while-down.md'), '# Dropped while down\n\nThe operator saved this while the database was stopped.\n');
    await until(() => a.services!.manager.current().doc('dropped-while-down') !== undefined, 'the dropped file served locally');
    await a.services!.watcher!.flush();
    await server.start();
    await until(async () => (await ownerOf(a.db, 'dropped-while-down.md').catch(() => undefined)) === '', 'the dropped file recorded after the outage', 20_000);
    const added = await a.services!.ingest.ingest(await note(a.dataDir, 'up.md', '# Outage memo\n\nWritten once the database was back.\n'));
    expect(added.status).toBe('added');
  });
});
