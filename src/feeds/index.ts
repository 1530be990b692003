import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import type { IngestSettings } from '../ingest/service.js';
import type { Logger } from '../log.js';
import type { Libraries } from '../tenancy/libraries.js';
import { FeedService } from './service.js';
import { FeedStore } from './store.js';

export { FeedPoller } from './poller.js';
export { FeedService } from './service.js';

/** The feeds of every server, filling each server's own library (and the shared one, for the operator's feeds). */
export function createFeedService(o: {
  database: Database;
  libraries: Libraries;
  settings: IngestSettings;
  feeds: Config['feeds'];
  logger?: Logger;
  owns?: (guildId: string | null) => boolean;
  /** False for the local console, which runs no poller. */
  polls?: boolean;
  now?: () => number;
}): FeedService {
  const { libraries } = o;
  return new FeedService({
    store: new FeedStore(o.database),
    ingestFor: async (guildId) => (guildId === null ? libraries.shared.ingest : (await libraries.server(guildId)).ingest),
    fetch: o.settings,
    settings: { pollMinutes: o.feeds.pollMinutes, perServer: o.feeds.perServer },
    itemRetention: { ms: o.feeds.itemRetentionDays * 86_400_000, perFeed: o.feeds.itemsKept },
    logger: o.logger,
    owns: o.owns,
    polls: o.polls,
    now: o.now,
  });
}
