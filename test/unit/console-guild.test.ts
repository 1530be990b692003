import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConsole } from '../../src/console/repl.js';
import { startLibraryServices } from '../../src/ingest/index.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';

const A = '111111111111111111';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-console-guild-'));
  await writeFile(path.join(dir, 'shared.md'), '# Shared\n\nShared notes on tin.\n');
  await mkdir(path.join(dir, 'guilds', A), { recursive: true });
  await writeFile(path.join(dir, 'guilds', A, 'zinc.md'), '# Zinc desk\n\nThe zinc smelter doubled output.\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The console over `dir`, fed `lines`; what it printed. */
async function session(lines: string[], guildId: string | null = null): Promise<string> {
  const { libraries } = await startLibraryServices(await Library.load(dir), { dataDir: dir, maxBytes: 1024 * 1024, allowPrivateUrls: false });
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk) => (printed += String(chunk)));
  await runConsole({
    open: async (id) => (id === null ? libraries.shared : libraries.server(id)),
    guildId,
    commands: await loadCommands(),
    logger: silentLogger,
    input: Readable.from(lines.map((l) => `${l}\n`)),
    output,
  });
  return printed;
}

describe('the console answers as one server sees the library', () => {
  it('GIVEN /guild <id> THEN that server’s own documents answer, and /guild alone goes back to the shared library', async () => {
    const out = await session(['/search zinc smelter', `/guild ${A}`, '/search zinc smelter', '/guild', '/search zinc smelter']);
    // The answers, in the order the lines were given.
    const expected = [
      'No passage matches “zinc smelter”',
      `Answering as server ${A} sees the library: 1 document of its own and 1 shared`,
      '`zinc#p1`',
      'Answering from the shared library (1 document)',
      'No passage matches “zinc smelter”',
    ];
    let at = 0;
    for (const text of expected) {
      const found = out.indexOf(text, at);
      expect(found, text).toBeGreaterThanOrEqual(at);
      at = found + text.length;
    }
  });

  it('GIVEN --guild at start THEN the first answer is already that server’s; a malformed id is refused', async () => {
    const out = await session(['/search zinc smelter', '/guild 12'], A);
    expect(out).toContain('`zinc#p1`');
    expect(out).toContain('`/guild` takes a Discord server id');
  });
});
