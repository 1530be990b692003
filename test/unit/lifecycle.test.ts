import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../src/lifecycle/index.js';
import { installProcessHooks } from '../../src/lifecycle/process.js';

/** A pino logger that keeps its lines, so tests can read what was logged. */
function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Lifecycle', () => {
  it('GIVEN work in flight THEN shutdown stops accepting, waits for it, then closes in reverse order', async () => {
    const { logger } = memoryLogger();
    const lc = new Lifecycle();
    const order: string[] = [];
    lc.onClose({ name: 'db', close: () => void order.push('db') });
    lc.onClose({ name: 'discord', close: async () => void order.push('discord') });
    const gate = deferred();
    const work = lc.run(async () => {
      await gate.promise;
      order.push('work done');
    });
    expect(lc.active).toBe(1);
    const stopping = lc.shutdown(logger, 5_000);
    expect(lc.accepting).toBe(false);
    await Promise.resolve();
    expect(order).toEqual([]);
    gate.resolve();
    await work;
    expect(await stopping).toEqual({ drained: true });
    expect(order).toEqual(['work done', 'discord', 'db']);
    expect(lc.active).toBe(0);
  });

  it('GIVEN work that never ends THEN shutdown gives up after the grace period and still closes everything', async () => {
    const { logger, lines } = memoryLogger();
    const lc = new Lifecycle();
    let closed = false;
    lc.onClose({ name: 'db', close: () => void (closed = true) });
    void lc.run(() => new Promise(() => {}));
    expect(await lc.shutdown(logger, 20)).toEqual({ drained: false });
    expect(closed).toBe(true);
    expect(lines.some((l) => l.abandoned === 1)).toBe(true);
  });

  it('GIVEN a closeable that throws THEN the others still close and the failure is logged by name', async () => {
    const { logger, lines } = memoryLogger();
    const lc = new Lifecycle();
    let closed = false;
    lc.onClose({ name: 'db', close: () => void (closed = true) });
    lc.onClose({ name: 'broken', close: () => Promise.reject(new Error('boom')) });
    await lc.shutdown(logger, 10);
    expect(closed).toBe(true);
    expect(lines.find((l) => l.closeable === 'broken')).toMatchObject({ msg: 'close failed during shutdown' });
  });

  it('GIVEN failing work THEN it leaves the in-flight set and the error reaches the caller', async () => {
    const lc = new Lifecycle();
    await expect(lc.run(() => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
    expect(lc.active).toBe(0);
  });
});

describe('installProcessHooks', () => {
  function setup() {
    const { logger, lines } = memoryLogger();
    const proc = new EventEmitter();
    const lifecycle = new Lifecycle();
    const exits: number[] = [];
    const exited = new Promise<number>((resolve) => {
      installProcessHooks({ lifecycle, logger, graceMs: 5_000, proc: proc as unknown as NodeJS.Process, exit: (code) => (exits.push(code), resolve(code)) });
    });
    return { lines, proc, lifecycle, exits, exited };
  }

  it('GIVEN SIGTERM with an interaction in flight THEN it finishes first and the process exits 0', async () => {
    const { proc, lifecycle, exits, exited } = setup();
    const gate = deferred();
    let finished = false;
    void lifecycle.run(async () => {
      await gate.promise;
      finished = true;
    });
    proc.emit('SIGTERM', 'SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    expect(exits).toEqual([]);
    gate.resolve();
    expect(await exited).toBe(0);
    expect(finished).toBe(true);
  });

  it('GIVEN a second signal during shutdown THEN it exits at once', async () => {
    const { proc, lifecycle, exits, exited } = setup();
    void lifecycle.run(() => new Promise(() => {}));
    proc.emit('SIGTERM', 'SIGTERM');
    proc.emit('SIGINT', 'SIGINT');
    expect(await exited).toBe(1);
    expect(exits).toEqual([1]);
  });

  it('GIVEN an uncaught exception or unhandled rejection THEN it is logged with context and the process keeps running', () => {
    const { proc, lines, exits } = setup();
    proc.emit('uncaughtException', new Error('handler bug'), 'uncaughtException');
    proc.emit('unhandledRejection', new Error('lost promise'), Promise.resolve());
    expect(exits).toEqual([]);
    expect(lines.map((l) => [l.msg, (l.err as { message?: string })?.message])).toEqual([
      ['uncaught exception (kept running)', 'handler bug'],
      ['unhandled promise rejection (kept running)', 'lost promise'],
    ]);
  });
});
