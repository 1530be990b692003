import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cooldownMessage, Cooldowns, DEFAULT_COOLDOWNS, NO_COOLDOWNS, type CooldownVerdict } from '../../src/abuse/cooldown.js';

function clock(start = 1_750_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

type Refusal = Extract<CooldownVerdict, { ok: false }>;

describe('Cooldowns at a human pace (the defaults)', () => {
  it('GIVEN five commands in a row, then one every 2 s for an hour THEN none is ever refused', () => {
    const c = clock();
    const cd = new Cooldowns(DEFAULT_COOLDOWNS, c.now);
    for (let i = 0; i < 5; i++) {
      expect(cd.take('u1', 'g1')).toEqual({ ok: true });
      c.advance(300);
    }
    for (let i = 0; i < 1_800; i++) {
      c.advance(2_000);
      expect(cd.take('u1', 'g1')).toEqual({ ok: true });
    }
  });

  it('GIVEN /search, /topic, /summary, then "More results" and "Show paragraph" within three seconds THEN none is refused', () => {
    const c = clock();
    const cd = new Cooldowns(DEFAULT_COOLDOWNS, c.now);
    for (let i = 0; i < 5; i++) {
      expect(cd.take('u1', 'g1').ok).toBe(true);
      c.advance(600);
    }
  });

  it('GIVEN any schedule with at most 5 commands in every 10 s THEN no command is refused', () => {
    // Gaps between commands; schedules breaking the human-pace rule are skipped, not trimmed.
    const gaps = fc.array(fc.integer({ min: 0, max: 12_000 }), { minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(gaps, (ms) => {
        const times = ms.reduce<number[]>((acc, gap) => [...acc, (acc.at(-1) ?? 0) + gap], []);
        fc.pre(times.every((t, i) => i < 5 || t - times[i - 5]! >= 10_000));
        const c = clock();
        const cd = new Cooldowns(DEFAULT_COOLDOWNS, c.now);
        let at = 0;
        for (const t of times) {
          c.advance(t - at);
          at = t;
          if (!cd.take('u1', 'g1').ok) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('GIVEN a person typing a 60-character query at 8 keys a second, twice THEN every keystroke is served and no command is spent', () => {
    const c = clock();
    const cd = new Cooldowns(DEFAULT_COOLDOWNS, c.now);
    for (let i = 0; i < 120; i++) {
      expect(cd.takeKeystroke('u1')).toBe(true);
      c.advance(125);
    }
    for (let i = 0; i < DEFAULT_COOLDOWNS.userBurst; i++) expect(cd.take('u1', 'g1').ok).toBe(true);
  });
});

describe('Cooldowns against floods', () => {
  it('GIVEN a script at 50 commands a minute for five minutes THEN it is slowed to the sustained rate, told when to retry, and a person beside it is never refused', () => {
    const c = clock();
    const cd = new Cooldowns(DEFAULT_COOLDOWNS, c.now);
    let served = 0;
    const refusals: Refusal[] = [];
    for (let i = 0; i < 250; i++) {
      const verdict = cd.take('script', 'g1');
      if (verdict.ok) served++;
      else refusals.push(verdict);
      if (verdict.ok === false) {
        expect(verdict.scope).toBe('user');
        expect(verdict.retryAt).toBeGreaterThan(c.now());
        expect(verdict.retryAt - c.now()).toBeLessThanOrEqual(2_000);
      }
      if (i % 25 === 0) expect(cd.take('person', 'g1').ok).toBe(true);
      c.advance(1_200);
    }
    // The burst plus 30 a minute for five minutes, at most.
    expect(served).toBeLessThanOrEqual(DEFAULT_COOLDOWNS.userBurst + 5 * DEFAULT_COOLDOWNS.userPerMinute);
    expect(refusals.length).toBeGreaterThanOrEqual(250 - 160);
  });

  it('GIVEN a refused attempt THEN coming back at its retry time succeeds: refusals neither extend the wait nor spend anything', () => {
    const c = clock();
    const cd = new Cooldowns({ ...NO_COOLDOWNS, userBurst: 2, userPerMinute: 6, guildPerMinute: 100 }, c.now);
    expect(cd.take('u1', 'g1').ok).toBe(true);
    expect(cd.take('u1', 'g1').ok).toBe(true);
    const refused = cd.take('u1', 'g1') as Refusal;
    expect(refused).toEqual({ ok: false, scope: 'user', retryAt: c.now() + 10_000 });
    for (let i = 0; i < 9; i++) {
      c.advance(1_000);
      expect(cd.take('u1', 'g1')).toEqual(refused);
    }
    c.advance(1_000);
    expect(cd.take('u1', 'g1').ok).toBe(true);
  });

  it('GIVEN many accounts flooding one server THEN the server is capped, with a server-wide message, and other servers are untouched', () => {
    const c = clock();
    const cd = new Cooldowns({ ...DEFAULT_COOLDOWNS, guildPerMinute: 20 }, c.now);
    const verdicts = Array.from({ length: 30 }, (_, i) => cd.take(`bot${i}`, 'g1'));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(20);
    const refused = verdicts.find((v) => !v.ok) as Refusal;
    expect(refused.scope).toBe('guild');
    expect(refused.retryAt).toBe(c.now() + 3_000);
    expect(cd.take('someone', 'g2').ok).toBe(true);
    c.advance(3_000);
    expect(cd.take('someone', 'g1').ok).toBe(true);
  });

  it('GIVEN a script hammering autocomplete THEN it is cut off after ten seconds\' worth, and other users keep typing', () => {
    const c = clock();
    const cd = new Cooldowns(DEFAULT_COOLDOWNS, c.now);
    let served = 0;
    for (let i = 0; i < 500; i++) {
      if (cd.takeKeystroke('script')) served++;
      c.advance(10);
    }
    // 5 s of hammering: the 50-keystroke burst plus 5 a second.
    expect(served).toBeLessThanOrEqual(50 + 26);
    expect(served).toBeGreaterThanOrEqual(50);
    expect(cd.takeKeystroke('person')).toBe(true);
    expect(cd.take('script', 'g1').ok).toBe(true);
  });

  it('GIVEN direct messages THEN they count against a per-user cap even with the user bucket off, and one user in DMs does not slow another', () => {
    const c = clock();
    const cd = new Cooldowns({ ...NO_COOLDOWNS, guildPerMinute: 3 }, c.now);
    for (let i = 0; i < 3; i++) expect(cd.take('u1', null).ok).toBe(true);
    const refused = cd.take('u1', null) as Refusal;
    expect(refused.ok).toBe(false);
    // Outside a server, the refusal is the user's own: no "this server" in a DM.
    expect(refused.scope).toBe('user');
    expect(cd.take('u2', null).ok).toBe(true);
  });
});

describe('Cooldowns, configuration and memory', () => {
  it('GIVEN each limit set to 0 THEN that limit is off and the others still hold', () => {
    const c = clock();
    const off = new Cooldowns(NO_COOLDOWNS, c.now);
    for (let i = 0; i < 500; i++) {
      expect(off.take('u1', 'g1').ok).toBe(true);
      expect(off.takeKeystroke('u1')).toBe(true);
    }
    const noBurst = new Cooldowns({ ...DEFAULT_COOLDOWNS, userBurst: 0, guildPerMinute: 0 }, c.now);
    for (let i = 0; i < 500; i++) expect(noBurst.take('u1', 'g1').ok).toBe(true);
    const guildOnly = new Cooldowns({ ...NO_COOLDOWNS, guildPerMinute: 5 }, c.now);
    const served = Array.from({ length: 10 }, (_, i) => guildOnly.take(`u${i}`, 'g1')).filter((v) => v.ok);
    expect(served).toHaveLength(5);
  });

  it('GIVEN months of distinct users THEN refilled buckets are swept and memory stays flat', () => {
    const c = clock();
    const cd = new Cooldowns(DEFAULT_COOLDOWNS, c.now);
    for (let i = 0; i < 10_000; i++) {
      cd.take(`u${i}`, `g${i % 500}`);
      cd.takeKeystroke(`u${i}`);
      c.advance(100);
    }
    // A user's bucket refills in 2 s, a server's in a minute, keystrokes in 10 s: only recent ones remain after a sweep.
    expect(cd.size.users).toBeLessThanOrEqual(700);
    expect(cd.size.keystrokes).toBeLessThanOrEqual(700);
    expect(cd.size.guilds).toBeLessThanOrEqual(500);
  });

  it('GIVEN a refusal THEN the message names the command and uses a Discord relative timestamp', () => {
    expect(cooldownMessage('search', { ok: false, scope: 'user', retryAt: 1_750_000_003_200 })).toBe(
      'You’re going a little fast: `/search` is available to you again <t:1750000004:R>.',
    );
    expect(cooldownMessage('search', { ok: false, scope: 'guild', retryAt: 1_750_000_060_000 })).toContain('<t:1750000060:R>');
  });
});
