/**
 * Hands out turns on the event loop, one per loop iteration. Searches and
 * summaries are synchronous CPU work; without turns, a burst of them runs
 * back to back and no timer (the auto-defer) or socket write (an ack) gets
 * through until the whole burst is done, so Discord's 3-second deadline
 * passes for the last ones. With turns, timers and I/O run between every two
 * jobs. Urgent callers (autocomplete, which cannot defer) go first.
 */
export class Turns {
  private readonly urgent: (() => void)[] = [];
  private readonly normal: (() => void)[] = [];
  private scheduled = false;

  /** Resolves when it is the caller's turn: run the synchronous work right after. */
  wait(urgent = false): Promise<void> {
    return new Promise((resolve) => {
      (urgent ? this.urgent : this.normal).push(resolve);
      this.schedule();
    });
  }

  get waiting(): number {
    return this.urgent.length + this.normal.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // An immediate queued from inside an immediate runs on the next loop iteration, after timers and I/O.
    setImmediate(() => {
      this.scheduled = false;
      const next = this.urgent.shift() ?? this.normal.shift();
      if (this.waiting) this.schedule();
      next?.();
    });
  }
}
