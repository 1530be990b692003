/**
 * When a guild's brief is due, computed in its IANA zone with Intl only (never
 * the server's zone). Pure: every function takes the instant it reasons about.
 */

/** A calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Posted within this long of the scheduled instant counts as on time; later (the
 * bot was down or not connected) is a catch-up and marked late.
 */
export const LATE_AFTER_MS = 10 * 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (canonical names and aliases alike). */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's wall-clock time at `instant`, expressed as if it were UTC milliseconds. */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The date on the zone's calendar at `instant`. */
export function localDate(instant: number, timeZone: string): LocalDate {
  return new Date(wallClock(instant, timeZone)).toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** `HH:MM` (24-hour) → minutes after midnight, or undefined when malformed. */
export function parseTime(text: string): number | undefined {
  const m = /^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

export function formatTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The instant at which the zone's clocks show `time` on `date`. Like Temporal's
 * "compatible" disambiguation: a time skipped by a spring-forward happens that
 * much later (01:30 in a 01:00→02:00 gap is 02:30), and a time that occurs twice
 * at a fall-back is its first occurrence. So every local date has exactly one
 * run: DST neither skips nor doubles a brief.
 */
export function zonedInstant(date: LocalDate, time: string, timeZone: string): number {
  const minutes = parseTime(time);
  if (minutes === undefined) throw new RangeError(`not a time: ${time}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  // No zone changes its offset twice within two days, so the offsets a day either
  // side are the only ones this wall time can have.
  const before = wallClock(wall - DAY, timeZone) - (wall - DAY);
  const after = wallClock(wall + DAY, timeZone) - (wall + DAY);
  const matches = [wall - before, wall - after].filter((t) => wallClock(t, timeZone) === wall);
  return matches.length ? Math.min(...matches) : wall - before;
}

export interface Schedule {
  time: string;
  timezone: string;
  /** Runs scheduled before this instant (when the schedule was set) are not owed. */
  since: number;
}

/** The next scheduled run strictly after `now` (and after `since`). */
export function nextRun(schedule: Schedule, now: number): { date: LocalDate; at: number } {
  const from = Math.max(now, schedule.since);
  let date = localDate(from, schedule.timezone);
  for (let i = 0; i < 3; i++, date = addDays(date, 1)) {
    const at = zonedInstant(date, schedule.time, schedule.timezone);
    if (at > from) return { date, at };
  }
  throw new Error('unreachable: a run exists within three days');
}

export type Due =
  | { kind: 'none' }
  /** Post the brief for `date`; `late` when it is a catch-up. */
  | { kind: 'post'; date: LocalDate; at: number; late: boolean }
  /** The run for `date` was missed and its local day is over: record it, post nothing. */
  | { kind: 'skip'; date: LocalDate; at: number };

/**
 * What the scheduler owes a guild at `now`. `handled(date)` says whether the log
 * already has that date (claimed, sent, failed or skipped): each local date is
 * acted on at most once. A run is caught up only on its own local day; one from
 * an earlier day is more than a day overdue by the time it could be posted next to
 * today's, so it is skipped.
 */
export function due(schedule: Schedule, now: number, handled: (date: LocalDate) => boolean): Due {
  const today = localDate(now, schedule.timezone);
  const todayAt = zonedInstant(today, schedule.time, schedule.timezone);
  if (todayAt <= now && todayAt >= schedule.since && !handled(today)) {
    return { kind: 'post', date: today, at: todayAt, late: now - todayAt > LATE_AFTER_MS };
  }
  const yesterday = addDays(today, -1);
  const yesterdayAt = zonedInstant(yesterday, schedule.time, schedule.timezone);
  if (yesterdayAt >= schedule.since && !handled(yesterday)) return { kind: 'skip', date: yesterday, at: yesterdayAt };
  return { kind: 'none' };
}
