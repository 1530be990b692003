import { describe, expect, it } from 'vitest';
import { due, localDate, nextRun, parseTime, zonedInstant, type Schedule } from '../../src/digest/schedule.js';

const iso = (t: number) => new Date(t).toISOString();
const at = (s: string) => Date.parse(s);
const never = () => false;

describe('zonedInstant', () => {
  it('GIVEN 08:00 in London in winter and summer THEN it is 08:00Z and 07:00Z', () => {
    expect(iso(zonedInstant('2026-01-15', '08:00', 'Europe/London'))).toBe('2026-01-15T08:00:00.000Z');
    expect(iso(zonedInstant('2026-07-15', '08:00', 'Europe/London'))).toBe('2026-07-15T07:00:00.000Z');
  });

  it('GIVEN a time skipped by the London spring-forward (29 March 2026, 01:00→02:00) THEN it runs that much later, once', () => {
    expect(iso(zonedInstant('2026-03-29', '01:30', 'Europe/London'))).toBe('2026-03-29T01:30:00.000Z'); // 02:30 BST
  });

  it('GIVEN a time that occurs twice at the London fall-back (25 October 2026) THEN the first occurrence', () => {
    expect(iso(zonedInstant('2026-10-25', '01:30', 'Europe/London'))).toBe('2026-10-25T00:30:00.000Z'); // 01:30 BST
  });

  it('GIVEN New York’s 2026 changes (8 March, 1 November) THEN the gap runs later and the overlap runs once, first', () => {
    expect(iso(zonedInstant('2026-03-08', '02:30', 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
    expect(iso(zonedInstant('2026-11-01', '01:30', 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
    expect(iso(zonedInstant('2026-03-08', '08:00', 'America/New_York'))).toBe('2026-03-08T12:00:00.000Z');
    expect(iso(zonedInstant('2026-11-01', '08:00', 'America/New_York'))).toBe('2026-11-01T13:00:00.000Z');
  });
});

describe('nextRun across daylight-saving changes', () => {
  /** Walks the schedule's runs from `start` for `days` days, the way the scheduler would. */
  function runs(schedule: Schedule, start: number, days: number) {
    const out: { date: string; at: string }[] = [];
    let now = start;
    for (let i = 0; i < days; i++) {
      const n = nextRun(schedule, now);
      out.push({ date: n.date, at: iso(n.at) });
      now = n.at;
    }
    return out;
  }

  for (const [zone, time, from, label] of [
    ['Europe/London', '01:30', '2026-03-27T12:00:00Z', 'London spring-forward'],
    ['Europe/London', '01:30', '2026-10-23T12:00:00Z', 'London fall-back'],
    ['America/New_York', '02:30', '2026-03-06T12:00:00Z', 'New York spring-forward'],
    ['America/New_York', '01:30', '2026-10-30T12:00:00Z', 'New York fall-back'],
  ] as const) {
    it(`GIVEN a brief at ${time} over the ${label} THEN exactly one run per local day, never skipped or doubled`, () => {
      const list = runs({ time, timezone: zone, since: 0 }, at(from), 5);
      const dates = list.map((r) => r.date);
      expect(new Set(dates).size).toBe(5);
      for (let i = 1; i < dates.length; i++) expect(Date.parse(dates[i]!) - Date.parse(dates[i - 1]!)).toBe(86_400_000);
      for (const r of list) expect(localDate(Date.parse(r.at), zone)).toBe(r.date);
    });
  }

  it('GIVEN the server in another zone THEN the run follows the configured zone, not the server’s', () => {
    const n = nextRun({ time: '09:00', timezone: 'Asia/Tokyo', since: 0 }, at('2026-11-28T00:30:00Z'));
    expect(n).toEqual({ date: '2026-11-29', at: at('2026-11-29T00:00:00Z') });
  });

  it('GIVEN a schedule set after today’s time THEN the next run is tomorrow', () => {
    const since = at('2026-11-28T10:00:00Z');
    expect(nextRun({ time: '08:00', timezone: 'UTC', since }, since).date).toBe('2026-11-29');
  });
});

describe('due', () => {
  const schedule = { time: '08:00', timezone: 'Europe/London', since: at('2026-11-01T00:00:00Z') };

  it('GIVEN before the time THEN nothing is due', () => {
    expect(due(schedule, at('2026-11-28T07:59:00Z'), (d) => d === '2026-11-27')).toEqual({ kind: 'none' });
  });

  it('GIVEN the time has come THEN the day is due, on time', () => {
    expect(due(schedule, at('2026-11-28T08:00:30Z'), (d) => d === '2026-11-27')).toMatchObject({ kind: 'post', date: '2026-11-28', late: false });
  });

  it('GIVEN the bot comes back later the same local day THEN it is due once, marked late', () => {
    expect(due(schedule, at('2026-11-28T15:00:00Z'), (d) => d === '2026-11-27')).toMatchObject({ kind: 'post', date: '2026-11-28', late: true });
    expect(due(schedule, at('2026-11-28T15:00:30Z'), () => true)).toEqual({ kind: 'none' });
  });

  it('GIVEN yesterday’s run never happened THEN it is skipped, not posted', () => {
    expect(due(schedule, at('2026-11-28T07:00:00Z'), never)).toMatchObject({ kind: 'skip', date: '2026-11-27' });
  });

  it('GIVEN a schedule set after today’s time THEN today is not owed', () => {
    const late = { ...schedule, since: at('2026-11-28T09:00:00Z') };
    expect(due(late, at('2026-11-28T09:01:00Z'), never)).toEqual({ kind: 'none' });
  });
});

describe('parseTime', () => {
  it('GIVEN HH:MM variants THEN minutes; nonsense THEN undefined', () => {
    expect(parseTime('08:30')).toBe(510);
    expect(parseTime('8:05')).toBe(485);
    expect(parseTime('23:59')).toBe(1439);
    for (const bad of ['24:00', '8', '08:60', 'noon', '']) expect(parseTime(bad)).toBeUndefined();
  });
});
