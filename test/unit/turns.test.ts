import { describe, expect, it } from 'vitest';
import { Turns } from '../../src/lifecycle/turns.js';

describe('Turns', () => {
  it('GIVEN a burst of synchronous jobs THEN a timer and I/O due meanwhile run between two jobs, not after the whole burst', async () => {
    const turns = new Turns();
    const order: string[] = [];
    // Each job holds the CPU long enough for a 1 ms timer to fall due, as a search does.
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const jobs = [1, 2, 3, 4].map(async (n) => {
      await turns.wait();
      order.push(`job ${n}`);
      busy(5);
    });
    setTimeout(() => order.push('timer'), 1);
    await Promise.all(jobs);
    expect(order.indexOf('timer')).toBeGreaterThan(0);
    expect(order.indexOf('timer')).toBeLessThan(order.length - 1);
    expect(order.filter((o) => o.startsWith('job'))).toEqual(['job 1', 'job 2', 'job 3', 'job 4']);
  });

  it('GIVEN queued commands THEN an urgent caller (autocomplete) goes next', async () => {
    const turns = new Turns();
    const order: string[] = [];
    const normal = [1, 2, 3].map(async (n) => {
      await turns.wait();
      order.push(`command ${n}`);
    });
    const urgent = turns.wait(true).then(() => order.push('autocomplete'));
    await Promise.all([...normal, urgent]);
    expect(order[0]).toBe('autocomplete');
    expect(turns.waiting).toBe(0);
  });
});
