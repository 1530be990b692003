/**
 * Issue 11: a saved index that still looks fresh (same size and mtime) but
 * whose file was edited must not have its words served as quotes by any front
 * end. The bot reads such documents again in the background; the console and
 * the CLI have no folder watcher, so before their first answer they read them
 * again themselves: /search, /summary and /topics quote the file, not the
 * snapshot, as /quote already did.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSession } from '../../src/console/session.js';
import { startLibraryServices } from '../../src/ingest/index.js';
import type { CommandModule } from '../../src/interactions/command.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { silentLogger } from '../../src/log.js';
import { openLibrary } from '../../src/store/build.js';
import { isolatedEnv, REPO } from '../helpers/bot.js';
import { SAID, staleSnapshotLibrary, type StaleSnapshotLibrary } from '../helpers/stale-snapshot.js';

const run = promisify(execFile);

let stale: StaleSnapshotLibrary;
let dir: string;
let commands: Map<string, CommandModule>;

beforeAll(async () => {
  stale = await staleSnapshotLibrary();
  dir = stale.dir;
  commands = await loadCommands();
});
afterAll(() => stale.remove());
beforeEach(async () => {
  // A snapshot built from the original text, as a previous run left it; then the file is edited behind its back.
  await stale.reset();
  await stale.editKeepingStamp('must liberate itself', 'must NOT love itself');
});

describe('GIVEN a saved index that looks fresh but whose file was edited (same length, same mtime)', () => {
  it('THEN the console (library services without a folder watcher) reads the file again before answering: /search, /summary and /topics show its words', async () => {
    const library = await openLibrary(dir, { inProcess: true });
    // Loaded from the snapshot: the old words.
    expect(library.quote('yoke#p1.s1').point.text).toBe(SAID);
    const services = await startLibraryServices(library, { dataDir: dir, maxBytes: 1 << 20, allowPrivateUrls: false }, { logger: silentLogger });
    const session = createSession(() => services.libraries.shared, commands, silentLogger);
    const answers = [
      await session.run('search', { query: 'yoke of debt' }),
      await session.run('summary', { document: 'yoke', length: 'long' }),
      await session.run('topics', { document: 'yoke' }),
    ];
    expect(answers[0]!.content).toContain('must NOT love itself');
    expect(answers[1]!.content).toContain('must NOT love itself');
    for (const reply of answers) expect(JSON.stringify(reply)).not.toContain('liberate');
    // Only the edited document was read again: the others are the snapshot's.
    expect(services.manager.current().doc('doc-3')).toBe(library.doc('doc-3'));
  });

  it('THEN `dossier search --json` and `dossier summary --json` quote the file as it reads now', async () => {
    const dossier = async (...args: string[]) => (await run(process.execPath, [path.join(REPO, 'bin/dossier.js'), ...args, '--json'], { cwd: REPO, env: isolatedEnv({ DATA_DIR: dir }) })).stdout;
    const found = await dossier('search', 'yoke of debt');
    expect(found).toContain('must NOT love itself');
    expect(found).not.toContain('liberate');
    const summary = await dossier('summary', '--document', 'yoke', '--length', 'long');
    expect(summary).toContain('must NOT love itself');
    expect(summary).not.toContain('liberate');
    const quote = JSON.parse(await dossier('quote', 'yoke#p1.s1')) as { text: string };
    expect(quote.text).toContain('must NOT love itself');
  });
});
