import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { UserError } from '../src/errors.js';
import { choice } from '../src/interactions/autocomplete.js';
import type { AutocompleteContext, CommandContext } from '../src/interactions/command.js';
import { LIMITS, fitBlocks } from '../src/replies/limits.js';
import { escapeMarkdown } from '../src/replies/markdown.js';
import { passage, plural } from '../src/replies/passages.js';
import type { Reply } from '../src/replies/types.js';
import { rankTopicsForAutocomplete } from '../src/topics/build.js';
import type { Topic } from '../src/types.js';

export const data = {
  name: 'topic',
  description: "A topic's summary: its key points, quoted with citations",
  options: [
    { type: ApplicationCommandOptionType.String, name: 'name', description: 'Topic name', required: true, autocomplete: true, max_length: 100 },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export async function execute(ctx: CommandContext): Promise<Reply> {
  const name = ctx.options.string('name', { max: 100 });
  if (!name?.trim()) throw new UserError('Please name a topic; `/topics` lists them.');
  const topic = ctx.library.topic(name);
  await ctx.defer();
  const header = `📌 **${escapeMarkdown(topic.name)}** — ${plural(topic.points.length, 'point')} in ${plural(topic.documents.length, 'document')}`;
  const multiDoc = topic.documents.length > 1;
  const blocks = topic.summary.map((p) => passage(ctx.library, p, { title: multiDoc, maxChars: 380 }));
  const related = relatedTopics(ctx.library.topics, topic);
  const footer = related.length ? `\n\n-# Related topics: ${related.map((t) => escapeMarkdown(t.name)).join(' · ')}` : '';
  const body = fitBlocks(blocks, LIMITS.content - header.length - footer.length - 2, '\n', (n) => `-# ${plural(n, 'more key point')} did not fit.`);
  return { content: `${header}\n\n${body}${footer}` };
}

export function autocomplete(ctx: AutocompleteContext) {
  return rankTopicsForAutocomplete(ctx.library.topics, ctx.focused.value, LIMITS.autocompleteChoices).map((t) =>
    choice(`${t.name} (${plural(t.points.length, 'point')})`, t.name),
  );
}

/** Topics sharing the most member points with this one. */
function relatedTopics(topics: readonly Topic[], topic: Topic): Topic[] {
  const mine = new Set(topic.points.map((p) => p.id));
  return topics
    .filter((t) => t.id !== topic.id)
    .map((t) => ({ t, shared: t.points.filter((p) => mine.has(p.id)).length }))
    .filter((x) => x.shared > 0)
    .sort((a, b) => b.shared - a.shared || a.t.name.localeCompare(b.t.name))
    .slice(0, 3)
    .map((x) => x.t);
}
