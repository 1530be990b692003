import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO } from './bot.js';

/**
 * Runs `count` copies of a fixture script (test/fixtures/…) as separate Node
 * processes. Each loads, prints `ready` and waits for a line on stdin; once
 * all are ready they are released together, so their work really overlaps.
 * Resolves with each process's output; rejects if any exits non-zero.
 */
export async function raceProcesses(script: string, args: readonly string[], count: number): Promise<string[]> {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', path.join(REPO, script), ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] }),
  );
  const runs = children.map((child) => {
    let out = '';
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const ready = new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => (out += c.toString()).includes('ready\n') && resolve()));
    const done = new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited with ${code}: ${out}`))));
    });
    // A child that dies before it is ready must fail the race, not hang it.
    return { ready: Promise.race([ready, done.then(() => undefined)]), done };
  });
  await Promise.all(runs.map((r) => r.ready));
  for (const child of children) child.stdin.end('go\n');
  return Promise.all(runs.map((r) => r.done));
}
