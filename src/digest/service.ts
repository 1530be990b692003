import { UserError } from '../errors.js';
import { TOPICS_PENDING, type Library } from '../library.js';
import type { Logger } from '../log.js';
import { findTopic } from '../topics/find.js';
import { code, escapeMarkdown } from '../replies/markdown.js';
import { renderBrief, todaysBrief, type Brief } from './brief.js';
import { formatTime, isValidTimeZone, nextRun, parseTime, type LocalDate } from './schedule.js';
import { briefNonce, SendFailure, type BriefSender } from './sender.js';
import type { BriefLogEntry, DigestStore, GuildSettings } from './store.js';

export interface DigestDeps {
  store: DigestStore;
  sender: BriefSender;
  getLibrary: () => Library;
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
  private seenFor?: Library;

  constructor(private readonly deps: DigestDeps) {
    this.now = deps.now ?? Date.now;
  }

  get store(): DigestStore {
    return this.deps.store;
  }

  /** Discord is connected and the library's topics are in (a brief is made of them). */
  isReady(): boolean {
    return this.deps.sender.isReady() && !this.deps.getLibrary().topicsPending;
  }

  async set(guildId: string, input: { channelId: string; time: string; timezone: string; topics?: string }, by?: string): Promise<DigestStatus> {
    const minutes = parseTime(input.time);
    if (minutes === undefined) throw new UserError(`${code(input.time.slice(0, 20))} is not a time. Use 24-hour HH:MM, for example \`08:30\`.`);
    const timezone = input.timezone.trim();
    if (!isValidTimeZone(timezone)) {
      throw new UserError(`${code(timezone.slice(0, 64))} is not a time zone. Pick one from the list, for example \`Europe/London\` or \`America/New_York\`.`);
    }
    const topics = input.topics ? this.resolveTopics(input.topics) : undefined;
    await this.deps.store.saveSettings({ guildId, channelId: input.channelId, time: formatTime(minutes), timezone, topics, updatedAt: this.now(), updatedBy: by });
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
  private resolveTopics(list: string): string[] {
    const library = this.deps.getLibrary();
    const names = [...new Set(list.split(',').map((s) => s.trim()).filter(Boolean))];
    const missing = names.filter((n) => !findTopic(library.topics, n));
    if (missing.length) {
      const some = library.topics.slice(0, 5).map((t) => `*${escapeMarkdown(t.name)}*`).join(', ');
      // Echoed input is escaped: a typed `<@&id>` must not render as a role pill.
      throw new UserError(`No topic is called ${missing.map((m) => `“${escapeMarkdown(m.slice(0, 60))}”`).join(', ')}. Try ${some} — \`/topics\` lists them all.`);
    }
    return [...new Set(names.map((n) => findTopic(library.topics, n)!.name))];
  }

  /**
   * Records when documents were first seen. Once per library snapshot, so a
   * reload (new files in DATA_DIR) is noticed without rewriting every tick.
   */
  async noticeDocuments(): Promise<void> {
    const library = this.deps.getLibrary();
    if (this.seenFor === library) return;
    // Marked first, so a second caller during the write does not write it again; unmarked if the write fails.
    this.seenFor = library;
    await this.deps.store.recordSeen(
      library.docs.map((d) => {
        const added = d.meta.addedAt ? Date.parse(d.meta.addedAt) : Number.NaN;
        return { slug: d.slug, addedAt: Number.isNaN(added) ? undefined : added };
      }),
      this.now(),
    ).catch((err: unknown) => {
      if (this.seenFor === library) this.seenFor = undefined;
      throw err;
    });
  }

  /** Today's brief for a guild (or, without settings, for `timezone`). */
  async compose(guildId: string | null, timezone = 'UTC', topics?: readonly string[]): Promise<Brief> {
    if (this.deps.getLibrary().topicsPending) throw new UserError(TOPICS_PENDING);
    await this.noticeDocuments();
    const [since, firstSeen] = await Promise.all([guildId ? this.deps.store.lastSentAt(guildId) : undefined, this.deps.store.firstSeen()]);
    return todaysBrief(this.deps.getLibrary(), { now: this.now(), timezone, since, firstSeen, topics });
  }

  /** Posts the parts; never throws, so one guild's failure cannot stop another's brief. */
  async post(channelId: string, messages: readonly string[], nonces: readonly string[], onPart?: (messageId: string) => void | Promise<void>): Promise<SendOutcome> {
    try {
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
   * caller shows the messages as its reply.
   */
  async postNow(guildId: string | null, key: string): Promise<{ channelId?: string; messages: string[]; outcome?: SendOutcome }> {
    const s = guildId ? await this.deps.store.settings(guildId) : undefined;
    const status = guildId ? await this.status(guildId) : {};
    const brief = await this.compose(guildId, s?.timezone ?? 'UTC', s?.topics);
    const messages = renderBrief(brief, { nextAt: status.next?.at });
    if (!s?.enabled || !guildId) return { messages };
    const nonces = messages.map((_, i) => briefNonce(guildId, `now:${key}`, i));
    return { channelId: s.channelId, messages, outcome: await this.post(s.channelId, messages, nonces) };
  }
}
