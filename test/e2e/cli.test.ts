import { execFile } from 'node:child_process';
import { access, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, REPO, tempDataDir } from '../helpers/bot.js';

const run = promisify(execFile);
let dataDir: string;

/** `npx dossier …` as a user runs it: exit code, stdout and stderr. */
async function dossier(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(REPO, 'bin/dossier.js'), ...args], { cwd: REPO, env: isolatedEnv({ DATA_DIR: dataDir }) });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  dataDir = await tempDataDir();
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the CLI', () => {
  it('GIVEN a server’s document THEN `forget` says what would go, removes it only with --yes and only from its own server, and refuses a shared one', async () => {
    const A = '111111111111111111';
    const B = '222222222222222222';
    const note = path.join(dataDir, '..', `${path.basename(dataDir)}-zinc.txt`);
    await writeFile(note, 'Zinc desk\n\nZinc smelters in Karachi ran hot all week.\n');
    try {
      expect((await dossier('ingest', note, '--guild', A)).code).toBe(0);
      const file = path.join(dataDir, 'guilds', A, 'zinc-desk.txt');
      const other = await dossier('forget', 'zinc-desk', '--guild', B, '--yes');
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('No document is called `zinc-desk`');
      const asked = await dossier('forget', 'zinc-desk', '--guild', A);
      expect(asked.code).toBe(2);
      expect(asked.stderr).toContain('Run again with --yes');
      await access(file);
      const shared = await dossier('forget', 'putin-sharif-sco', '--guild', A, '--yes');
      expect(shared.code).toBe(1);
      expect(shared.stderr).toContain('shared library');
      const removed = await dossier('forget', 'zinc-desk', '--guild', A, '--yes', '--json');
      expect(removed.code).toBe(0);
      expect(JSON.parse(removed.stdout)).toEqual({ removed: 'zinc-desk', title: 'Zinc desk', path: `guilds/${A}/zinc-desk.txt` });
      await expect(access(file)).rejects.toThrow();
      expect((await dossier('search', 'zinc smelters', '--guild', A)).stdout).not.toContain('zinc-desk');
    } finally {
      await rm(note, { force: true });
    }
  }, 120_000);

  it('GIVEN the limits a command declares to Discord THEN the CLI holds to the same ones, naming the limit, with and without --json', async () => {
    const long = 'wheat '.repeat(40);
    for (const json of [[], ['--json']]) {
      const tooLong = await dossier('search', long, ...json);
      expect(tooLong.code).toBe(1);
      expect(tooLong.stderr.trim()).toBe(`The \`query\` option is too long (${long.trim().length} characters; at most 200).`);
      const tooMany = await dossier('search', 'wheat', '--limit', '11', ...json);
      expect(tooMany.stderr.trim()).toBe('The `limit` option must be between 1 and 10.');
      expect((await dossier('quote', 'putin-sharif-sco#p3.s2', '--context', '4', ...json)).stderr.trim()).toBe('The `context` option must be between 0 and 3.');
    }
    // The default is the bot's too: three passages.
    const { stdout } = await dossier('search', 'Russia Pakistan energy trade', '--json');
    expect(JSON.parse(stdout).results).toHaveLength(3);
  }, 120_000);

  it('GIVEN an error outside Discord THEN the message does not speak of Discord, and the exit code is non-zero', async () => {
    const res = await dossier('quote', 'putin-sharif-sco#p99');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('putin-sharif-sco');
    expect(res.stderr).not.toMatch(/Discord|only you/);
    expect(res.stdout).toBe('');
  });

  it('GIVEN a search in text mode THEN it prints the passages and the source link, not buttons to press', async () => {
    const res = await dossier('search', 'wheat exports');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('`putin-sharif-sco#p3.s2`');
    expect(res.stdout).not.toMatch(/\[1\]|press/);
  });
});
