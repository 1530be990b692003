import { DiscordAPIError, type Client } from 'discord.js';
import { SendFailure, type BriefSender } from '../digest/sender.js';
import { NO_MENTIONS } from './message.js';

/**
 * Posts briefs with discord.js, which queues requests per route and waits out
 * 429s, so a burst of guilds at 08:00 respects Discord's rate limits.
 */
export class DiscordBriefSender implements BriefSender {
  /** Takes a getter so the brief service can exist before the client logs in (commands may need it at once). */
  constructor(private readonly client: Client | (() => Client | undefined)) {}

  private get current(): Client | undefined {
    return typeof this.client === 'function' ? this.client() : this.client;
  }

  isReady(): boolean {
    return this.current?.isReady() ?? false;
  }

  async send(channelId: string, messages: readonly string[], nonces: readonly string[], onPart?: (messageId: string) => void | Promise<void>): Promise<string[]> {
    const ids: string[] = [];
    try {
      const client = this.current;
      if (!client) throw new SendFailure('not connected to Discord yet', undefined, ids);
      const channel = await client.channels.fetch(channelId);
      if (!channel || !channel.isSendable()) throw new SendFailure('not a channel Dossier can post in', undefined, ids);
      for (const [i, content] of messages.entries()) {
        const message = await channel.send({ content, allowedMentions: NO_MENTIONS, nonce: nonces[i], enforceNonce: true });
        ids.push(message.id);
        await onPart?.(message.id);
      }
      return ids;
    } catch (err) {
      if (err instanceof SendFailure) throw err;
      if (err instanceof DiscordAPIError) throw new SendFailure(err.message, typeof err.code === 'number' ? err.code : undefined, ids);
      throw new SendFailure(err instanceof Error ? err.message : String(err), undefined, ids);
    }
  }
}
