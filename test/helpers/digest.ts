import { SendFailure, type BriefSender } from '../../src/digest/sender.js';

/** Records posts; optionally fails with a Discord code, or stays "not ready". */
export class RecordingSender implements BriefSender {
  posts: { channelId: string; messages: readonly string[]; nonces: readonly string[] }[] = [];
  ready = true;
  failWith?: number;
  private next = 1;
  isReady() {
    return this.ready;
  }
  async send(channelId: string, messages: readonly string[], nonces: readonly string[], onPart?: (id: string) => void | Promise<void>) {
    if (this.failWith) throw new SendFailure('Missing Permissions', this.failWith, []);
    this.posts.push({ channelId, messages, nonces });
    const ids = messages.map(() => String(this.next++));
    for (const id of ids) await onPart?.(id);
    return ids;
  }
}
