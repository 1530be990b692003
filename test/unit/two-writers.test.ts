import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleTemps } from '../../src/ingest/atomic.js';
import { Library } from '../../src/library.js';
import { REPO } from '../helpers/bot.js';

let dir: string;
let dataDir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-writers-'));
  dataDir = path.join(dir, 'data');
  await mkdir(dataDir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

interface Racer {
  child: ChildProcess;
  ready: Promise<void>;
  lines: Promise<string[]>;
}

/** A second process on the same data folder (test/fixtures/ingest-racer.ts). */
function racer(...args: string[]): Racer {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/fixtures/ingest-racer.ts'), dataDir, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.startsWith('ready\n')) onReady();
  });
  const lines = new Promise<string[]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out.split('\n').slice(1).filter(Boolean)) : reject(new Error(`racer exited ${code}: ${out}`))));
  });
  return { child, ready, lines };
}

describe('GIVEN two processes writing the same title into one data folder at once', () => {
  it('THEN each document gets its own slug and file, every answer matches what a restart loads, nothing is replaced', async () => {
    const a = racer('writer', 'a', '6');
    const b = racer('writer', 'b', '6');
    await Promise.all([a.ready, b.ready]);
    a.child.stdin!.write('go\n');
    b.child.stdin!.write('go\n');
    const answers = [...(await a.lines), ...(await b.lines)].map((l) => JSON.parse(l) as { status?: string; slug?: string; hash?: string; error?: string });
    expect(answers.filter((x) => x.error)).toEqual([]);
    expect(answers.every((x) => x.status === 'added')).toBe(true);
    const slugs = answers.map((x) => x.slug!);
    expect(new Set(slugs).size).toBe(12);

    const restarted = await Library.load(dataDir);
    expect(restarted.docs).toHaveLength(12);
    for (const x of answers) expect(restarted.doc(x.slug!)?.meta.hash, x.slug).toBe(x.hash);
    // No temp file or claim is left behind.
    expect((await readdir(path.join(dataDir, 'ingested'))).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 120_000);

  it("THEN one process's start-up clean-up never deletes the other's write in flight", async () => {
    const writer = racer('writer', 'w', '8', '6000');
    const cleaner = racer('cleaner', 'c');
    await Promise.all([writer.ready, cleaner.ready]);
    cleaner.child.stdin!.write('go\n');
    writer.child.stdin!.write('go\n');
    const written = (await writer.lines).map((l) => JSON.parse(l) as { error?: string; status?: string });
    cleaner.child.stdin!.end();
    const runs = (await cleaner.lines).map((l) => JSON.parse(l) as { runs: number })[0]?.runs ?? 0;
    expect(runs).toBeGreaterThan(0);
    expect(written.filter((x) => x.error)).toEqual([]);
    expect(written.filter((x) => x.status === 'added')).toHaveLength(8);
  }, 120_000);
});

describe('GIVEN left-overs in the ingest folder', () => {
  it('THEN only those of a process that is gone, or old enough to be a crash\'s, are removed; a running process\'s are kept', async () => {
    const folder = path.join(dataDir, 'ingested');
    await mkdir(folder);
    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.once('exit', () => resolve(child.pid!));
    });
    const old = new Date(Date.now() - 10 * 60_000);
    const files: Record<string, { pid?: number; age: 'old' | 'new'; removed: boolean; claim?: boolean }> = {
      [`.a.txt.${process.ppid}.0123456789ab.tmp`]: { age: 'old', removed: false },
      [`.b.txt.${dead}.0123456789ab.tmp`]: { age: 'old', removed: true },
      [`.c.txt.${dead}.0123456789ab.tmp`]: { age: 'new', removed: true },
      '.d.txt.0123456789ab.tmp': { age: 'old', removed: true },
      '.e.txt.0123456789ab.tmp': { age: 'new', removed: false },
      '.f.claim': { pid: process.ppid, age: 'old', removed: false, claim: true },
      '.g.claim': { pid: dead, age: 'old', removed: true, claim: true },
    };
    for (const [name, f] of Object.entries(files)) {
      await writeFile(path.join(folder, name), f.claim ? String(f.pid) : 'half a docu');
      if (f.age === 'old') await utimes(path.join(folder, name), old, old);
    }
    expect(await removeStaleTemps(folder)).toBe(4);
    const left = await readdir(folder);
    for (const [name, f] of Object.entries(files)) expect(left.includes(name), name).toBe(!f.removed);
  });
});
