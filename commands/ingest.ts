import { ApplicationCommandOptionType, InteractionContextType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { UserError } from '../src/errors.js';
import { requireLibraryEditor } from '../src/ingest/access.js';
import { parseTags } from '../src/ingest/tags.js';
import type { IngestResult, IngestSource } from '../src/ingest/service.js';
import type { CommandContext } from '../src/interactions/command.js';
import { LIMITS, truncate } from '../src/replies/limits.js';
import { code, escapeMarkdown, plainText } from '../src/replies/markdown.js';
import { plural } from '../src/replies/passages.js';
import type { Reply } from '../src/replies/types.js';

export const data = {
  name: 'ingest',
  // Changes a server's library: nothing to act on in a DM.
  contexts: [InteractionContextType.Guild],
  description: 'Add a document to the library: attach a file (.txt, .md, .html, .pdf) or give a link',
  options: [
    { type: ApplicationCommandOptionType.Attachment, name: 'file', description: 'A .txt, .md, .html or .pdf file' },
    { type: ApplicationCommandOptionType.String, name: 'url', description: 'A public http(s) link to an article or file', max_length: 2000 },
    { type: ApplicationCommandOptionType.String, name: 'title', description: 'Title (default: taken from the document)', max_length: 200 },
    { type: ApplicationCommandOptionType.String, name: 'tags', description: 'Comma-separated tags, e.g. energy, pakistan', max_length: 300 },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export async function execute(ctx: CommandContext): Promise<Reply> {
  const service = requireLibraryEditor(ctx, 'add documents');
  const file = ctx.attachments?.file;
  const url = ctx.options.string('url', { max: 2000 })?.trim();
  if (file && url) throw new UserError('Give either a file or a link, not both.');
  if (!file && !url) throw new UserError('Attach a file (`file:`) or give a link (`url:`) to add a document.');
  const title = ctx.options.string('title', { max: 200 })?.replace(/\s+/g, ' ').trim() || undefined;
  const tags = parseTags(ctx.options.string('tags', { max: 300 }));
  const source: IngestSource = file?.path ? { kind: 'file', path: file.path } : file ? { kind: 'attachment', ...file } : { kind: 'url', url: url! };
  service.precheck(source);

  await ctx.defer();
  const result = await service.ingest({ source, title, tags, addedBy: ctx.user });
  return render(result);
}

function render(r: IngestResult): Reply {
  const name = `**${plainText(truncate(r.doc.meta.title, 200))}**`;
  if (r.status === 'duplicate') {
    return { content: `That document is already in the library: ${name} ${code(r.doc.slug)}. Nothing was added.`, ephemeral: true };
  }
  const header = `📥 Added ${name} as ${code(r.doc.slug)} — ${plural(r.paragraphs, 'paragraph')}, ${plural(r.points, 'point')}.`;
  const topics = r.topics.length
    ? `Topics: ${r.topics.map((t) => escapeMarkdown(t)).join(' · ')}`
    : 'It joined no topic yet.';
  const hint = `-# Cite it as ${code(`${r.doc.slug}#p1.s1`)} · \`/summary document:${r.doc.slug}\``;
  const room = LIMITS.content - header.length - hint.length - 2;
  return { content: `${header}\n${truncate(topics, room)}\n${hint}` };
}
