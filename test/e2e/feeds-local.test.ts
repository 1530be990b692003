import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, REPO, tempDataDir } from '../helpers/bot.js';
import { consoleSession, expectInOrder } from '../helpers/console.js';
import { startNewsSite, type Article, type NewsSite } from '../helpers/feeds.js';

/**
 * Feeds outside Discord, as the operator meets them: the local console's
 * /feed add|list|remove and `npx dossier feed … poll --force`, real child
 * processes on one data folder and database, against a loopback news site
 * (private addresses allowed, as an operator testing on their own machine would).
 */

const run = promisify(execFile);
const SERVER = '123456789012345678';
let dataDir: string;
let site: NewsSite;

const ALLOW_PRIVATE = { INGEST_ALLOW_PRIVATE_URLS: 'true' };
const env = () => isolatedEnv({ DATA_DIR: dataDir, ...ALLOW_PRIVATE });

async function dossier(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(REPO, 'bin/dossier.js'), ...args], { cwd: REPO, env: env() });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const article = (id: string, title: string, words: string): Article => ({
  id,
  title,
  published: '2026-11-29T08:00:00Z',
  paragraphs: [
    `${title}: the ${words} were debated at length in the provincial chamber this week.`,
    `Ministers said the ${words} would be reviewed before the spring session, after the treasury reports.`,
    `Merchants along the river said the ${words} mattered more to them than any other measure this year.`,
  ],
});

beforeAll(async () => {
  dataDir = await tempDataDir();
  site = await startNewsSite('127.0.0.1');
  site.publish(article('j1', 'Juniper tariffs in Balkh', 'juniper tariffs'));
});

afterAll(async () => {
  await site.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('feeds from the console and the CLI', () => {
  it('GIVEN the console THEN /feed add, list and remove work as in Discord (the shared library’s feeds without --guild), and `feed poll --force` checks now', async () => {
    const first = await consoleSession(dataDir, ['/feed list', `/feed add url:${site.base}/rss.xml backfill:1 tags:balkh`, '/feed list', '/search juniper tariffs Balkh'], [], ALLOW_PRIVATE);
    expect(first.code, first.stderr).toBe(0);
    expectInOrder(first.stdout, [
      'The shared library follows no feeds yet.',
      '📡 Following **Steppe Desk** (RSS)',
      '📥 Added now: `juniper-tariffs-in-balkh`',
      'New articles are added when the running bot checks it (every 30 minutes) or at `npx dossier feed poll`',
      '📡 1 feed followed for the shared library (at most 25)',
      '**Steppe Desk** `#1` — 1 article added',
      '`juniper-tariffs-in-balkh#p',
    ]);

    // A new article: not due yet, so a plain poll checks nothing; --force checks every feed now.
    site.publish(article('j2', 'Walnut quotas in Kunduz', 'walnut quotas'));
    const notDue = await dossier('feed', 'poll');
    expect(notDue.stdout.trim()).toBe('No feed is due for a check (`--force` checks every feed now).');
    const forced = await dossier('feed', 'poll', '--force', '--json');
    expect(forced.code, forced.stderr).toBe(0);
    const [report] = JSON.parse(forced.stdout).checked;
    expect(report).toMatchObject({ title: 'Steppe Desk', outcome: 'checked', newItems: 1 });
    expect(report.items).toEqual([expect.objectContaining({ status: 'added', slug: 'walnut-quotas-in-kunduz' })]);

    // Another server's view has no feeds; the shared library's feed is removed from the console by its number.
    const second = await consoleSession(dataDir, ['/search walnut quotas Kunduz', '/feed remove feed:#1', '/feed list', `/guild ${SERVER}`, '/feed list'], [], ALLOW_PRIVATE);
    expect(second.code, second.stderr).toBe(0);
    expectInOrder(second.stdout, [
      '`walnut-quotas-in-kunduz#p',
      '🗑️ Stopped following **Steppe Desk**',
      'The 2 articles it added stay in the library',
      'The shared library follows no feeds yet.',
      `Answering as server ${SERVER} sees the library`,
      'This server follows no feeds yet.',
    ]);
    expect(JSON.parse((await dossier('feed', 'list', '--json')).stdout)).toEqual({ feeds: [] });
  }, 180_000);
});
