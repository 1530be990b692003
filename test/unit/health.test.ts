import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { databaseWritable } from '../../src/observability/checks.js';
import { startHealthServer, type HealthServer } from '../../src/observability/health.js';
import { recordDigest, recordInteraction, trackServerLibraries } from '../../src/observability/metrics.js';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function serve(checks: Parameters<typeof startHealthServer>[0]['checks'] = []): Promise<HealthServer> {
  const server = await startHealthServer({ port: 0, checks, logger: silentLogger });
  cleanup.push(() => server.close());
  return server;
}

async function tempDb(): Promise<{ db: Database.Database; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dossier-health-'));
  const file = path.join(dir, 'dossier.db');
  const db = new Database(file);
  db.exec('CREATE TABLE t (x)');
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return { db, file };
}

describe('health server', () => {
  it('GIVEN no HEALTH_HOST THEN it listens on loopback only', async () => {
    const server = await serve();
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    expect(await (await fetch(`${server.url}/healthz`)).text()).toBe('ok\n');
  });

  it('GIVEN a failing readiness check THEN /readyz is 503 and names it; once it passes, 200', async () => {
    let ready = false;
    const server = await serve([{ name: 'gateway', check: () => ({ ok: ready, detail: ready ? undefined : 'connecting' }) }]);
    const before = await fetch(`${server.url}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({ ready: false, checks: [{ name: 'gateway', ok: false, detail: 'connecting' }] });
    ready = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('GIVEN a check added later that throws THEN /readyz is 503 with its message', async () => {
    const server = await serve();
    server.addCheck({ name: 'broken', check: () => { throw new Error('disk gone'); } });
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: [{ name: 'broken', ok: false, detail: 'disk gone' }] });
  });

  it('GIVEN recorded interactions and digests THEN /metrics exposes them in Prometheus text format', async () => {
    const server = await serve();
    recordInteraction('quote', 'cooldown', 'command', 0.02);
    recordDigest('posted');
    trackServerLibraries(() => ({ loaded: 7, bytes: 4096 }));
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^dossier_interactions_total\{command="quote",outcome="cooldown"\} [1-9]/m);
    expect(text).toMatch(/^dossier_digest_outcomes_total\{outcome="posted"\} [1-9]/m);
    expect(text).toContain('# TYPE dossier_interaction_duration_seconds histogram');
    expect(text).toContain('dossier_process_resident_memory_bytes');
    expect(text).toMatch(/^dossier_server_libraries_loaded 7$/m);
    expect(text).toMatch(/^dossier_server_libraries_bytes 4096$/m);
  });

  it('GIVEN a writable SQLite file THEN the database check passes; read-only or closed, it fails', async () => {
    const { db, file } = await tempDb();
    expect(await databaseWritable(db).check()).toEqual({ ok: true });
    const readonly = new Database(file, { readonly: true });
    expect(await databaseWritable(readonly).check()).toEqual({ ok: false, detail: 'opened read-only' });
    readonly.close();
    db.close();
    expect(await databaseWritable(db).check()).toEqual({ ok: false, detail: 'closed' });
  });

  it('GIVEN another connection holding the write lock THEN the database check reports it busy rather than hanging', async () => {
    const { db, file } = await tempDb();
    const other = new Database(file, { timeout: 5_000 });
    cleanup.push(() => void other.close(), () => void db.close());
    db.exec('BEGIN IMMEDIATE');
    const server = await serve([databaseWritable(other)]);
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: [{ name: 'database', ok: false, detail: expect.stringMatching(/locked|busy/i) }] });
    db.exec('ROLLBACK');
    expect(other.pragma('busy_timeout', { simple: true })).toBe(5_000);
  });
});
