import type { Selectable } from 'kysely';
import type { Database } from '../db/index.js';
import type { Tables } from '../db/schema.js';
import type { LocalDate } from './schedule.js';

export interface GuildSettings {
  guildId: string;
  channelId: string;
  time: string;
  timezone: string;
  /** Topic names to restrict the brief to; undefined = every topic. */
  topics?: string[];
  /** A day with nothing new: a one-line note (`short`, the default) or no post (`skip`). */
  quiet: QuietChoice;
  enabled: boolean;
  updatedAt: number;
  updatedBy?: string;
  /** The first /digest set (undefined on schedules from before it was recorded). */
  configuredAt?: number;
}

export type QuietChoice = 'short' | 'skip';
export const QUIET_CHOICES: readonly QuietChoice[] = ['short', 'skip'];

/** The CLI and the local console have no server: their briefs are kept under this key. */
export const NO_GUILD = '';

/** brief_log's note for a day that had nothing new under `quiet: skip`. */
export const QUIET_SKIPPED = 'quiet: nothing new, so nothing was posted';

/** A document as the brief history knows it: its owning library ('' = shared) and content hash. */
export interface DocumentKey {
  owner: string;
  hash: string;
  slug: string;
}

export interface StoredBrief {
  id: number;
  composedAt: number;
  /** The composed brief as recorded (JSON), so a resumed post is the same post. */
  brief: string;
  posted: boolean;
}

export type BriefStatus = 'claimed' | 'sent' | 'failed' | 'skipped';

export interface BriefLogEntry {
  guildId: string;
  localDate: LocalDate;
  channelId?: string;
  status: BriefStatus;
  late: boolean;
  attempts: number;
  messageIds: string[];
  errorCode?: number;
  errorMessage?: string;
  scheduledAt?: number;
  claimedAt: number;
  finishedAt?: number;
}

type SettingsRow = Selectable<Tables['guild_settings']>;
type LogRow = Selectable<Tables['brief_log']>;

const settingsOf = (r: SettingsRow): GuildSettings => ({
  guildId: r.guild_id,
  channelId: r.channel_id,
  time: r.time,
  timezone: r.timezone,
  topics: r.topics ? (JSON.parse(r.topics) as string[]) : undefined,
  quiet: r.quiet,
  enabled: r.enabled === 1,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by ?? undefined,
  configuredAt: r.configured_at ?? undefined,
});

const logOf = (r: LogRow): BriefLogEntry => ({
  guildId: r.guild_id,
  localDate: r.local_date,
  channelId: r.channel_id ?? undefined,
  status: r.status,
  late: r.late === 1,
  attempts: r.attempts,
  messageIds: JSON.parse(r.message_ids) as string[],
  errorCode: r.error_code ?? undefined,
  errorMessage: r.error_message ?? undefined,
  scheduledAt: r.scheduled_at ?? undefined,
  claimedAt: r.claimed_at,
  finishedAt: r.finished_at ?? undefined,
});

/**
 * The brief's persistent state, in SQLite or PostgreSQL alike. The UNIQUE
 * (guild, local date) row is the exactly-once guarantee: whoever inserts it
 * owns that day's post, whichever process, machine or restart they are.
 */
export class DigestStore {
  private readonly db: Database['db'];

  constructor(database: Database) {
    this.db = database.db;
  }

  async settings(guildId: string): Promise<GuildSettings | undefined> {
    const row = await this.db.selectFrom('guild_settings').selectAll().where('guild_id', '=', guildId).executeTakeFirst();
    return row && settingsOf(row);
  }

  async enabledSettings(): Promise<GuildSettings[]> {
    return (await this.db.selectFrom('guild_settings').selectAll().where('enabled', '=', 1).orderBy('guild_id').execute()).map(settingsOf);
  }

  /**
   * Saves a schedule; without `quiet`, a new one starts with the short note and
   * an existing one keeps its choice. The first save is the set-up time, kept
   * through later changes, `off` and `set` again.
   */
  async saveSettings(s: Omit<GuildSettings, 'enabled' | 'quiet' | 'configuredAt'> & { quiet?: QuietChoice }): Promise<void> {
    const row = {
      guild_id: s.guildId,
      channel_id: s.channelId,
      time: s.time,
      timezone: s.timezone,
      topics: s.topics?.length ? JSON.stringify(s.topics) : null,
      quiet: s.quiet ?? 'short',
      enabled: 1,
      updated_at: s.updatedAt,
      updated_by: s.updatedBy ?? null,
      configured_at: s.updatedAt,
    };
    const { guild_id: _, quiet, configured_at: __, ...rest } = row;
    const changes = s.quiet ? { ...rest, quiet } : rest;
    await this.db
      .insertInto('guild_settings')
      .values(row)
      .onConflict((oc) => oc.column('guild_id').doUpdateSet(changes))
      .execute();
  }

  /** True when a schedule was on and is now off. */
  async disable(guildId: string, at: number, by?: string): Promise<boolean> {
    const r = await this.db
      .updateTable('guild_settings')
      .set({ enabled: 0, updated_at: at, updated_by: by ?? null })
      .where('guild_id', '=', guildId)
      .where('enabled', '=', 1)
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  async entry(guildId: string, date: LocalDate): Promise<BriefLogEntry | undefined> {
    const row = await this.db.selectFrom('brief_log').selectAll().where('guild_id', '=', guildId).where('local_date', '=', date).executeTakeFirst();
    return row && logOf(row);
  }

  async lastEntry(guildId: string): Promise<BriefLogEntry | undefined> {
    const row = await this.db.selectFrom('brief_log').selectAll().where('guild_id', '=', guildId).orderBy('local_date', 'desc').limit(1).executeTakeFirst();
    return row && logOf(row);
  }

  /**
   * When the server's first scheduled brief that never reached its channel was
   * due (failed, or skipped: the bot was down), if any: a server none of whose
   * briefs was posted is owed everything since the window that one would have covered.
   */
  async firstUnposted(guildId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('brief_log')
      .select((eb) => eb.fn.min(eb.fn.coalesce('scheduled_at', 'claimed_at')).as('at'))
      .where('guild_id', '=', guildId)
      .where('status', 'in', ['failed', 'skipped'])
      .executeTakeFirst();
    return row?.at == null ? undefined : Number(row.at);
  }

  /**
   * When the server's first brief that was composed but never delivered was
   * composed (a `/digest now` whose post failed, a post cut short by a crash),
   * if any: like a failed scheduled brief, it widens the first posted brief's window.
   */
  async firstUndelivered(guildId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('briefs')
      .select((eb) => eb.fn.min('composed_at').as('at'))
      .where('guild_id', '=', guildId)
      .where('posted', '=', 0)
      .executeTakeFirst();
    return row?.at == null ? undefined : Number(row.at);
  }

  /** Takes the day for this process; false when someone (another process, an earlier run) already has it. */
  async claim(c: { guildId: string; date: LocalDate; channelId: string; late: boolean; scheduledAt: number; now: number }): Promise<boolean> {
    const r = await this.db
      .insertInto('brief_log')
      .values({ guild_id: c.guildId, local_date: c.date, channel_id: c.channelId, status: 'claimed', late: c.late ? 1 : 0, scheduled_at: c.scheduledAt, claimed_at: c.now })
      .onConflict((oc) => oc.columns(['guild_id', 'local_date']).doNothing())
      .executeTakeFirst();
    return r.numInsertedOrUpdatedRows === 1n;
  }

  /**
   * Takes over a claim whose owner died before finishing (crash between claim and
   * send). Compare-and-set on the old claim time, so of two restarted processes
   * only one wins.
   */
  async reclaim(guildId: string, date: LocalDate, previousClaimedAt: number, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('brief_log')
      .set((eb) => ({ claimed_at: now, attempts: eb('attempts', '+', 1) }))
      .where('guild_id', '=', guildId)
      .where('local_date', '=', date)
      .where('status', '=', 'claimed')
      .where('claimed_at', '=', previousClaimedAt)
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  /** Message ids posted so far, recorded part by part, so a resumed brief skips what is already in the channel. */
  async progress(guildId: string, date: LocalDate, messageIds: readonly string[]): Promise<void> {
    await this.db.updateTable('brief_log').set({ message_ids: JSON.stringify(messageIds) }).where('guild_id', '=', guildId).where('local_date', '=', date).execute();
  }

  async finish(
    guildId: string,
    date: LocalDate,
    outcome: { status: 'sent' | 'failed'; messageIds: string[]; errorCode?: number; errorMessage?: string; now: number },
  ): Promise<void> {
    await this.db
      .updateTable('brief_log')
      .set({
        status: outcome.status,
        message_ids: JSON.stringify(outcome.messageIds),
        error_code: outcome.errorCode ?? null,
        error_message: outcome.errorMessage ?? null,
        finished_at: outcome.now,
      })
      .where('guild_id', '=', guildId)
      .where('local_date', '=', date)
      .execute();
  }

  async skip(guildId: string, date: LocalDate, scheduledAt: number, now: number, reason: string): Promise<boolean> {
    const r = await this.db
      .insertInto('brief_log')
      .values({ guild_id: guildId, local_date: date, status: 'skipped', scheduled_at: scheduledAt, claimed_at: now, finished_at: now, error_message: reason })
      .onConflict((oc) => oc.columns(['guild_id', 'local_date']).doNothing())
      .executeTakeFirst();
    return r.numInsertedOrUpdatedRows === 1n;
  }

  /** A quiet day under `quiet: skip`: the claimed day is done, with nothing posted. */
  async finishQuiet(guildId: string, date: LocalDate, now: number): Promise<void> {
    await this.db
      .updateTable('brief_log')
      .set({ status: 'skipped', error_message: QUIET_SKIPPED, finished_at: now })
      .where('guild_id', '=', guildId)
      .where('local_date', '=', date)
      .execute();
  }

  /**
   * Records when each document was first seen (front matter `added_at` wins), so
   * files dropped straight into DATA_DIR count as new in the next brief. A shared
   * document the first schema knew by slug keeps the time it had there.
   */
  async recordSeen(docs: readonly (DocumentKey & { addedAt?: number })[], now: number): Promise<void> {
    // In slices: one statement per document would be a round trip each in PostgreSQL.
    for (let i = 0; i < docs.length; i += 500) {
      const slice = docs.slice(i, i + 500);
      const shared = slice.filter((d) => d.owner === '' && d.addedAt === undefined).map((d) => d.slug);
      const legacy = new Map(
        shared.length ? (await this.db.selectFrom('documents_seen').select(['slug', 'first_seen_at']).where('slug', 'in', shared).execute()).map((r) => [r.slug, r.first_seen_at]) : [],
      );
      const rows = slice.map((d) => ({
        owner: d.owner,
        hash: d.hash,
        slug: d.slug,
        first_seen_at: d.addedAt ?? (d.owner === '' ? legacy.get(d.slug) : undefined) ?? now,
      }));
      await this.db.insertInto('document_first_seen').values(rows).onConflict((oc) => oc.columns(['owner', 'hash']).doNothing()).execute();
    }
  }

  /**
   * First-seen times after `since` of the documents these libraries own, keyed
   * `owner:hash`: the only ones that can be news (a large library's older rows are never read).
   */
  async firstSeenAfter(owners: readonly string[], since: number): Promise<Map<string, number>> {
    if (owners.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('document_first_seen')
      .select(['owner', 'hash', 'first_seen_at'])
      .where('owner', 'in', [...new Set(owners)])
      .where('first_seen_at', '>', since)
      .execute();
    return new Map(rows.map((r) => [`${r.owner}:${r.hash}`, r.first_seen_at]));
  }

  /** The server's most recent brief that reached its readers: "new" is measured from it. */
  async previousBrief(guildId: string): Promise<{ id: number; composedAt: number } | undefined> {
    const row = await this.db
      .selectFrom('briefs')
      .select(['id', 'composed_at'])
      .where('guild_id', '=', guildId)
      .where('posted', '=', 1)
      .orderBy('composed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && { id: Number(row.id), composedAt: row.composed_at };
  }

  async storedBrief(guildId: string, key: string): Promise<StoredBrief | undefined> {
    const row = await this.db.selectFrom('briefs').selectAll().where('guild_id', '=', guildId).where('key', '=', key).executeTakeFirst();
    return row && { id: Number(row.id), composedAt: row.composed_at, brief: row.brief, posted: row.posted === 1 };
  }

  /** Text hashes of every sentence the server's briefs have quoted. */
  async quoted(guildId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('brief_quotes').select('text_hash').where('guild_id', '=', guildId).execute();
    return new Set(rows.map((r) => r.text_hash));
  }

  /** `owner:hash` of those of these documents the server's briefs have already reported as new. */
  async reported(guildId: string, docs: readonly DocumentKey[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < docs.length; i += 500) {
      const hashes = [...new Set(docs.slice(i, i + 500).map((d) => d.hash))];
      const rows = await this.db.selectFrom('brief_documents').select(['owner', 'hash']).where('guild_id', '=', guildId).where('hash', 'in', hashes).execute();
      for (const r of rows) out.add(`${r.owner}:${r.hash}`);
    }
    return out;
  }

  /**
   * A composed brief with what it quoted and reported, in one transaction: from
   * here on those sentences are spent for this server, whichever process or
   * restart posts the next brief. Returns the existing row when the key is taken.
   */
  async recordBrief(b: {
    guildId: string;
    key: string;
    composedAt: number;
    brief: string;
    quotes: readonly { hash: string; citation: string }[];
    documents: readonly DocumentKey[];
    posted?: boolean;
  }): Promise<StoredBrief> {
    const recorded = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('briefs')
        .values({ guild_id: b.guildId, key: b.key, composed_at: b.composedAt, brief: b.brief, posted: b.posted ? 1 : 0 })
        .onConflict((oc) => oc.columns(['guild_id', 'key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return undefined;
      const id = Number(row.id);
      for (let i = 0; i < b.quotes.length; i += 500) {
        const rows = b.quotes.slice(i, i + 500).map((q) => ({ guild_id: b.guildId, text_hash: q.hash, citation: q.citation, brief_id: id }));
        await trx.insertInto('brief_quotes').values(rows).onConflict((oc) => oc.columns(['guild_id', 'text_hash']).doNothing()).execute();
      }
      for (let i = 0; i < b.documents.length; i += 500) {
        const rows = b.documents.slice(i, i + 500).map((d) => ({ guild_id: b.guildId, owner: d.owner, hash: d.hash, slug: d.slug, brief_id: id }));
        await trx.insertInto('brief_documents').values(rows).onConflict((oc) => oc.columns(['guild_id', 'owner', 'hash']).doNothing()).execute();
      }
      return { id, composedAt: b.composedAt, brief: b.brief, posted: b.posted ?? false };
    });
    // Another process recorded this key first: theirs is the brief.
    return recorded ?? (await this.storedBrief(b.guildId, b.key))!;
  }

  /** The brief reached the channel (or the asker): the next one starts from it. */
  async markPosted(id: number): Promise<void> {
    await this.db.updateTable('briefs').set({ posted: 1 }).where('id', '=', id).execute();
  }

  /**
   * Nothing of the brief was posted: its quotes and documents go back to the
   * pool for the next one. The brief itself stays, unposted, so the next
   * brief's window still reaches back over what this one covered (see firstUndelivered).
   */
  async release(id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const unposted = await trx.selectFrom('briefs').select('id').where('id', '=', id).where('posted', '=', 0).executeTakeFirst();
      if (!unposted) return;
      await trx.deleteFrom('brief_quotes').where('brief_id', '=', id).execute();
      await trx.deleteFrom('brief_documents').where('brief_id', '=', id).execute();
    });
  }
}
