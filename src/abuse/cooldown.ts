/**
 * Per-user and per-guild limits on the commands that cost real CPU (search,
 * summaries). In-process state: with several shards each process keeps its
 * own, which is documented in docs/scaling.md.
 */
export interface CooldownSettings {
  /** Seconds a user waits between two expensive commands; 0 turns it off. */
  userSeconds: number;
  /** Expensive commands a guild may run per rolling minute; 0 turns it off. */
  guildPerMinute: number;
  /** Command names the limits apply to. */
  commands: readonly string[];
}

export type CooldownVerdict = { ok: true } | { ok: false; retryAt: number; scope: 'user' | 'guild' };

const MINUTE = 60_000;

export class Cooldowns {
  private readonly lastByUser = new Map<string, number>();
  private readonly recentByGuild = new Map<string, number[]>();
  private readonly expensive: ReadonlySet<string>;
  private lastSweep = 0;

  constructor(
    private readonly settings: CooldownSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.expensive = new Set(settings.commands);
  }

  /** Checks and, when allowed, records one use. Cheap commands always pass. */
  take(command: string, userId: string, guildId: string | null): CooldownVerdict {
    if (!this.expensive.has(command)) return { ok: true };
    const now = this.now();
    this.sweep(now);
    const userGap = this.settings.userSeconds * 1000;
    const last = this.lastByUser.get(userId);
    if (userGap > 0 && last !== undefined && now - last < userGap) {
      return { ok: false, retryAt: last + userGap, scope: 'user' };
    }
    const cap = this.settings.guildPerMinute;
    const recent = guildId && cap > 0 ? (this.recentByGuild.get(guildId) ?? []).filter((t) => now - t < MINUTE) : undefined;
    if (recent && recent.length >= cap) return { ok: false, retryAt: recent[0]! + MINUTE, scope: 'guild' };
    if (userGap > 0) this.lastByUser.set(userId, now);
    if (recent && guildId) this.recentByGuild.set(guildId, [...recent, now]);
    return { ok: true };
  }

  /** Forget expired entries now and then, so months of distinct users do not pile up. */
  private sweep(now: number): void {
    if (now - this.lastSweep < MINUTE) return;
    this.lastSweep = now;
    const userGap = this.settings.userSeconds * 1000;
    for (const [user, t] of this.lastByUser) if (now - t >= userGap) this.lastByUser.delete(user);
    for (const [guild, times] of this.recentByGuild) if (times.every((t) => now - t >= MINUTE)) this.recentByGuild.delete(guild);
  }

  get size(): { users: number; guilds: number } {
    return { users: this.lastByUser.size, guilds: this.recentByGuild.size };
  }
}

/** The polite refusal, with Discord's relative timestamp so each reader sees it in their own terms. */
export function cooldownMessage(command: string, verdict: Extract<CooldownVerdict, { ok: false }>): string {
  const when = `<t:${Math.ceil(verdict.retryAt / 1000)}:R>`;
  return verdict.scope === 'user'
    ? `You’re going a little fast: \`/${command}\` is available to you again ${when}.`
    : `This server has used its share of searches and summaries for the minute; please try again ${when}.`;
}
