import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { registry } from './metrics.js';

/** One readiness condition; `ok: false` with a reason turns /readyz into 503. */
export interface ReadinessCheck {
  name: string;
  check(): { ok: boolean; detail?: string } | Promise<{ ok: boolean; detail?: string }>;
}

export interface HealthServer {
  url: string;
  /** Other modules (the database, …) add their own readiness conditions. */
  addCheck(check: ReadinessCheck): void;
  close(): Promise<void>;
}

/**
 * /healthz (the process answers), /readyz (every readiness check passes) and
 * /metrics (Prometheus text). Read-only and unauthenticated, which is why it
 * binds to loopback unless HEALTH_HOST says otherwise.
 */
export async function startHealthServer({ port, host = '127.0.0.1', checks = [], logger }: {
  port: number;
  host?: string;
  checks?: ReadinessCheck[];
  logger: Logger;
}): Promise<HealthServer> {
  const all = [...checks];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (path === '/healthz') return send(200, 'ok\n');
    if (path === '/readyz') {
      void readiness(all).then(
        (results) => {
          const ok = results.every((r) => r.ok);
          send(ok ? 200 : 503, JSON.stringify({ ready: ok, checks: results }) + '\n', 'application/json');
        },
        (err) => {
          logger.error({ err }, 'readiness check failed');
          send(503, JSON.stringify({ ready: false }) + '\n', 'application/json');
        },
      );
      return;
    }
    if (path === '/metrics') {
      void registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        (err) => {
          logger.error({ err }, 'metrics collection failed');
          send(500, 'metrics unavailable\n');
        },
      );
      return;
    }
    send(404, 'not found: try /healthz, /readyz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url }, 'health endpoints listening');
  return {
    url,
    addCheck: (check) => void all.push(check),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readiness(checks: readonly ReadinessCheck[]) {
  return Promise.all(
    checks.map(async (c) => {
      try {
        const r = await c.check();
        return { name: c.name, ok: r.ok, ...(r.detail ? { detail: r.detail } : {}) };
      } catch (err) {
        return { name: c.name, ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}
