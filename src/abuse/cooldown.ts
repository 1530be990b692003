/**
 * Rate limits as token buckets: one per user, one per server, and a separate,
 * roomier one per user for autocomplete keystrokes. A bucket holds `burst`
 * tokens and refills at `perMinute`; each command or button takes one. A person
 * working at a human pace (a few commands in a row, then one every couple of
 * seconds) never empties theirs; a script does, and is told when to come back.
 * A user's bucket is smaller than their server's, so one flooder cannot use up
 * the server's share on their own.
 *
 * In-process state: with several shards each process keeps its own, which is
 * documented in docs/scaling.md.
 */
export interface CooldownSettings {
  /** Commands a user may run back to back before the rate applies; 0 turns the user bucket off. */
  userBurst: number;
  /** A user's sustained rate; 0 turns the user bucket off. */
  userPerMinute: number;
  /** A server's sustained rate (and its burst); 0 turns the server bucket off. */
  guildPerMinute: number;
  /** Autocomplete keystrokes a user may send per minute (burst: ten seconds' worth); 0 turns it off. */
  autocompletePerMinute: number;
}

/**
 * A person: ten commands back to back, then one every two seconds for as long
 * as they like. A script at 50 a minute runs dry within a minute; a server's
 * bucket holds ten such people's worth, so one flooder takes at most a tenth.
 */
export const DEFAULT_COOLDOWNS: CooldownSettings = { userBurst: 10, userPerMinute: 30, guildPerMinute: 300, autocompletePerMinute: 300 };

/** Every bucket off: for tests and benchmarks that measure something else. */
export const NO_COOLDOWNS: CooldownSettings = { userBurst: 0, userPerMinute: 0, guildPerMinute: 0, autocompletePerMinute: 0 };

export type CooldownVerdict = { ok: true } | { ok: false; retryAt: number; scope: 'user' | 'guild' };

const MINUTE = 60_000;

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets of one size and rate, keyed by user or server. A missing bucket is a full one. */
class Buckets {
  private readonly entries = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    readonly capacity: number,
    perMinute: number,
  ) {
    this.perMs = perMinute / MINUTE;
  }

  get enabled(): boolean {
    return this.capacity > 0 && this.perMs > 0;
  }

  private level(key: string, now: number): number {
    const b = this.entries.get(key);
    return b ? Math.min(this.capacity, b.tokens + (now - b.at) * this.perMs) : this.capacity;
  }

  /** When a token will be there for `key`: `now` if one is already. */
  readyAt(key: string, now: number): number {
    if (!this.enabled) return now;
    // The small allowance absorbs floating-point drift: a token due at exactly this millisecond counts.
    const missing = 1 - this.level(key, now) - 1e-9;
    return missing <= 0 ? now : now + Math.ceil(missing / this.perMs);
  }

  take(key: string, now: number): void {
    if (this.enabled) this.entries.set(key, { tokens: Math.max(0, this.level(key, now) - 1), at: now });
  }

  /** Drops buckets that have refilled: they are the same as absent ones. */
  sweep(now: number): void {
    for (const key of this.entries.keys()) if (this.level(key, now) >= this.capacity) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

export class Cooldowns {
  private readonly users: Buckets;
  private readonly guilds: Buckets;
  private readonly keystrokes: Buckets;
  private lastSweep = 0;

  constructor(
    settings: CooldownSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.users = new Buckets(settings.userPerMinute > 0 ? settings.userBurst : 0, settings.userPerMinute);
    this.guilds = new Buckets(settings.guildPerMinute, settings.guildPerMinute);
    this.keystrokes = new Buckets(Math.ceil(settings.autocompletePerMinute / 6), settings.autocompletePerMinute);
  }

  /**
   * Checks and, when allowed, records one command or button press. Nothing is
   * taken from either bucket when either refuses, so a refused attempt neither
   * extends the user's wait nor spends the server's share. In DMs the user is
   * their own server: the server-sized cap still applies, to them alone.
   */
  take(userId: string, guildId: string | null): CooldownVerdict {
    const now = this.now();
    this.sweep(now);
    const guildKey = guildId ?? `dm:${userId}`;
    const userAt = this.users.readyAt(userId, now);
    const guildAt = this.guilds.readyAt(guildKey, now);
    if (userAt > now || guildAt > now) {
      return userAt >= guildAt || !guildId ? { ok: false, retryAt: Math.max(userAt, guildAt), scope: 'user' } : { ok: false, retryAt: guildAt, scope: 'guild' };
    }
    this.users.take(userId, now);
    this.guilds.take(guildKey, now);
    return { ok: true };
  }

  /** One autocomplete keystroke: its own bucket, so typing never spends a user's commands. */
  takeKeystroke(userId: string): boolean {
    const now = this.now();
    this.sweep(now);
    if (this.keystrokes.readyAt(userId, now) > now) return false;
    this.keystrokes.take(userId, now);
    return true;
  }

  /** Forget refilled buckets now and then, so months of distinct users do not pile up. */
  private sweep(now: number): void {
    if (now - this.lastSweep < MINUTE) return;
    this.lastSweep = now;
    this.users.sweep(now);
    this.guilds.sweep(now);
    this.keystrokes.sweep(now);
  }

  get size(): { users: number; guilds: number; keystrokes: number } {
    return { users: this.users.size, guilds: this.guilds.size, keystrokes: this.keystrokes.size };
  }
}

/** The polite refusal, with Discord's relative timestamp so each reader sees it in their own terms. */
export function cooldownMessage(command: string, verdict: Extract<CooldownVerdict, { ok: false }>): string {
  const when = `<t:${Math.ceil(verdict.retryAt / 1000)}:R>`;
  return verdict.scope === 'user'
    ? `You’re going a little fast: \`/${command}\` is available to you again ${when}.`
    : `This server has used its share of commands for the minute; please try again ${when}.`;
}
