import { createHash } from 'node:crypto';

/**
 * Posting to a channel, kept behind an interface so the scheduler and the
 * service never touch discord.js (the edge implements it in src/discord/).
 */
export interface BriefSender {
  /** False while the gateway session is down: nothing is claimed or sent then. */
  isReady(): boolean;
  /**
   * Posts the parts in order, each with its nonce (Discord returns the original
   * message instead of a duplicate when a nonce is repeated). `onPart` hears of
   * each part as soon as Discord has it, so progress survives a crash mid-brief.
   * Resolves with the message ids; rejects with a SendFailure carrying the ids
   * already posted.
   */
  send(channelId: string, messages: readonly string[], nonces: readonly string[], onPart?: (messageId: string) => void | Promise<void>): Promise<string[]>;
}

export class SendFailure extends Error {
  override name = 'SendFailure';
  constructor(
    message: string,
    /** Discord's JSON error code (10003, 50001, 50013…), when Discord gave one. */
    readonly code: number | undefined,
    readonly sentIds: string[],
  ) {
    super(message);
  }
}

/**
 * Discord's nonce (at most 25 characters), the same for the same guild, day and
 * part, so a retry after a crash is recognised as the same message.
 */
export function briefNonce(guildId: string, key: string, part: number): string {
  return `b${createHash('sha256').update(`${guildId}:${key}:${part}`).digest('base64url').slice(0, 24)}`;
}

/** What the team should do about a failed post: shown by `/digest show`. */
export function explainFailure(code: number | undefined, message: string | undefined): string {
  switch (code) {
    case 10003:
      return 'the channel no longer exists. Choose another with `/digest set`.';
    case 50001:
      return 'Dossier cannot see the channel. Give it the View Channel permission there, or choose another channel.';
    case 50013:
      return 'Dossier lacks permission to post there. Give it Send Messages and Embed Links in that channel.';
    case undefined:
      return message ? `it could not be posted (${message}).` : 'it could not be posted.';
    default:
      return `Discord refused it (error ${code}${message ? `: ${message}` : ''}).`;
  }
}
