import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.js';
import { startFakeDiscord } from '../fake-discord/server.js';
import { fakeDiscordEnv, FIXTURE_LIBRARY, isolatedEnv, REPO } from '../helpers/bot.js';
import { untilAnswering } from '../helpers/loading.js';

const run = promisify(execFile);
const read = (file: string) => readFile(path.join(REPO, file), 'utf8');

interface Stage {
  from: string;
  name?: string;
  instructions: { op: string; args: string }[];
}

/** Dockerfile → stages of (instruction, arguments), continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const [, op = '', args = ''] = line.match(/^(\S+)\s+(.*)$/) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const [, from = '', name] = args.match(/^(\S+)(?:\s+AS\s+(\S+))?/i) ?? [];
      stages.push({ from, name, instructions: [] });
    } else stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

/** Variables documented in .env.example (KEY= lines). */
async function documentedVariables(): Promise<string[]> {
  return [...(await read('.env.example')).matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
}

/** systemd unit → section → key → values (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = line.match(/^\[(.+)\]$/);
    if (section) sections.set(section[1]!, (current = new Map()));
    else {
      const [key, ...rest] = line.split('=');
      current!.set(key!.trim(), [...(current!.get(key!.trim()) ?? []), rest.join('=').trim()]);
    }
  }
  return sections;
}

describe('Dockerfile', () => {
  it('GIVEN the image THEN it is multi-stage, builds with compilers, installs production dependencies only and runs node directly as a non-root user', async () => {
    const stages = parseDockerfile(await read('Dockerfile'));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const [build, final] = [stages[0]!, stages.at(-1)!];
    const buildRuns = build.instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
    for (const tool of ['python3', 'make', 'g++']) expect(buildRuns).toContain(tool);
    expect(buildRuns).toMatch(/npm ci --omit=dev/);
    expect(final.instructions.some((i) => i.op === 'COPY' && i.args.includes(`--from=${build.name}`))).toBe(true);
    // Final stage: no compilers, a non-root user, node as PID 1 in exec form.
    expect(final.instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n')).not.toMatch(/g\+\+|make|python3/);
    const user = final.instructions.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const cmd = final.instructions.filter((i) => i.op === 'CMD').at(-1)!;
    expect(JSON.parse(cmd.args)).toEqual(['node', '--initial-old-space-size=320', '--import', 'tsx', 'src/main.ts']);
    expect(final.instructions.some((i) => i.op === 'ENTRYPOINT')).toBe(false);
  });

  it('GIVEN the image’s ENV THEN it sets only documented variables, and every variable the config reads is documented in .env.example and the configuration page the README links', async () => {
    const documented = await documentedVariables();
    expect(await read('README.md')).toContain('[docs/configuration.md](docs/configuration.md)');
    const reference = await read('docs/configuration.md');
    for (const name of CONFIG_VARIABLES) {
      expect(documented, `${name} in .env.example`).toContain(name);
      expect(reference, `${name} in the configuration table of docs/configuration.md`).toContain(`| \`${name}\` |`);
    }
    const env = parseDockerfile(await read('Dockerfile')).flatMap((s) => s.instructions.filter((i) => i.op === 'ENV'));
    for (const { args } of env) for (const [, name] of args.matchAll(/([A-Z_][A-Z0-9_]*)=/g)) expect(documented).toContain(name);
  });

  it('GIVEN only the files the image copies and only documented variables THEN its start command connects, answers and stops cleanly on SIGTERM', async () => {
    const stages = parseDockerfile(await read('Dockerfile'));
    const copies = stages[0]!.instructions.filter((i) => i.op === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const image = await mkdtemp(path.join(os.tmpdir(), 'dossier-image-'));
    const fake = await startFakeDiscord({ token: 'fake-bot-token-for-dossier-tests' });
    try {
      // The image ships the repository's data/; the test ships the fixture in its place, never the working folder.
      for (const source of copies) await cp(source.replace(/\/$/, '') === 'data' ? FIXTURE_LIBRARY : path.join(REPO, source), path.join(image, source), { recursive: true });
      // Stands in for `npm ci --omit=dev`: the runtime must not need anything outside dependencies (tsx included).
      await symlink(path.join(REPO, 'node_modules'), path.join(image, 'node_modules'));
      const pkg = JSON.parse(await read('package.json'));
      expect(Object.keys(pkg.dependencies)).toContain('tsx');
      const [node, ...args] = JSON.parse(stages.at(-1)!.instructions.filter((i) => i.op === 'CMD').at(-1)!.args) as string[];
      const child = spawn(node === 'node' ? process.execPath : node!, args, {
        cwd: image,
        env: isolatedEnv({ NODE_ENV: 'production', ...fakeDiscordEnv(fake) }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        await fake.waitForGatewayReady(20_000);
        const { res } = await untilAnswering(fake);
        expect(res.final()?.content).toContain('putin-sharif-sco');
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exit, output).toBe(0);
    } finally {
      await fake.close();
      await rm(image, { recursive: true, force: true });
    }
  });

  it('GIVEN .dockerignore THEN secrets, local databases and node_modules stay out of the build context, and nothing the image copies is excluded', async () => {
    const ignored = (await read('.dockerignore')).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const pattern of ['.env', 'node_modules', '*.db', '.git']) expect(ignored).toContain(pattern);
    const copies = parseDockerfile(await read('Dockerfile'))[0]!.instructions.filter((i) => i.op === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const source of copies) expect(ignored).not.toContain(source);
  });
});

describe('systemd unit', () => {
  it('GIVEN deploy/dossier.service THEN it starts node directly, restarts on failure, stops with SIGTERM in time and is hardened', async () => {
    const unit = parseUnit(await read('deploy/dossier.service'));
    const service = unit.get('Service')!;
    const one = (key: string) => service.get(key)?.at(-1);
    expect(one('ExecStart')).toBe('/usr/bin/node --initial-old-space-size=320 --import tsx src/main.ts');
    expect(one('WorkingDirectory')).toBeDefined();
    expect(one('EnvironmentFile')).toBeDefined();
    expect(one('Restart')).toBe('on-failure');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(Number(one('TimeoutStopSec'))).toBeGreaterThan(10);
    expect(one('NoNewPrivileges')).toBe('true');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ReadWritePaths')).toBe(`${one('WorkingDirectory')}/data`);
    expect(one('User')).not.toBe('root');
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('GIVEN deploy/dossier@.service THEN each instance runs the same command as the single unit, with its own shards (env file) and its own data folder', async () => {
    const single = parseUnit(await read('deploy/dossier.service')).get('Service')!;
    const unit = parseUnit(await read('deploy/dossier@.service'));
    const service = unit.get('Service')!;
    for (const key of ['ExecStart', 'WorkingDirectory', 'User', 'KillSignal', 'KillMode', 'TimeoutStopSec', 'Restart', 'NoNewPrivileges', 'ProtectSystem', 'CapabilityBoundingSet']) {
      expect(service.get(key), key).toEqual(single.get(key));
    }
    expect(service.get('EnvironmentFile')).toEqual([...single.get('EnvironmentFile')!, '/etc/dossier/%i.env']);
    expect(service.get('StateDirectory')).toEqual(['dossier/%i']);
    expect(service.get('Environment')).toContain('DATA_DIR=/var/lib/dossier/%i');
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('GIVEN systemd-analyze on this machine THEN the unit verifies without a warning', async (ctx) => {
    const found = await run('systemd-analyze', ['--version']).catch(() => undefined);
    if (!found) return ctx.skip();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-unit-'));
    try {
      await cp(path.join(REPO, 'deploy/dossier.service'), path.join(dir, 'dossier.service'));
      const { stderr, stdout } = await run('systemd-analyze', ['verify', path.join(dir, 'dossier.service')]);
      expect(stderr + stdout).toBe('');
      // The template, as an instance of it.
      await cp(path.join(REPO, 'deploy/dossier@.service'), path.join(dir, 'dossier@.service'));
      const instance = await run('systemd-analyze', ['verify', path.join(dir, 'dossier@shards-0-1.service')]);
      expect(instance.stderr + instance.stdout).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
