import type { Logger } from '../log.js';

/** Anything that must be released before exit: the database, the health server, the gateway. */
export interface Closeable {
  name: string;
  close(): void | Promise<void>;
}

/**
 * Tracks the work that must finish before the process may exit, and refuses
 * new work once shutdown has begun. The interaction boundary wraps every
 * interaction in `run`; other modules (the database, schedulers) register
 * themselves with `onClose`.
 */
export class Lifecycle {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly closeables: Closeable[] = [];
  private stopping = false;
  private stopped?: Promise<{ drained: boolean }>;

  get accepting(): boolean {
    return !this.stopping;
  }

  get active(): number {
    return this.inFlight.size;
  }

  /** Runs `work` as in-flight work; shutdown waits for it. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const p = work();
    this.inFlight.add(p);
    const done = () => this.inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  /** Closed in reverse order of registration, so later layers close before what they depend on. */
  onClose(closeable: Closeable): void {
    this.closeables.push(closeable);
  }

  /**
   * Stops taking work, waits up to `graceMs` for what is in flight, then closes
   * everything registered. Never throws: a failing close is logged and the
   * rest still close.
   */
  shutdown(logger: Logger, graceMs: number): Promise<{ drained: boolean }> {
    // A second caller (a test teardown, a second signal path) waits for the same shutdown.
    this.stopped ??= this.drainAndClose(logger, graceMs);
    return this.stopped;
  }

  private async drainAndClose(logger: Logger, graceMs: number): Promise<{ drained: boolean }> {
    this.stopping = true;
    const pending = [...this.inFlight];
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled(pending).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!drained) logger.warn({ abandoned: this.inFlight.size }, 'shutdown grace period over; some interactions did not finish');
    for (const c of [...this.closeables].reverse()) {
      try {
        await c.close();
      } catch (err) {
        logger.error({ err, closeable: c.name }, 'close failed during shutdown');
      }
    }
    return { drained };
  }
}
