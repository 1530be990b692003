import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { CommandContext } from '../src/interactions/command.js';
import { LIMITS, fitBlocks } from '../src/replies/limits.js';
import { code, escapeMarkdown } from '../src/replies/markdown.js';
import { plural } from '../src/replies/passages.js';
import type { Reply } from '../src/replies/types.js';

export const data = {
  name: 'sources',
  description: 'The documents in the library: title, citation slug, size and source link',
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export function execute(ctx: CommandContext): Reply {
  const sources = ctx.library.sources();
  if (sources.length === 0) return { content: 'The library is empty: add documents to the data folder.', ephemeral: true };
  const points = sources.reduce((n, s) => n + s.paragraphs + s.sentences, 0);
  const header = `📚 ${plural(sources.length, 'document')} · ${plural(points, 'point')}`;
  const lines = sources.map(({ doc, paragraphs, sentences }) => {
    // Angle brackets stop Discord from unfurling every link into a preview.
    const link = doc.meta.source ? ` · [source](<${doc.meta.source}>)` : '';
    return `- **${escapeMarkdown(doc.meta.title)}** ${code(doc.slug)} · ${plural(paragraphs, 'paragraph')}, ${plural(sentences, 'sentence')}${link}`;
  });
  const body = fitBlocks(lines, LIMITS.content - header.length - 1, '\n', (n) => `-# …and ${plural(n, 'more document')}.`);
  return { content: `${header}\n${body}` };
}
