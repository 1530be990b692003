import type { Writable } from 'node:stream';
import type { BriefSender } from '../digest/sender.js';
import { replyToText } from './render.js';

/**
 * Where the console "posts" a brief: to the terminal, under the channel it
 * would have gone to, so `/digest now` after `/digest set` shows the whole of it.
 */
export function terminalSender(output: Writable): BriefSender {
  let n = 0;
  return {
    isReady: () => true,
    async send(channelId, messages) {
      output.write(`── posted in channel ${channelId} ──\n${replyToText({ content: messages[0] ?? '', more: messages.slice(1) })}\n\n`);
      return messages.map(() => `console-${++n}`);
    },
  };
}
