import type { Logger } from '../log.js';
import { renderBrief } from './brief.js';
import { addDays, due, localDate, nextRun } from './schedule.js';
import { briefNonce } from './sender.js';
import type { DigestService } from './service.js';
import type { GuildSettings } from './store.js';

/** How often the loop looks for due briefs; a brief is at most this late. */
export const DEFAULT_TICK_MS = 30_000;
/**
 * A claim this old whose owner never finished was left by a crash between claim
 * and send; it is retried with the same nonces, so a part that did reach Discord
 * is not posted again.
 */
export const STALE_CLAIM_MS = 5 * 60_000;
/** Gives up on a day after this many attempts: no retry storm against a broken channel. */
export const MAX_ATTEMPTS = 3;

export interface Scheduler {
  /** One pass over every enabled guild (the loop calls it; tests call it directly). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Posts each guild's brief once per local day. Order per guild: claim the day in
 * SQLite (the exactly-once guard across restarts and processes), post with
 * deterministic nonces (Discord's own duplicate guard), then record the outcome.
 */
export interface SchedulerOptions {
  tickMs?: number;
  /** Each scheduled run's outcome (posted, late, skipped, failed), e.g. for metrics. */
  onOutcome?: (outcome: 'posted' | 'late' | 'skipped' | 'failed') => void;
  /**
   * The servers this process posts for: those on its Discord shards. Another
   * process posts the rest (and the claim keeps two owners from both posting).
   */
  owns?: (guildId: string) => boolean;
}

export function startScheduler(service: DigestService, logger: Logger, { tickMs = DEFAULT_TICK_MS, onOutcome, owns }: SchedulerOptions = {}): Scheduler {
  let running: Promise<void> | undefined;
  let stopped = false;

  async function runGuild(s: GuildSettings): Promise<void> {
    const now = service.now();
    const schedule = { time: s.time, timezone: s.timezone, since: s.updatedAt };
    const log = logger.child({ guildId: s.guildId });
    const store = service.store;
    // Nothing is claimed until the server's brief can be made (a cold start builds topics after search).
    if (!(await service.checkLibrary(s.guildId))) return;

    let claim: { date: string; late: boolean; posted: string[] } | undefined;
    // `due` asks about today and yesterday (local to the guild): read both first.
    const logged = async () => {
      const today = localDate(now, s.timezone);
      const days = [today, addDays(today, -1)];
      const entries = await Promise.all(days.map((date) => store.entry(s.guildId, date)));
      return (date: string) => entries[days.indexOf(date)] !== undefined;
    };
    let d = due(schedule, now, await logged());
    if (d.kind === 'skip') {
      if (await store.skip(s.guildId, d.date, d.at, now, 'missed: the bot was not running that day')) {
        log.warn({ date: d.date }, 'brief skipped: more than a day overdue');
        onOutcome?.('skipped');
      }
      d = due(schedule, now, await logged());
    }
    if (d.kind === 'post') {
      if (!(await store.claim({ guildId: s.guildId, date: d.date, channelId: s.channelId, late: d.late, scheduledAt: d.at, now }))) return;
      claim = { ...d, posted: [] };
    } else {
      const last = await store.lastEntry(s.guildId);
      if (!last || last.status !== 'claimed' || now - last.claimedAt < STALE_CLAIM_MS) return;
      if (last.attempts >= MAX_ATTEMPTS || last.localDate !== localDate(now, s.timezone)) {
        await store.finish(s.guildId, last.localDate, { status: 'failed', messageIds: [], errorMessage: 'interrupted (the bot stopped while posting)', now });
        onOutcome?.('failed');
        return;
      }
      if (!(await store.reclaim(s.guildId, last.localDate, last.claimedAt, now))) return;
      log.warn({ date: last.localDate, attempts: last.attempts + 1 }, 'resuming an unfinished brief');
      claim = { date: last.localDate, late: true, posted: last.messageIds };
    }

    const prepared = await service.composer.prepare(s.guildId, `day:${claim.date}`, { timezone: s.timezone, topics: s.topics, skipQuiet: s.quiet === 'skip' });
    if (!prepared) {
      await store.finishQuiet(s.guildId, claim.date, service.now());
      log.info({ date: claim.date }, 'nothing new: no brief posted (quiet: skip)');
      return;
    }
    const messages = renderBrief({ ...prepared.brief, date: claim.date }, { late: claim.late, nextAt: nextRun(schedule, now).at });
    const nonces = messages.map((_, i) => briefNonce(s.guildId, claim.date, i));
    // A resumed brief sends only the parts the crashed run did not record.
    const ids = [...claim.posted];
    const skip = Math.min(ids.length, messages.length);
    const record = async (id: string) => {
      ids.push(id);
      await store.progress(s.guildId, claim.date, ids);
    };
    const outcome = skip < messages.length ? await service.post(s.channelId, messages.slice(skip), nonces.slice(skip), record) : ({ ok: true, messageIds: [] } as const);
    const finishedAt = service.now();
    await service.settle(prepared.id, { ...outcome, messageIds: ids });
    if (outcome.ok) {
      await store.finish(s.guildId, claim.date, { status: 'sent', messageIds: ids, now: finishedAt });
      log.info({ date: claim.date, late: claim.late, parts: messages.length }, 'brief posted');
      onOutcome?.(claim.late ? 'late' : 'posted');
    } else {
      await store.finish(s.guildId, claim.date, { status: 'failed', messageIds: ids, errorCode: outcome.code, errorMessage: outcome.message, now: finishedAt });
      onOutcome?.('failed');
    }
  }

  async function tick(): Promise<void> {
    if (stopped || !service.isReady()) return;
    let settings;
    try {
      settings = await service.store.enabledSettings();
    } catch (err) {
      // The database is unreachable: nothing is claimed, and the next pass tries again (a brief is late, never doubled).
      logger.warn({ err: (err as Error)?.message }, 'brief pass skipped: the database did not answer');
      return;
    }
    for (const s of settings) {
      if (stopped || !service.isReady()) return;
      if (owns && !owns(s.guildId)) continue;
      try {
        await runGuild(s);
      } catch (err) {
        logger.error({ err, guildId: s.guildId }, 'brief run failed');
      }
    }
  }

  // Ticks never overlap: a slow send delays the next pass instead of racing it.
  const guarded = () => (running ??= tick().finally(() => (running = undefined)));
  const timer = setInterval(() => void guarded(), tickMs);
  timer.unref();
  return {
    tick: guarded,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
