import type { Reply } from '../replies/types.js';

export interface RenderOptions {
  /**
   * The console previews the bot: numbered buttons to press, and a note on what
   * Discord would show privately. The CLI is one-shot and not Discord: links only.
   */
  interactive?: boolean;
}

/** One Discord message as plain terminal text. */
function messageToText(content: string): string {
  return (
    content
      // Discord shows <t:…> timestamps in the reader's zone; a terminal gets the UTC date and time.
      // Before unescaping, so an escaped `\<t:1\>` typed in a document stays literal.
      .replace(/(?<!\\)<t:(\d{1,12})(?::[tTdDfFR])?>/g, (_m, secs: string) => `${new Date(Number(secs) * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`)
      .replace(/\\([\\*_~`|<>[\]#().+-])/g, '$1')
      .split('\n')
      .map((line) => line.replace(/^-# /, '   '))
      .join('\n')
  );
}

/**
 * Discord markdown as plain terminal text: escapes removed, subtext spelled
 * out, every part of a long answer, and the buttons numbered so the console
 * can press them (`/press 2`, or just `2`).
 */
export function replyToText(reply: Reply, { interactive = true }: RenderOptions = {}): string {
  const parts = [reply.content, ...(reply.more ?? [])].map(messageToText);
  const lines = [parts.join('\n\n')];
  const buttons = reply.buttons ?? [];
  if (interactive && buttons.length) {
    lines.push(buttons.map((b, i) => `[${i + 1}] ${b.label}${b.type === 'link' ? ` ↗ ${b.url}` : ''}`).join('  '));
    lines.push(`   (press a button with its number: ${buttons.length === 1 ? '1' : `1–${buttons.length}`}, or /press N)`);
  }
  if (!interactive) for (const b of buttons) if (b.type === 'link') lines.push(`${b.label}: ${b.url}`);
  if (reply.ephemeral && interactive) lines.push('   (only you would see this in Discord)');
  return lines.join('\n');
}
