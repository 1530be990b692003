import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEMP_PATTERN, removeStaleTemps, writeFileAtomic } from '../../src/ingest/atomic.js';
import { sha256 } from '../../src/ingest/service.js';
import { loadDocuments } from '../../src/documents/load.js';
import { Library } from '../../src/library.js';
import { REPO } from '../helpers/bot.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('GIVEN any sequence of contents THEN the file holds the last one and no temp file is left', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 2000 }), { minLength: 1, maxLength: 5 }), async (contents) => {
        const file = path.join(dir, 'doc.txt');
        for (const c of contents) await writeFileAtomic(file, c);
        expect(await readFile(file, 'utf8')).toBe(contents.at(-1));
        expect(await readdir(dir)).toEqual(['doc.txt']);
      }),
      { numRuns: 40 },
    );
  });

  it('GIVEN concurrent writers to one file THEN the result is exactly one of the contents, never a mix', async () => {
    const file = path.join(dir, 'doc.txt');
    const contents = Array.from({ length: 8 }, (_, i) => String(i).repeat(50_000 + i));
    await Promise.all(contents.map((c) => writeFileAtomic(file, c)));
    expect(contents).toContain(await readFile(file, 'utf8'));
  });

  it('GIVEN temp files left by a crash THEN they are dotfiles the loader skips, and start-up removes them', async () => {
    await writeFile(path.join(dir, '.half.txt.0123456789ab.tmp'), 'half a docu');
    // Left by a crash a while ago (a fresh one may be another process's write in flight: see two-writers.test.ts).
    const past = new Date(Date.now() - 10 * 60_000);
    await utimes(path.join(dir, '.half.txt.0123456789ab.tmp'), past, past);
    await writeFile(path.join(dir, 'kept.txt'), 'Kept\n\nA whole document.\n');
    expect(TEMP_PATTERN.test('.half.txt.0123456789ab.tmp')).toBe(true);
    expect((await Library.load(dir)).docs.map((d) => d.slug)).toEqual(['kept']);
    expect(await removeStaleTemps(dir)).toBe(1);
    expect(await readdir(dir)).toEqual(['kept.txt']);
  });
});

describe('a crash mid-write', () => {
  const PARAGRAPHS = 4_000; // ~300 KB per document: long enough that a kill lands inside a write

  /** Runs the writer child, kills it after `delayMs` of writing, returns the acknowledged document numbers. */
  function runAndKill(dataDir: string, delayMs: number): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/fixtures/ingest-writer.ts'), dataDir, String(PARAGRAPHS)], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const acked: number[] = [];
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const lines = out.split('\n');
        out = lines.pop()!;
        for (const line of lines) {
          if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), delayMs);
          const m = /^ack (\d+)$/.exec(line);
          if (m) acked.push(Number(m[1]));
        }
      });
      child.on('error', reject);
      child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`writer exited without being killed (${signal})`))));
    });
  }

  it('GIVEN the writer is killed at random moments THEN a restart loads every acknowledged document whole and nothing half-written', async () => {
    // Random but reproducible delays, spread over the first writes.
    const delays = fc.sample(fc.integer({ min: 0, max: 60 }), { numRuns: 4, seed: 7 });
    for (const delay of delays) {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'dossier-crash-'));
      try {
        const acked = await runAndKill(dataDir, delay);
        // What a restart reads (the loader behind Library.load), without building the search index.
        const library = await loadDocuments(dataDir);
        expect(library.skipped).toEqual([]);
        const loaded = library.docs.map((d) => Number(d.slug.replace('crash-', ''))).sort((a, b) => a - b);
        // Acknowledged ⊆ loaded; at most the one write in flight may also have landed (renamed but not yet acked).
        for (const n of acked) expect(loaded).toContain(n);
        expect(loaded.length - acked.length).toBeLessThanOrEqual(1);
        for (const doc of library.docs) {
          expect(doc.paragraphs, doc.slug).toHaveLength(PARAGRAPHS);
          const body = `${doc.paragraphs.map((p) => p.text).join('\n')}\n`;
          expect(sha256(body), `${doc.slug} is whole`).toBe(doc.meta.hash);
        }
        await removeStaleTemps(path.join(dataDir, 'ingested'));
        const left = await readdir(path.join(dataDir, 'ingested'));
        expect(left.every((n) => /^crash-\d+\.txt$/.test(n))).toBe(true);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  });
});
