import { expect } from 'vitest';
import type { FakeDiscord } from '../fake-discord/server.js';
import type { StoredMessage } from '../fake-discord/types.js';

/** What the asker ends up seeing (the last follow-up, else the reply), and whether only they see it. */
export function shown(res: { final(): StoredMessage | undefined; followups(): StoredMessage[] }): { content: string; ephemeral: boolean } {
  const message = res.followups().at(-1) ?? res.final();
  expect(message, 'the interaction has a visible message').toBeDefined();
  return { content: message!.content, ephemeral: (message!.flags & 64) === 64 };
}

/** Every message the bot sent (replies, follow-ups, channel posts) fit Discord's 2,000 characters and pinged no one; returns how many it sent. */
export function expectSentSafely(fake: FakeDiscord): number {
  const sent = fake.requests.filter((r) => /^\/(interactions|webhooks|channels)\//.test(r.path) && r.body && r.method !== 'GET');
  for (const r of sent) {
    const data = r.body.data ?? r.body;
    if (typeof data.content === 'string') {
      expect(data.content.length).toBeLessThanOrEqual(2000);
      expect(data.allowed_mentions, `${r.method} ${r.path}`).toEqual({ parse: [] });
    }
  }
  return sent.length;
}
