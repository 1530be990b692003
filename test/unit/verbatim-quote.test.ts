import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSession } from '../../src/console/session.js';
import { startLibraryServices } from '../../src/ingest/index.js';
import { loadCommands } from '../../src/interactions/registry.js';
import type { CommandModule } from '../../src/interactions/command.js';
import type { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { openLibrary } from '../../src/store/build.js';
import { SAID, staleSnapshotLibrary, type StaleSnapshotLibrary } from '../helpers/stale-snapshot.js';

let stale: StaleSnapshotLibrary;
let dir: string;
let commands: Map<string, CommandModule>;
const messages: string[] = [];
const logger = { info: (_o: object, m: string) => messages.push(m), warn: (_o: object, m: string) => messages.push(m), error: () => {}, debug: () => {} } as never;
const editKeepingStamp = (from: string, to: string) => stale.editKeepingStamp(from, to);

beforeAll(async () => {
  stale = await staleSnapshotLibrary();
  dir = stale.dir;
  commands = await loadCommands();
});
afterAll(() => stale.remove());
beforeEach(async () => {
  // A snapshot built from the original text, as a previous run of the bot left it.
  await stale.reset();
  messages.length = 0;
});

async function quote(library: Library, citation: string, context?: number) {
  const session = createSession(() => ({ guildId: null, library: () => library }) as never, commands, silentLogger);
  return session.run('quote', context === undefined ? { citation } : { citation, context });
}

describe('GIVEN an index snapshot that still looks fresh but whose file was edited (same length, same mtime)', () => {
  it('THEN the library is served from the snapshot, holding the old words', async () => {
    await editKeepingStamp('must liberate itself', 'must NOT love itself');
    const library = await openLibrary(dir, { inProcess: true, logger });
    expect(messages).toEqual(['library loaded from snapshot']);
    expect(library.quote('yoke#p1.s1').point.text).toBe(SAID);
  });

  it('THEN /quote does not serve the snapshot\'s words as verbatim: it quotes the file as it reads now', async () => {
    await editKeepingStamp('must liberate itself', 'must NOT love itself');
    const library = await openLibrary(dir, { inProcess: true, logger });
    const reply = await quote(library, 'yoke#p1.s1');
    expect(reply.content).toContain('must NOT love itself');
    expect(reply.content).not.toContain('liberate');
    const paragraph = await quote(library, 'yoke#p1');
    expect(paragraph.content).toContain('must NOT love itself');
    expect(paragraph.content).not.toContain('liberate');
  });

  it('THEN context sentences come from the file too, and an untouched passage of the same document is quoted as before', async () => {
    await editKeepingStamp('must liberate itself', 'must NOT love itself');
    const library = await openLibrary(dir, { inProcess: true, logger });
    const reply = await quote(library, 'yoke#p1.s2', 1);
    expect(reply.content).toContain('must NOT love itself');
    expect(reply.content).toContain('Some fruit and leather exports reached the market.');
    expect((await quote(library, 'yoke#p2')).content).toContain('The second paragraph stays as it was.');
  });

  it('THEN a citation the edited file no longer has is refused, politely and privately', async () => {
    await editKeepingStamp('ket.\n\nThe second', 'ket.  The second');
    const library = await openLibrary(dir, { inProcess: true, logger });
    expect(library.quote('yoke#p2').point.text).toBe('The second paragraph stays as it was.');
    const reply = await quote(library, 'yoke#p2');
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('has changed since it was indexed');
    expect(reply.content).not.toContain('The second paragraph stays as it was.');
  });

  it('THEN a file that is gone is not quoted from the snapshot either', async () => {
    const library = await openLibrary(dir, { inProcess: true, logger });
    await rm(stale.file);
    const reply = await quote(library, 'yoke#p1.s1');
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/gone or can no longer be read/);
    expect(reply.content).not.toContain('liberate');
  });

  it('THEN with the file unchanged the snapshot\'s quote is served as it is', async () => {
    const library = await openLibrary(dir, { inProcess: true, logger });
    expect(messages).toEqual(['library loaded from snapshot']);
    const reply = await quote(library, 'yoke#p1.s1');
    expect(reply.content).toContain(SAID);
    expect(messages).toEqual(['library loaded from snapshot']);
  });

  it('THEN the "Show paragraph" button is checked the same way', async () => {
    await editKeepingStamp('must liberate itself', 'must NOT love itself');
    const library = await openLibrary(dir, { inProcess: true, logger });
    const session = createSession(() => ({ guildId: null, library: () => library }) as never, commands, silentLogger);
    const found = await session.run('search', { query: 'yoke of debt' });
    const n = (found.buttons ?? []).findIndex((b) => b.type !== 'link' && b.customId.startsWith('quote:yoke#p1'));
    expect(n).toBeGreaterThanOrEqual(0);
    const reply = await session.answer(`/press ${n + 1}`);
    expect(reply.content).toContain('must NOT love itself');
    expect(reply.content).not.toContain('liberate');
  });
});

describe('GIVEN the bot started on such a snapshot (library services with the folder watcher)', () => {
  it('THEN the edited document is read again in the background, so searches show the file\'s words too', async () => {
    await editKeepingStamp('must liberate itself', 'must NOT love itself');
    const library = await openLibrary(dir, { inProcess: true, logger });
    expect(messages).toEqual(['library loaded from snapshot']);
    const services = await startLibraryServices(library, { dataDir: dir, maxBytes: 1 << 20, allowPrivateUrls: false }, { logger, watch: true });
    try {
      await vi.waitFor(() => expect(services.manager.current().quote('yoke#p1.s1').point.text).toContain('must NOT love itself'), { timeout: 20_000, interval: 100 });
      const found = services.manager.current().search('yoke of debt', { limit: 3 }).hits.map((h) => h.point.text);
      expect(found.join('\n')).toContain('must NOT love itself');
      expect(found.join('\n')).not.toContain('liberate');
      // Only that document was read again; the others are the snapshot's, untouched.
      expect(services.manager.current().doc('doc-3')).toBe(library.doc('doc-3'));
    } finally {
      await services.watcher?.close();
    }
  });
});
