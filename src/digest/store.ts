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
  enabled: boolean;
  updatedAt: number;
  updatedBy?: string;
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
  enabled: r.enabled === 1,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by ?? undefined,
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

  async saveSettings(s: Omit<GuildSettings, 'enabled'>): Promise<void> {
    const row = {
      guild_id: s.guildId,
      channel_id: s.channelId,
      time: s.time,
      timezone: s.timezone,
      topics: s.topics?.length ? JSON.stringify(s.topics) : null,
      enabled: 1,
      updated_at: s.updatedAt,
      updated_by: s.updatedBy ?? null,
    };
    const { guild_id: _, ...changes } = row;
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

  /** When the guild's last brief was posted, for "new since the previous brief". */
  async lastSentAt(guildId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('brief_log')
      .select((eb) => eb.fn.max('finished_at').as('at'))
      .where('guild_id', '=', guildId)
      .where('status', '=', 'sent')
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

  /**
   * Records when each document was first seen (front matter `added_at` wins), so
   * files dropped straight into DATA_DIR count as new in the next brief.
   */
  async recordSeen(docs: readonly { slug: string; addedAt?: number }[], now: number): Promise<void> {
    // In slices: one statement per document would be a round trip each in PostgreSQL.
    for (let i = 0; i < docs.length; i += 500) {
      const rows = docs.slice(i, i + 500).map((d) => ({ slug: d.slug, first_seen_at: d.addedAt ?? now }));
      await this.db.insertInto('documents_seen').values(rows).onConflict((oc) => oc.column('slug').doNothing()).execute();
    }
  }

  async firstSeen(): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('documents_seen').select(['slug', 'first_seen_at']).execute();
    return new Map(rows.map((r) => [r.slug, r.first_seen_at]));
  }
}
