import type { Db } from '../db/index.js';
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

interface SettingsRow {
  guild_id: string;
  channel_id: string;
  time: string;
  timezone: string;
  topics: string | null;
  enabled: number;
  updated_at: number;
  updated_by: string | null;
}

interface LogRow {
  guild_id: string;
  local_date: string;
  channel_id: string | null;
  status: BriefStatus;
  late: number;
  attempts: number;
  message_ids: string;
  error_code: number | null;
  error_message: string | null;
  scheduled_at: number | null;
  claimed_at: number;
  finished_at: number | null;
}

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
 * The brief's persistent state. The UNIQUE (guild, local date) row is the
 * exactly-once guarantee: whoever inserts it owns that day's post, whichever
 * process or restart they are.
 */
export class DigestStore {
  constructor(private readonly db: Db) {}

  settings(guildId: string): GuildSettings | undefined {
    const row = this.db.prepare('SELECT * FROM guild_settings WHERE guild_id = ?').get(guildId) as SettingsRow | undefined;
    return row && settingsOf(row);
  }

  enabledSettings(): GuildSettings[] {
    return (this.db.prepare('SELECT * FROM guild_settings WHERE enabled = 1 ORDER BY guild_id').all() as SettingsRow[]).map(settingsOf);
  }

  saveSettings(s: Omit<GuildSettings, 'enabled'>): void {
    this.db
      .prepare(
        `INSERT INTO guild_settings (guild_id, channel_id, time, timezone, topics, enabled, updated_at, updated_by)
         VALUES (@guildId, @channelId, @time, @timezone, @topics, 1, @updatedAt, @updatedBy)
         ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, time = excluded.time, timezone = excluded.timezone,
           topics = excluded.topics, enabled = 1, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run({ ...s, topics: s.topics?.length ? JSON.stringify(s.topics) : null, updatedBy: s.updatedBy ?? null });
  }

  /** True when a schedule was on and is now off. */
  disable(guildId: string, at: number, by?: string): boolean {
    return (
      this.db.prepare('UPDATE guild_settings SET enabled = 0, updated_at = ?, updated_by = ? WHERE guild_id = ? AND enabled = 1').run(at, by ?? null, guildId)
        .changes === 1
    );
  }

  entry(guildId: string, date: LocalDate): BriefLogEntry | undefined {
    const row = this.db.prepare('SELECT * FROM brief_log WHERE guild_id = ? AND local_date = ?').get(guildId, date) as LogRow | undefined;
    return row && logOf(row);
  }

  lastEntry(guildId: string): BriefLogEntry | undefined {
    const row = this.db.prepare('SELECT * FROM brief_log WHERE guild_id = ? ORDER BY local_date DESC LIMIT 1').get(guildId) as LogRow | undefined;
    return row && logOf(row);
  }

  /** When the guild's last brief was posted, for "new since the previous brief". */
  lastSentAt(guildId: string): number | undefined {
    const v = this.db.prepare("SELECT MAX(finished_at) FROM brief_log WHERE guild_id = ? AND status = 'sent'").pluck().get(guildId);
    return typeof v === 'number' ? v : undefined;
  }

  /** Takes the day for this process; false when someone (another process, an earlier run) already has it. */
  claim(c: { guildId: string; date: LocalDate; channelId: string; late: boolean; scheduledAt: number; now: number }): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO brief_log (guild_id, local_date, channel_id, status, late, scheduled_at, claimed_at)
           VALUES (?, ?, ?, 'claimed', ?, ?, ?) ON CONFLICT (guild_id, local_date) DO NOTHING`,
        )
        .run(c.guildId, c.date, c.channelId, c.late ? 1 : 0, c.scheduledAt, c.now).changes === 1
    );
  }

  /**
   * Takes over a claim whose owner died before finishing (crash between claim and
   * send). Compare-and-set on the old claim time, so of two restarted processes
   * only one wins.
   */
  reclaim(guildId: string, date: LocalDate, previousClaimedAt: number, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE brief_log SET claimed_at = ?, attempts = attempts + 1
           WHERE guild_id = ? AND local_date = ? AND status = 'claimed' AND claimed_at = ?`,
        )
        .run(now, guildId, date, previousClaimedAt).changes === 1
    );
  }

  /** Message ids posted so far, recorded part by part, so a resumed brief skips what is already in the channel. */
  progress(guildId: string, date: LocalDate, messageIds: readonly string[]): void {
    this.db.prepare('UPDATE brief_log SET message_ids = ? WHERE guild_id = ? AND local_date = ?').run(JSON.stringify(messageIds), guildId, date);
  }

  finish(
    guildId: string,
    date: LocalDate,
    outcome: { status: 'sent' | 'failed'; messageIds: string[]; errorCode?: number; errorMessage?: string; now: number },
  ): void {
    this.db
      .prepare(
        `UPDATE brief_log SET status = ?, message_ids = ?, error_code = ?, error_message = ?, finished_at = ?
         WHERE guild_id = ? AND local_date = ?`,
      )
      .run(outcome.status, JSON.stringify(outcome.messageIds), outcome.errorCode ?? null, outcome.errorMessage ?? null, outcome.now, guildId, date);
  }

  skip(guildId: string, date: LocalDate, scheduledAt: number, now: number, reason: string): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO brief_log (guild_id, local_date, status, scheduled_at, claimed_at, finished_at, error_message)
           VALUES (?, ?, 'skipped', ?, ?, ?, ?) ON CONFLICT (guild_id, local_date) DO NOTHING`,
        )
        .run(guildId, date, scheduledAt, now, now, reason).changes === 1
    );
  }

  /**
   * Records when each document was first seen (front matter `added_at` wins), so
   * files dropped straight into DATA_DIR count as new in the next brief.
   */
  recordSeen(docs: readonly { slug: string; addedAt?: number }[], now: number): void {
    const insert = this.db.prepare('INSERT INTO documents_seen (slug, first_seen_at) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING');
    this.db.transaction(() => {
      for (const d of docs) insert.run(d.slug, d.addedAt ?? now);
    })();
  }

  firstSeen(): Map<string, number> {
    const rows = this.db.prepare('SELECT slug, first_seen_at FROM documents_seen').all() as { slug: string; first_seen_at: number }[];
    return new Map(rows.map((r) => [r.slug, r.first_seen_at]));
  }
}
