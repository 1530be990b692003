import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../../src/documents/load.js';
import { FIXTURE_LIBRARY, REPO } from '../helpers/bot.js';

/**
 * The test files that start the product as a child process (which reads `.env`
 * and the default paths), or build on the bundled article: the parts of the
 * suite a user's own files could reach. Everything else builds its library in
 * memory or from a temp folder it writes itself.
 */
const AFFECTED = [
  'test/unit/bundled-data.test.ts',
  'test/unit/digest-brief.test.ts',
  'test/e2e/commands.test.ts',
  'test/e2e/deployment.test.ts',
  'test/e2e/shutdown.test.ts',
  // Bot processes, the console and the CLI against PostgreSQL, each machine with a folder of its own.
  'test/e2e/machines.test.ts',
  'test/e2e/shards.test.ts',
  'test/e2e/console-database.test.ts',
];

/** Never copied: installed packages (linked instead), history, and the developer's own data, settings and results. */
const NOT_COPIED = new Set(['node_modules', '.git', 'data', '.env', 'coverage', '.tmp']);

/** What a user has done after following the README for an hour: their own documents, an index, a database, a .env. */
async function usersCheckout(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'dossier-checkout-'));
  await cp(REPO, root, { recursive: true, filter: (src) => !NOT_COPIED.has(path.relative(REPO, src).split(path.sep)[0]!) && !src.includes(`${path.sep}bench${path.sep}results`) });
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  const data = path.join(root, 'data');
  await cp(FIXTURE_LIBRARY, data, { recursive: true });
  await writeFile(path.join(data, 'grain-corridor-memo.txt'), 'Grain corridor memo\n\nThe Black Sea grain corridor carried wheat exports to Pakistan through the winter.\nInsurers priced the route weekly.\n');
  await mkdir(path.join(data, 'ingested'));
  await writeFile(path.join(data, 'ingested', 'q3-report.md'), '---\ntitle: Q3 report\nslug: q3-report\n---\nEnergy deal talks stalled in the third quarter.\n');
  await writeFile(path.join(data, 'broken.md'), '---\ntitle: [unclosed\n---\nBody.\n');
  await writeFile(path.join(data, 'topics.json'), JSON.stringify({ 'Grain corridor': ['grain', 'corridor'] }));
  await mkdir(path.join(data, '.dossier', 'index'), { recursive: true });
  await writeFile(path.join(data, '.dossier', 'dossier.db'), 'not a database');
  await writeFile(path.join(data, '.dossier', 'index', 'library.snapshot'), 'not a snapshot');
  await writeFile(
    path.join(root, '.env'),
    [
      'DISCORD_TOKEN=a-token-the-user-pasted-for-their-own-bot-xyz',
      'DISCORD_APPLICATION_ID=123456789012345678',
      'DISCORD_GUILD_ID=876543210987654321',
      'DISCORD_API_URL=http://127.0.0.1:9/api',
      'DATA_DIR=./data',
      'DATABASE_PATH=./data/.dossier/dossier.db',
      // A server that is not there: a test reading this would fail to start, and its documents would not be its own.
      'DATABASE_URL=postgres://dossier:users-own-password@127.0.0.1:9/users_library',
      'SHARD_COUNT=3',
      'SHARD_IDS=2',
      'INDEX_DIR=./nowhere/index',
      'LOG_LEVEL=trace',
      'NODE_ENV=development',
      'INGEST_MAX_BYTES=1024',
      'HEALTH_PORT=1',
      'COOLDOWN_USER_BURST=1',
      'COOLDOWN_USER_PER_MINUTE=1',
      // A variable from an older release: start-up refuses it, so a test that read this file would fail at once.
      'COOLDOWN_USER_SECONDS=3',
      '',
    ].join('\n'),
  );
  return root;
}

function vitest(cwd: string, files: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', ...files], { cwd, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    // Colour codes stripped, whatever the terminal.
    child.once('exit', (code) => resolve({ code, output: output.replace(/\x1b\[[0-9;]*m/g, '') }));
  });
}

let root: string | undefined;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('test isolation', () => {
  it('GIVEN a checkout with the user\'s own documents, index and database in data/ and a .env that points everywhere else THEN the affected tests still pass', async () => {
    root = await usersCheckout();
    // The user's files are really there: a test reading data/ would see three documents, a broken one and curated topics.
    const { docs, skipped } = await loadDocuments(path.join(root, 'data'));
    expect(docs.map((d) => d.slug).sort()).toEqual(['grain-corridor-memo', 'putin-sharif-sco', 'q3-report']);
    expect(skipped).toHaveLength(1);
    const { code, output } = await vitest(root, AFFECTED);
    expect(code, output.slice(-4000)).toBe(0);
    expect(output).toMatch(new RegExp(`Test Files\\s+${AFFECTED.length} passed`));
  }, 300_000);
});
