import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { isolatedEnv, REPO } from './bot.js';

/** `npm start` without a token, lines piped in: exactly what a newcomer's first session runs. */
export function consoleSession(dataDir: string, lines: string[], args: string[] = [], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/main.ts'), ...args], {
      cwd: REPO,
      env: isolatedEnv({ DATA_DIR: dataDir, ...env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ stdout, stderr, code }));
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}

/** Asserts each expected piece appears, in this order, in the console's output. */
export function expectInOrder(stdout: string, pieces: (string | RegExp)[]): void {
  let from = 0;
  for (const piece of pieces) {
    const rest = stdout.slice(from);
    const m = typeof piece === 'string' ? { index: rest.indexOf(piece), length: piece.length } : (() => {
      const found = piece.exec(rest);
      return { index: found ? found.index : -1, length: found ? found[0].length : 0 };
    })();
    expect(m.index, `${String(piece)} after offset ${from} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
    from += m.index + m.length;
  }
}
