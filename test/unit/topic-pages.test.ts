import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/console/session.js';
import { loadCommands } from '../../src/interactions/registry.js';
import { Library } from '../../src/library.js';
import { silentLogger } from '../../src/log.js';
import { LIMITS } from '../../src/replies/limits.js';
import { makeDoc } from '../helpers/docs.js';

/** Twelve sentences on the grain corridor: one topic with more points than its key points. */
const body = Array.from({ length: 12 }, (_, i) => `Grain corridor shipment ${i + 1} carried wheat from the northern silos to the port of Aktau.`).join('\n');

async function session(curated: Record<string, string[]>) {
  const library = new Library([makeDoc('corridor', body)], curated);
  return createSession(() => ({ guildId: null, library: () => library }) as never, await loadCommands(), silentLogger);
}

describe('/topic and its More points pages', () => {
  it('GIVEN a topic with more points than key points THEN the count is said and the button pages through the rest', async () => {
    const s = await session({ 'Grain corridor': ['grain corridor'] });
    const first = await s.run('topic', { name: 'Grain corridor' });
    expect(first.content).toMatch(/-# \d key points? above; \d+ more points? in this topic: press \*\*More points\*\*\./);
    expect(first.buttons?.[0]).toMatchObject({ type: 'action', customId: 'topic:0|grain-corridor' });
    const page = await s.answer('/press 1');
    expect(page.ephemeral).toBe(true);
    expect(page.content).toMatch(/^📌 \*\*Grain corridor\*\* — more points 1–5 of \d+/);
    for (const reply of [first, page]) expect(reply.content.length).toBeLessThanOrEqual(LIMITS.content);
  });

  it('GIVEN a curated name of any length THEN every More points button id fits Discord’s 100 characters (ids are slugs of at most 60)', async () => {
    // 98 characters: as long as the name option allows, and a slug cut at 60.
    const name = `Grain corridor ${'and northern silo logistics '.repeat(3)}`.trim();
    const s = await session({ [name]: ['grain corridor'] });
    let reply = await s.run('topic', { name });
    expect(reply.buttons).toHaveLength(1);
    let pages = 0;
    for (; reply.buttons?.length; pages++) {
      expect(pages).toBeLessThan(5);
      for (const b of reply.buttons) if (b.type === 'action') expect(b.customId.length).toBeLessThanOrEqual(LIMITS.customId);
      reply = await s.answer('/press 1');
      expect(reply.content).toContain('more points');
    }
    expect(pages).toBeGreaterThanOrEqual(2);
  });
});
