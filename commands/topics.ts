import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { documentChoices } from '../src/interactions/autocomplete.js';
import type { AutocompleteContext, CommandContext } from '../src/interactions/command.js';
import { LIMITS, fitBlocks } from '../src/replies/limits.js';
import { escapeMarkdown, plainText } from '../src/replies/markdown.js';
import { plural } from '../src/replies/passages.js';
import type { Reply } from '../src/replies/types.js';

export const data = {
  name: 'topics',
  description: 'List the topics in the library, or in one document, with how many points each has',
  options: [
    { type: ApplicationCommandOptionType.String, name: 'document', description: 'Only topics found in this document', autocomplete: true, max_length: 100 },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export function execute(ctx: CommandContext): Reply {
  const slug = ctx.options.string('document', { max: 100 });
  const topics = ctx.library.topicsFor(slug);
  const scope = slug ? `*${plainText(ctx.library.requireDoc(slug).meta.title)}*` : 'the library';
  if (topics.length === 0) return { content: `No topics found in ${scope} yet.`, ephemeral: true };
  const header = `🗂️ ${plural(topics.length, 'topic')} in ${scope}`;
  const lines = topics.map((t) => {
    const count = slug ? t.points.filter((p) => p.doc === slug).length : t.points.length;
    const docs = !slug && t.documents.length > 1 ? ` in ${plural(t.documents.length, 'document')}` : '';
    return `- **${escapeMarkdown(t.name)}** — ${plural(count, 'point')}${docs}${t.curated ? ' · curated' : ''}`;
  });
  const body = fitBlocks(lines, LIMITS.content - header.length - 40, '\n', (n) => `-# …and ${plural(n, 'smaller topic')}.`);
  return { content: `${header}\n${body}\n-# Open one with /topic.` };
}

export function autocomplete(ctx: AutocompleteContext) {
  return documentChoices(ctx.library, ctx.focused.value);
}
