import type { Logger } from '../log.js';
import type { FeedService } from './service.js';

/** How often the poller looks for due feeds; each feed's own schedule decides whether it is checked. */
const TICK_MS = 60_000;
/** Feeds fetched at the same time, so a server's twenty-five feeds never land on the network (or the CPU) at once. */
export const FEED_CONCURRENCY = 3;

/**
 * The long-running side of feeds: every minute, the feeds that are due are
 * checked, a few at a time. Stopped with the process (the lifecycle closes
 * it): no check starts after `stop`, and the one in progress is waited for.
 */
export class FeedPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly feeds: FeedService,
    private readonly logger?: Logger,
    private readonly tickMs = TICK_MS,
  ) {}

  private stopped = false;

  async start(): Promise<void> {
    // Stopped before it started (a shutdown while the gateway was still connecting): it never starts.
    if (this.stopped) return;
    await this.feeds.spreadOverdue();
    if (this.stopped) return;
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    void this.tick();
  }

  /** One pass over the due feeds, unless the previous one is still going. */
  tick(): Promise<unknown> {
    this.running ??= this.feeds
      .pollDue({ concurrency: FEED_CONCURRENCY })
      .catch((err: unknown) => this.logger?.error({ err }, 'feed poll failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.feeds.stop();
    await this.running;
  }
}
