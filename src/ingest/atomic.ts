import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Temp files start with a dot: the loader and the watcher skip dotfiles, so a half-written one is never read. */
export const TEMP_PATTERN = /^\..+\.\w{12}\.tmp$/;

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
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
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

/** Removes temp files a crash left behind (they were never acknowledged). */
export async function removeStaleTemps(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const stale = names.filter((n) => TEMP_PATTERN.test(n));
  await Promise.all(stale.map((n) => unlink(path.join(dir, n)).catch(() => {})));
  return stale.length;
}
