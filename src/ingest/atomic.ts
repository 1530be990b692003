import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Temp files start with a dot: the loader and the watcher skip dotfiles, so a
 * half-written one is never read. They carry the writer's pid
 * (`.<name>.<pid>.<random>.tmp`; older ones have no pid), so a process
 * cleaning up never deletes another live process's write in flight.
 */
export const TEMP_PATTERN = /^\..+?(?:\.(\d+))?\.\w{12}\.tmp$/;
/** A slug being claimed: `.<slug>.claim`, holding the claimant's pid (see claimName). */
export const CLAIM_PATTERN = /^\..+\.claim$/;
/** Left-overs younger than this are never removed: a write takes milliseconds, so older ones are a crash's. */
const STALE_AFTER_MS = 60_000;

function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Whether a process with this pid is running (EPERM: it is, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Another running process's file: never touched. A process that is gone: a
 * crash's. Ours, or one without a pid (written by an older version, which may
 * still be running): a crash's once old enough, since a write takes milliseconds.
 */
async function isStale(file: string, pid: number | undefined): Promise<boolean> {
  if (pid !== undefined && pid !== process.pid) return !processAlive(pid);
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > STALE_AFTER_MS;
}

async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EACCES'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `content` to `file` so that, whatever happens (crash, kill, power
 * loss after the call returns), the file holds either its old content or the
 * whole new content: a temp file in the same directory, fsync, rename over
 * the target, fsync the directory so the rename itself is durable.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = tempName(file);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
  await fsyncDir(dir);
}

/** Deletes `file` durably; a file that is already gone is not an error. */
export async function removeFileDurably(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return;
  }
  await fsyncDir(path.dirname(file));
}

/**
 * Removes temp files and slug claims a crash left behind (they were never
 * acknowledged); those of another running process (the bot, while the CLI
 * starts) are left alone.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  await Promise.all(
    names.map(async (n) => {
      const file = path.join(dir, n);
      let pid: number | undefined;
      const temp = TEMP_PATTERN.exec(n);
      if (temp) pid = temp[1] === undefined ? undefined : Number(temp[1]);
      else if (CLAIM_PATTERN.test(n)) pid = Number((await readFile(file, 'utf8').catch(() => '')).trim()) || undefined;
      else return;
      if (!(await isStale(file, pid))) return;
      await unlink(file).then(() => removed++, () => {});
    }),
  );
  return removed;
}

/**
 * Claims `name` in `dir` for this process, atomically (create-exclusive):
 * true when the claim is ours, false when another writer (in this process or
 * another) holds it. A claim left by a dead process is taken over once stale.
 */
async function tryClaim(claim: string): Promise<boolean> {
  try {
    const handle = await open(claim, 'wx', 0o644);
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const pid = Number((await readFile(claim, 'utf8').catch(() => '')).trim()) || undefined;
  if (!(await isStale(claim, pid))) return false;
  await unlink(claim).catch(() => {});
  return tryClaim(claim);
}

/**
 * Runs `work` while holding the claim on `name` (a slug) in `dir`, so no
 * other writer on the same folder (the bot and `dossier ingest`, say) can
 * pick the same name meanwhile. Undefined when someone else holds it.
 */
export async function withClaim<T>(dir: string, name: string, work: () => Promise<T>): Promise<{ value: T } | undefined> {
  const claim = path.join(dir, `.${name}.claim`);
  if (!(await tryClaim(claim))) return undefined;
  try {
    return { value: await work() };
  } finally {
    await unlink(claim).catch(() => {});
  }
}
