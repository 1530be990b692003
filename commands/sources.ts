import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { CommandContext } from '../src/interactions/command.js';
import { LIMITS, fitBlocks } from '../src/replies/limits.js';
import { code, plainText, sourceLink } from '../src/replies/markdown.js';
import { plural } from '../src/replies/passages.js';
import type { Reply } from '../src/replies/types.js';
import type { Doc } from '../src/types.js';

export const data = {
  name: 'sources',
  description: 'The documents this server sees, its own and the shared ones: title, slug, size, source, when added',
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/**
 * `added_by` is written as `name (discord id)`; only the name is shown (no mention, no id), and only for
 * the server's own documents: who added a shared one (perhaps in another server) is not this server's business.
 */
function added(doc: Doc): string {
  const meta = doc.meta;
  if (!meta.addedBy && !meta.addedAt) return '';
  const who = meta.addedBy && doc.guild ? ` by ${plainText(meta.addedBy.replace(/\s*\(\d{17,20}\)$/, '').slice(0, 40))}` : '';
  const time = meta.addedAt ? Date.parse(meta.addedAt) : NaN;
  // <t:…:R> renders in each reader's own time zone ("3 days ago").
  const when = Number.isNaN(time) ? '' : ` <t:${Math.floor(time / 1000)}:R>`;
  return ` · added${who}${when}`;
}

export function execute(ctx: CommandContext): Reply {
  // The server's own documents first: they are what its members added and can remove.
  const sources = ctx.library.sources().sort((a, b) => Number(b.doc.guild !== undefined) - Number(a.doc.guild !== undefined));
  if (sources.length === 0) return { content: 'The library is empty: add documents to the data folder.', ephemeral: true };
  const points = sources.reduce((n, s) => n + s.paragraphs + s.sentences, 0);
  const shared = sources.filter((s) => s.doc.guild === undefined).length;
  const own = ctx.guildId ? ` (${sources.length - shared} added here, ${shared} shared)` : '';
  const header = `📚 ${plural(sources.length, 'document')}${own} · ${plural(points, 'point')}`;
  const lines = sources.map(({ doc, paragraphs, sentences }) => {
    // Angle brackets stop Discord from unfurling every link into a preview.
    const url = sourceLink(doc.meta.source);
    const link = url ? ` · ${url}` : '';
    const mark = ctx.guildId && doc.guild === undefined ? ' · shared' : '';
    return `- **${plainText(doc.meta.title)}** ${code(doc.slug)}${mark} · ${plural(paragraphs, 'paragraph')}, ${plural(sentences, 'sentence')}${link}${added(doc)}`;
  });
  const body = fitBlocks(lines, LIMITS.content - header.length - 1, '\n', (n) => `-# …and ${plural(n, 'more document')}.`);
  return { content: `${header}\n${body}` };
}
