import { describe, expect, it } from 'vitest';
import { cooldownMessage, Cooldowns } from '../../src/abuse/cooldown.js';

function clock(start = 1_750_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const settings = { userSeconds: 5, guildPerMinute: 3, commands: ['search', 'summary'] };

describe('Cooldowns', () => {
  it('GIVEN a user who just searched THEN a second search within the cooldown is refused until the gap has passed', () => {
    const c = clock();
    const cd = new Cooldowns(settings, c.now);
    expect(cd.take('search', 'u1', 'g1')).toEqual({ ok: true });
    c.advance(2_000);
    expect(cd.take('summary', 'u1', 'g1')).toEqual({ ok: false, scope: 'user', retryAt: c.now() + 3_000 });
    c.advance(3_000);
    expect(cd.take('search', 'u1', 'g1')).toEqual({ ok: true });
  });

  it('GIVEN cheap commands THEN they are never limited', () => {
    const cd = new Cooldowns(settings, clock().now);
    for (let i = 0; i < 50; i++) expect(cd.take('help', 'u1', 'g1').ok).toBe(true);
  });

  it('GIVEN a guild at its per-minute cap THEN other users there wait for the oldest use to age out, and other guilds do not', () => {
    const c = clock();
    const cd = new Cooldowns(settings, c.now);
    const first = c.now();
    for (const u of ['a', 'b', 'c']) {
      expect(cd.take('search', u, 'g1').ok).toBe(true);
      c.advance(1_000);
    }
    expect(cd.take('search', 'd', 'g1')).toEqual({ ok: false, scope: 'guild', retryAt: first + 60_000 });
    expect(cd.take('search', 'd', 'g2').ok).toBe(true);
    c.advance(60_000 - 3_000);
    expect(cd.take('search', 'e', 'g1').ok).toBe(true);
  });

  it('GIVEN a refused attempt THEN it does not extend the wait', () => {
    const c = clock();
    const cd = new Cooldowns(settings, c.now);
    cd.take('search', 'u1', null);
    c.advance(4_000);
    expect(cd.take('search', 'u1', null).ok).toBe(false);
    c.advance(1_000);
    expect(cd.take('search', 'u1', null).ok).toBe(true);
  });

  it('GIVEN limits set to 0 THEN nothing is limited', () => {
    const cd = new Cooldowns({ userSeconds: 0, guildPerMinute: 0, commands: ['search'] }, clock().now);
    for (let i = 0; i < 100; i++) expect(cd.take('search', 'u1', 'g1').ok).toBe(true);
  });

  it('GIVEN months of distinct users THEN expired entries are swept and memory stays flat', () => {
    const c = clock();
    const cd = new Cooldowns(settings, c.now);
    for (let i = 0; i < 10_000; i++) {
      cd.take('search', `u${i}`, `g${i % 500}`);
      c.advance(100);
    }
    // 10,000 uses over ~17 minutes: only the last minute's users and guilds may remain.
    expect(cd.size.users).toBeLessThanOrEqual(600);
    expect(cd.size.guilds).toBeLessThanOrEqual(500);
  });

  it('GIVEN a refusal THEN the message names the command and uses a Discord relative timestamp', () => {
    expect(cooldownMessage('search', { ok: false, scope: 'user', retryAt: 1_750_000_003_200 })).toBe(
      'You’re going a little fast: `/search` is available to you again <t:1750000004:R>.',
    );
    expect(cooldownMessage('search', { ok: false, scope: 'guild', retryAt: 1_750_000_060_000 })).toContain('<t:1750000060:R>');
  });
});
