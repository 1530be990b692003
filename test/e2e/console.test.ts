import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/bot.js';
import { consoleSession, expectInOrder } from '../helpers/console.js';

const SERVER = '123456789012345678';
const CHANNEL = '234567890123456789';
let dataDir: string;
let memo: string;

beforeAll(async () => {
  dataDir = await tempDataDir();
  memo = path.join(dataDir, '..', `grain-memo-${path.basename(dataDir)}.txt`);
  await writeFile(memo, 'Grain corridor memo\n\nThe Black Sea grain corridor carried lentils northward through the winter.\nInsurers priced the route weekly.\n');
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await rm(memo, { force: true });
});

describe('the local console', () => {
  it('GIVEN an answer with buttons THEN they are listed numbered, and `N` or `/press N` presses one', async () => {
    const { stdout, code } = await consoleSession(dataDir, ['/search wheat exports', '1', '/search wheat exports', '/press 7', '/press 1', '/help', '2']);
    expect(code).toBe(0);
    expectInOrder(stdout, [
      '🔎 2 passages for “wheat exports”',
      '[1] Show paragraph',
      '(press a button with its number: 1, or /press N)',
      // "Show paragraph" answers with the whole paragraph, as the button does in Discord.
      /His suggestion to “further move”[^\n]*\n.*`putin-sharif-sco#p3`/,
      '🔎 2 passages for “wheat exports”',
      'Press a button from 1 to 1.',
      '`putin-sharif-sco#p3`',
      '**Dossier** answers',
      'There are no buttons to press: the last answer had none.',
    ]);
    expect(stdout).not.toContain('Unknown command');
  });

  it('GIVEN /ingest file:PATH and /forget THEN the document is written to DATA_DIR, searchable, and removed after the confirmation button', async () => {
    const { stdout, code } = await consoleSession(dataDir, [`/ingest file:${memo} title:Grain corridor memo`, '/search lentils northward', '/forget document:grain-corridor-memo', '1', '/search lentils northward', '/ingest file:/no/such/file.txt']);
    expect(code).toBe(0);
    expectInOrder(stdout, [
      '📥 Added **Grain corridor memo** as `grain-corridor-memo`',
      '`grain-corridor-memo#p1`',
      'Remove **Grain corridor memo** `grain-corridor-memo` from the library?',
      '[1] Remove it',
      '🗑️ Removed **Grain corridor memo**',
      'No passage matches “lentils northward”',
      'There is no file at `/no/such/file.txt`.',
    ]);
    expect(existsSync(path.join(dataDir, 'ingested', 'grain-corridor-memo.txt'))).toBe(false);
  });

  it('GIVEN /digest set, show, now and off with --guild THEN they work against the database, and now prints the whole brief', async () => {
    const { stdout, stderr, code } = await consoleSession(
      dataDir,
      ['/digest show', `/digest set channel:${CHANNEL} time:08:00 timezone:Europe/London`, '/digest show', '/digest now', '/digest off'],
      ['--guild', SERVER],
    );
    expect(code, stderr).toBe(0);
    expectInOrder(stdout, [
      'No daily brief is set for this server.',
      `✅ Saved. 🗞️ Daily brief: every day at **08:00** (Europe/London) in <#${CHANNEL}>`,
      `every day at **08:00** (Europe/London) in <#${CHANNEL}>`,
      `── posted in channel ${CHANNEL} ──`,
      '🗞️ **Daily brief**',
      `Posted the brief in <#${CHANNEL}>`,
      'The daily brief is off.',
    ]);
    // A second console on the same database sees what the first one left.
    const later = await consoleSession(dataDir, ['/digest show'], ['--guild', SERVER]);
    expect(later.stdout).toContain('The daily brief is **off**');
   }, 120_000);

  it('GIVEN no --guild THEN the brief is kept for a local "console" server, and /digest now without a schedule prints every part', async () => {
    const { stdout, code } = await consoleSession(dataDir, ['/digest show', '/digest now']);
    expect(code).toBe(0);
    expectInOrder(stdout, ['No daily brief is set for this server.', '🗞️ **Daily brief**', /`putin-sharif-sco#p\d\.s\d`/]);
    expect(stdout).not.toContain('left out');
  });

  it('GIVEN a file over INGEST_MAX_BYTES in the data folder THEN every start names it once, its size and the limit, from a fresh build and from the saved index alike', async () => {
    const own = await tempDataDir({ 'annex.txt': `Annex\n\n${'The convoy moved on. '.repeat(300)}\n` });
    try {
      for (let start = 0; start < 2; start++) {
        const { stderr, stdout } = await consoleSession(own, ['/sources'], [], { INGEST_MAX_BYTES: '4096' });
        expect(stderr).toContain('document skipped: annex.txt is 6.2 KB, over the 4.0 KB limit (INGEST_MAX_BYTES)');
        // Once: the cold build's own list of skipped files leaves this one to the start-up report.
        expect(stderr.match(/document skipped/g), stderr).toHaveLength(1);
        expect(stdout).not.toContain('annex');
      }
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  }, 120_000);
});
