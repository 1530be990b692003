import type { Reply } from '../replies/types.js';

/**
 * Discord markdown as plain terminal text: escapes removed, subtext and
 * buttons spelled out, so the console shows what Discord would.
 */
export function replyToText(reply: Reply): string {
  const lines = reply.content
    // Discord shows <t:…> timestamps in the reader's zone; a terminal gets the UTC date and time.
    // Before unescaping, so an escaped `\<t:1\>` typed in a document stays literal.
    .replace(/(?<!\\)<t:(\d{1,12})(?::[tTdDfFR])?>/g, (_m, secs: string) => `${new Date(Number(secs) * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`)
    .replace(/\\([\\*_~`|<>[\]#().+-])/g, '$1')
    .split('\n')
    .map((line) => line.replace(/^-# /, '   '));
  const buttons = (reply.buttons ?? []).map((b) => (b.type === 'link' ? `[${b.label}: ${b.url}]` : `[${b.label}]`));
  if (buttons.length) lines.push(buttons.join(' '));
  if (reply.ephemeral) lines.push('   (only you would see this in Discord)');
  return lines.join('\n');
}
