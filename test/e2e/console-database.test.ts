import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, REPO, tempDataDir } from '../helpers/bot.js';
import { freshDatabase } from '../helpers/postgres.js';

/**
 * `npm start` without a token and with DATABASE_URL: a long console session
 * on one machine, while an operator changes the shared library from another
 * machine's folder with `npx dossier`. The console follows the same change
 * sequence the bot does, so it answers with the other machine's changes
 * without being started again.
 */

const run = promisify(execFile);
const folders: string[] = [];
let databaseUrl: string;
let console_: ChildProcessWithoutNullStreams | undefined;

async function folder(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

const env = (dataDir: string) => isolatedEnv({ DATA_DIR: dataDir, INDEX_DIR: path.join(dataDir, '.dossier', 'index'), DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });

/** The console as a newcomer runs it, its input kept open: `ask` sends a line and resolves with the answer printed for it. */
function liveConsole(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/main.ts')], { cwd: REPO, env: env(dataDir), stdio: ['pipe', 'pipe', 'pipe'] });
  console_ = child;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  /** Every reply (and the banner) ends in a blank line; the console answers one line at a time. */
  async function printed(from: number, timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!(stdout.length > from && stdout.endsWith('\n\n'))) {
      if (child.exitCode !== null) throw new Error(`the console exited (${child.exitCode}):\n${stdout}\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms:\n${stdout.slice(from)}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return stdout.slice(from);
  }
  return {
    started: () => printed(0),
    async ask(line: string): Promise<string> {
      const from = stdout.length;
      child.stdin.write(`${line}\n`);
      return printed(from);
    },
    /** Asks until the answer passes `check`: the change is applied eventually, never asserted to be quick. */
    async askUntil(line: string, check: (answer: string) => boolean, timeoutMs = 60_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const answer = await this.ask(line);
        if (check(answer)) return answer;
        if (Date.now() > deadline) throw new Error(`“${line}”: no matching answer within ${timeoutMs} ms; last:\n${answer}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async end(): Promise<{ code: number | null; stderr: string }> {
      child.stdin.end();
      return { code: await exited, stderr };
    },
  };
}

/** `npx dossier …` on another machine: its own (empty) folder, the same DATABASE_URL. */
async function operator(dataDir: string, ...args: string[]): Promise<string> {
  return (await run(process.execPath, [path.join(REPO, 'bin/dossier.js'), ...args], { cwd: REPO, env: env(dataDir) })).stdout;
}

beforeAll(async () => {
  databaseUrl = await freshDatabase();
});

afterAll(async () => {
  console_?.kill('SIGKILL');
  for (const dir of folders) await rm(dir, { recursive: true, force: true });
});

describe('the local console with DATABASE_URL', () => {
  it('GIVEN a console left open THEN an operator’s `dossier ingest --shared` and `dossier forget` on another machine reach its answers', async () => {
    const here = await tempDataDir();
    folders.push(here);
    const session = liveConsole(here);
    expect(await session.started()).toContain('Dossier local console');
    expect(await session.ask('/search Caspian seabed')).not.toContain('pipeline-memo');

    const elsewhere = await folder('dossier-operator-');
    const file = path.join(await folder('dossier-inbox-'), 'pipeline.md');
    await writeFile(file, '# Pipeline memo\n\nThe pipeline under the Caspian seabed carries gas to Azerbaijan.\n');
    expect(await operator(elsewhere, 'ingest', file, '--shared')).toContain('Added Pipeline memo as pipeline-memo');
    expect(await session.askUntil('/search Caspian seabed', (a) => a.includes('pipeline-memo#p1'))).toContain('carries gas to Azerbaijan');

    expect(await operator(elsewhere, 'forget', 'pipeline-memo', '--yes')).toContain('Removed Pipeline memo (pipeline-memo)');
    expect(await session.askUntil('/search Caspian seabed', (a) => !a.includes('pipeline-memo'))).not.toContain('pipeline-memo');
    // The bundled article was never touched by either change.
    expect(await session.ask('/search wheat exports')).toContain('putin-sharif-sco#p3');

    const { code, stderr } = await session.end();
    expect(code, stderr).toBe(0);
  }, 240_000);
});
