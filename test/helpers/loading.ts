import { LOADING } from '../../src/discord/interactions.js';
import type { FakeDiscord } from '../fake-discord/server.js';

/**
 * The bot is online before its library has loaded and says so to every
 * interaction meanwhile: send `/sources` until the answer is a real one, and
 * return it (with how many "still loading" answers came first, each checked
 * to be private).
 */
export async function untilAnswering(fake: FakeDiscord, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  let loading = 0;
  for (;;) {
    const res = await fake.sendCommand('sources', {});
    const content = res.final()?.content ?? '';
    if (content !== LOADING) return { res, loading };
    if (!res.ephemeral) throw new Error('a "still loading" answer was public');
    loading++;
    if (Date.now() > until) throw new Error(`still loading after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
