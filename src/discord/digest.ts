import type { Client } from 'discord.js';
import type { Database } from '../db/index.js';
import { DEFAULT_TICK_MS, startScheduler, type Scheduler, type SchedulerOptions } from '../digest/scheduler.js';
import { DigestService } from '../digest/service.js';
import { DigestStore } from '../digest/store.js';
import type { LibraryFor } from '../digest/composer.js';
import type { Logger } from '../log.js';
import { DiscordBriefSender } from './brief-sender.js';

export interface DigestOptions {
  db: Database;
  /** The client, or a getter for one that logs in later. */
  client: Client | (() => Client | undefined);
  /** A server's view of the library (shared + its own documents); null = no server. */
  libraryFor: LibraryFor;
  logger: Logger;
  now?: () => number;
  tickMs?: number;
  onOutcome?: SchedulerOptions['onOutcome'];
  owns?: SchedulerOptions['owns'];
}

/**
 * The daily brief on a logged-in client: the service `/digest` uses and the loop
 * that posts on schedule. The caller stops the scheduler before closing the database.
 */
export function startDigest(o: DigestOptions): { service: DigestService; scheduler: Scheduler } {
  const logger = o.logger.child({ component: 'digest' });
  const service = new DigestService({ store: new DigestStore(o.db), sender: new DiscordBriefSender(o.client), libraryFor: o.libraryFor, logger, now: o.now });
  const scheduler = startScheduler(service, logger, { tickMs: o.tickMs ?? DEFAULT_TICK_MS, onOutcome: o.onOutcome, owns: o.owns });
  return { service, scheduler };
}
