import { UserError } from '../errors.js';
import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import { findTopic } from '../topics/find.js';
import { code, escapeMarkdown } from '../replies/markdown.js';
import { renderBrief, type Brief } from './brief.js';
import { BriefComposer, type ComposeOptions, type LibraryFor } from './composer.js';
import { formatTime, isValidTimeZone, nextRun, parseTime, type LocalDate } from './schedule.js';
import { briefNonce, SendFailure, type BriefSender } from './sender.js';
import type { BriefLogEntry, DigestStore, GuildSettings, QuietChoice } from './store.js';

export interface DigestDeps {
  store: DigestStore;
  /** Where briefs are posted; absent in the local console, where `/digest now` answers in place. */
  sender?: BriefSender;
  /** A server's view of the library (shared + its own documents); null = no server. */
  libraryFor: LibraryFor;
  logger: Logger;
  /** Injectable clock: tests move time instead of waiting for it. */
  now?: () => number;
}
export interface DigestStatus {
  settings?: GuildSettings;
  next?: { date: LocalDate; at: number };
  last?: BriefLogEntry;
}

export type SendOutcome = { ok: true; messageIds: string[] } | { ok: false; code?: number; message: string; messageIds: string[] };

/**
 * The daily brief's operations, shared by `/digest` and the scheduler. No
 * discord.js here: posting goes through the BriefSender.
 */
export class DigestService {
  readonly now: () => number;
  readonly composer: BriefComposer;

  constructor(private readonly deps: DigestDeps) {
    this.now = deps.now ?? Date.now;
    this.composer = new BriefComposer(deps.store, deps.libraryFor, this.now);
  }

  get store(): DigestStore {
    return this.deps.store;
  }

  /** Discord is connected: briefs can be posted. */
  isReady(): boolean {
    return this.deps.sender?.isReady() ?? false;
  }

  /**
   * Notes documents newly in the server's library (each tick, so a dropped file's
   * first-seen time is close to when it arrived) and says whether its brief can
   * be composed: a cold start builds the topics after search.
   */
  async checkLibrary(guildId: string | null): Promise<boolean> {
    const library = await this.deps.libraryFor(guildId);
    if (library.topicsPending) return false;
    await this.composer.noticeDocuments(library);
    return true;
  }

  async set(
    guildId: string,
    input: { channelId: string; time: string; timezone: string; topics?: string; quiet?: QuietChoice },
    by?: string,
  ): Promise<DigestStatus> {
    const minutes = parseTime(input.time);
    if (minutes === undefined) throw new UserError(`${code(input.time.slice(0, 20))} is not a time. Use 24-hour HH:MM, for example \`08:30\`.`);
    const timezone = input.timezone.trim();
    if (!isValidTimeZone(timezone)) {
      throw new UserError(`${code(timezone.slice(0, 64))} is not a time zone. Pick one from the list, for example \`Europe/London\` or \`America/New_York\`.`);
    }
    const topics = input.topics ? this.resolveTopics(await this.deps.libraryFor(guildId), input.topics) : undefined;
    // Left out, the quiet choice stays as it was (a new schedule starts with the short note).
    await this.deps.store.saveSettings({ guildId, channelId: input.channelId, time: formatTime(minutes), timezone, topics, quiet: input.quiet, updatedAt: this.now(), updatedBy: by });
    return this.status(guildId);
  }

  off(guildId: string, by?: string): Promise<boolean> {
    return this.deps.store.disable(guildId, this.now(), by);
  }

  async status(guildId: string): Promise<DigestStatus> {
    const [settings, last] = await Promise.all([this.deps.store.settings(guildId), this.deps.store.lastEntry(guildId)]);
    if (!settings?.enabled) return { settings, last };
    return { settings, last, next: nextRun({ time: settings.time, timezone: settings.timezone, since: settings.updatedAt }, this.now()) };
  }

  /** Names as given, resolved to the library's topic names; unknown ones are a polite error. */
  private resolveTopics(library: Library, list: string): string[] {
    const names = [...new Set(list.split(',').map((s) => s.trim()).filter(Boolean))];
    const missing = names.filter((n) => !findTopic(library.topics, n));
    if (missing.length) {
      const some = library.topics.slice(0, 5).map((t) => `*${escapeMarkdown(t.name)}*`).join(', ');
      // Echoed input is escaped: a typed `<@&id>` must not render as a role pill.
      throw new UserError(`No topic is called ${missing.map((m) => `“${escapeMarkdown(m.slice(0, 60))}”`).join(', ')}. Try ${some} — \`/topics\` lists them all.`);
    }
    return [...new Set(names.map((n) => findTopic(library.topics, n)!.name))];
  }

  /** Today's brief for a server (or, without one, the CLI's and console's), recording nothing. */
  compose(guildId: string | null, o: ComposeOptions = {}): Promise<Brief> {
    return this.composer.compose(guildId, o);
  }

  /** Posts the parts; never throws, so one guild's failure cannot stop another's brief. */
  async post(channelId: string, messages: readonly string[], nonces: readonly string[], onPart?: (messageId: string) => void | Promise<void>): Promise<SendOutcome> {
    try {
      if (!this.deps.sender) throw new SendFailure('there is no Discord connection here', undefined, []);
      return { ok: true, messageIds: await this.deps.sender.send(channelId, messages, nonces, onPart) };
    } catch (err) {
      const f = err instanceof SendFailure ? err : new SendFailure(err instanceof Error ? err.message : String(err), undefined, []);
      this.deps.logger.warn({ channelId, code: f.code, err: f.message }, 'brief not posted');
      return { ok: false, code: f.code, message: f.message, messageIds: f.sentIds };
    }
  }

  /**
   * `/digest now`: the brief straight away. With a channel configured it is posted
   * there (and does not count as the day's scheduled brief); without one the
   * caller shows the messages as its reply. Either way it is the previous brief
   * for the next one, and its quotes are spent.
   */
  async postNow(guildId: string | null, key: string): Promise<{ channelId?: string; messages: string[]; outcome?: SendOutcome }> {
    const s = guildId ? await this.deps.store.settings(guildId) : undefined;
    const status = guildId ? await this.status(guildId) : {};
    const toChannel = Boolean(s?.enabled && guildId);
    const prepared = (await this.composer.prepare(guildId, `now:${key}`, { timezone: s?.timezone, topics: s?.topics, posted: !toChannel }))!;
    const messages = renderBrief(prepared.brief, { nextAt: status.next?.at });
    if (!toChannel) return { messages };
    const nonces = messages.map((_, i) => briefNonce(guildId!, `now:${key}`, i));
    const outcome = await this.post(s!.channelId, messages, nonces);
    await this.settle(prepared.id, outcome);
    return { channelId: s!.channelId, messages, outcome };
  }

  /** After a post: a brief anyone saw is spent; one that never reached the channel gives its news back. */
  async settle(briefId: number, outcome: SendOutcome): Promise<void> {
    if (outcome.ok || outcome.messageIds.length > 0) await this.deps.store.markPosted(briefId);
    else await this.deps.store.release(briefId);
  }
}
