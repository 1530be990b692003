import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { documentChoices } from '../src/interactions/autocomplete.js';
import type { AutocompleteContext, CommandContext } from '../src/interactions/command.js';
import { LIMITS, fitBlocks } from '../src/replies/limits.js';
import { escapeMarkdown, plainText } from '../src/replies/markdown.js';
import { passage, plural } from '../src/replies/passages.js';
import type { Reply } from '../src/replies/types.js';
import { summaryLength } from '../src/summary/index.js';

export const data = {
  name: 'summary',
  description: "A document's extractive summary: its most central sentences, quoted verbatim",
  options: [
    { type: ApplicationCommandOptionType.String, name: 'document', description: 'Which document (default: the whole library)', autocomplete: true, max_length: 100 },
    {
      type: ApplicationCommandOptionType.String,
      name: 'length',
      description: 'How long (default medium)',
      choices: [
        { name: 'short (2 sentences)', value: 'short' },
        { name: 'medium (3 sentences)', value: 'medium' },
        { name: 'long (5 sentences)', value: 'long' },
      ],
    },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export async function execute(ctx: CommandContext): Promise<Reply> {
  const slug = ctx.options.string('document', { max: 100 });
  const length = ctx.options.string('length', { max: 10 }) ?? 'medium';
  const doc = slug ? ctx.library.requireDoc(slug) : undefined;
  const sentences = summaryLength(length);
  // Whole-library summaries score every sentence: acknowledge first.
  await ctx.defer();
  const points = ctx.library.summary(doc?.slug, sentences);
  const title = doc ? `*${plainText(doc.meta.title)}*` : `the library (${plural(ctx.library.docs.length, 'document')})`;
  if (points.length === 0) return { content: `${title} has no sentences long enough to summarise.` };
  const header = `📝 Summary of ${title} — ${plural(points.length, 'sentence')}, in source order`;
  const blocks = points.map((p) => passage(ctx.library, p, { title: !doc, maxChars: 500 }));
  const body = fitBlocks(blocks, LIMITS.content - header.length - 2, '\n', (n) => `-# ${plural(n, 'more sentence')} did not fit.`);
  return { content: `${header}\n\n${body}` };
}

export function autocomplete(ctx: AutocompleteContext) {
  return documentChoices(ctx.library, ctx.focused.value);
}
