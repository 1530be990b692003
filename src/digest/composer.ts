import { UserError } from '../errors.js';
import { TOPICS_PENDING, type Library } from '../library.js';
import { addedAt, arrivedAt, buildBrief, documentKey, keyString, quotesOf, type Brief } from './brief.js';
import { localDate } from './schedule.js';
import { NO_GUILD, type DigestStore } from './store.js';

const DAY = 86_400_000;
/**
 * "New" never reaches further back than this: a brief after weeks without one
 * (turned off, a channel the bot could not post to) reports the last week, not
 * the whole library. `--since` is the operator's explicit look-back and is not capped.
 */
export const MAX_LOOK_BACK_MS = 7 * DAY;

/** A server's view of the library (shared + its own documents); null = no server (CLI, console). */
export type LibraryFor = (guildId: string | null) => Promise<Library>;

export interface ComposeOptions {
  timezone?: string;
  topics?: readonly string[];
  /**
   * A look-back (`dossier digest --since`): "new" means since this instant rather
   * than since the previous brief, and earlier briefs' reports do not apply.
   */
  since?: number;
}

/**
 * Composes a server's brief from its library and its brief history, and records
 * what each brief said, so the next one says only what is new. Shared by the
 * scheduler, `/digest now` and the CLI; posting is someone else's job.
 */
export class BriefComposer {
  private readonly noticed = new WeakSet<Library>();
  /** Documents (`owner:hash`) this process has recorded: a new snapshot writes only what it adds. */
  private readonly recorded = new Set<string>();

  constructor(
    private readonly store: DigestStore,
    readonly libraryFor: LibraryFor,
    private readonly now: () => number,
  ) {}

  /**
   * Records when documents were first seen. Once per library snapshot, so a
   * reload (new files in DATA_DIR) is noticed without rewriting every tick.
   */
  async noticeDocuments(library: Library): Promise<void> {
    if (this.noticed.has(library)) return;
    // Marked first, so a second caller during the write does not write it again; unmarked if the write fails.
    this.noticed.add(library);
    const unseen = library.docs.map((d) => ({ ...documentKey(d), addedAt: addedAt(d) })).filter((k) => !this.recorded.has(keyString(k)));
    if (unseen.length === 0) return;
    await this.store.recordSeen(unseen, this.now()).catch((err: unknown) => {
      this.noticed.delete(library);
      throw err;
    });
    for (const k of unseen) this.recorded.add(keyString(k));
  }

  /** The brief as it would be now, recording nothing. */
  async compose(guildId: string | null, o: ComposeOptions = {}, now = this.now()): Promise<Brief> {
    const library = await this.libraryFor(guildId);
    if (library.topicsPending) throw new UserError(TOPICS_PENDING);
    await this.noticeDocuments(library);
    const history = guildId ?? NO_GUILD;
    const timezone = o.timezone ?? 'UTC';
    const lookBack = o.since !== undefined;
    const [previousBrief, quoted] = await Promise.all([
      lookBack ? undefined : this.store.previousBrief(history),
      lookBack ? undefined : this.store.quoted(history),
    ]);
    const previous = lookBack ? o.since : previousBrief?.composedAt;
    const since = lookBack ? o.since! : Math.max(now - MAX_LOOK_BACK_MS, previous ?? (await this.firstWindow(history, now)));
    // Said in the brief when the window starts elsewhere than at the previous brief or 24 hours ago.
    const from = !lookBack && since !== previous && since < now - DAY ? localDate(since, timezone) : undefined;
    const firstSeen = await this.store.firstSeenAfter([...new Set(library.docs.map((d) => d.guild ?? ''))], since);
    // Only documents that arrived since can be news; of those, leave out what an earlier brief reported.
    const arrived = library.docs.filter((d) => (arrivedAt(d, firstSeen) ?? -Infinity) > since).map(documentKey);
    const reported = lookBack ? undefined : await this.store.reported(history, arrived);
    return buildBrief({
      library,
      date: localDate(now, timezone),
      timezone,
      since,
      previous: previous === undefined ? undefined : localDate(previous, timezone),
      from,
      firstSeen,
      reported,
      quoted,
      topics: o.topics,
    });
  }

  /**
   * Where "new" starts for a server none of whose briefs reached anyone: the
   * last 24 hours; or, if earlier briefs never reached the channel (a scheduled
   * one failed or the bot was down that day, a `/digest now` could not post),
   * the 24 hours before the first of them, so what they would have said is not
   * lost; or the set-up (`/digest set`), when that is earlier still: a server
   * that set the brief up days ago and never got one (turned off and on again,
   * a cold start) hears of everything since. The caller caps it at a week.
   */
  private async firstWindow(history: string, now: number): Promise<number> {
    if (history === NO_GUILD) return now - DAY;
    const [failed, undelivered, settings] = await Promise.all([this.store.firstUnposted(history), this.store.firstUndelivered(history), this.store.settings(history)]);
    return Math.min(Math.min(now, failed ?? now, undelivered ?? now) - DAY, settings?.configuredAt ?? now);
  }

  /**
   * The brief recorded under `key` for this server, composing and recording it
   * first if there is none: a post resumed after a crash is the same post. With
   * `skipQuiet`, a brief with nothing new is neither recorded nor returned.
   */
  async prepare(
    guildId: string | null,
    key: string,
    o: ComposeOptions & { skipQuiet?: boolean; posted?: boolean } = {},
  ): Promise<{ id: number; brief: Brief } | undefined> {
    const history = guildId ?? NO_GUILD;
    const stored = await this.store.storedBrief(history, key);
    if (stored) return { id: stored.id, brief: JSON.parse(stored.brief) as Brief };
    const now = this.now();
    const brief = await this.compose(guildId, { timezone: o.timezone, topics: o.topics }, now);
    if (brief.quiet && o.skipQuiet) return undefined;
    // Another process may have recorded this key meanwhile: then theirs is the brief.
    const row = await this.store.recordBrief({
      guildId: history,
      key,
      composedAt: now,
      brief: JSON.stringify(brief),
      quotes: quotesOf(brief),
      documents: brief.newDocuments.map((d) => d.key),
      posted: o.posted,
    });
    return { id: row.id, brief: JSON.parse(row.brief) as Brief };
  }
}
