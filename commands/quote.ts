import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { UserError } from '../src/errors.js';
import { citationChoices } from '../src/interactions/autocomplete.js';
import type { AutocompleteContext, CommandContext } from '../src/interactions/command.js';
import { verbatim } from '../src/documents/verbatim.js';
import type { Library, Quote } from '../src/library.js';
import { LIMITS, truncate } from '../src/replies/limits.js';
import { blockQuote, escapeMarkdown } from '../src/replies/markdown.js';
import { attribution, plural } from '../src/replies/passages.js';
import type { Reply } from '../src/replies/types.js';
import type { Point } from '../src/types.js';

export const data = {
  name: 'quote',
  description: 'Show the exact passage for a citation, optionally with the sentences around it',
  options: [
    { type: ApplicationCommandOptionType.String, name: 'citation', description: 'e.g. putin-sharif-sco#p3.s2 (type words to search)', required: true, autocomplete: true, max_length: 100 },
    { type: ApplicationCommandOptionType.Integer, name: 'context', description: 'Sentences of context before and after (0–3)', min_value: 0, max_value: 3 },
  ],
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export async function execute(ctx: CommandContext): Promise<Reply> {
  const citation = ctx.options.string('citation', { max: 100 });
  if (!citation?.trim()) throw new UserError('Please give a citation such as `putin-sharif-sco#p3.s2`.');
  const context = ctx.options.integer('context', { min: 0, max: 3 }) ?? 0;
  return render(ctx.library, await verbatim(ctx.library.quote(citation, context), context, ctx.logger), context);
}

export function autocomplete(ctx: AutocompleteContext) {
  return citationChoices(ctx.library, ctx.focused.value);
}

/** "Show paragraph" buttons carry `quote:<citation>`; the clicker alone sees the answer. */
export async function button(ctx: CommandContext, payload: string): Promise<Reply> {
  return { ...render(ctx.library, await verbatim(ctx.library.quote(payload, 0), 0, ctx.logger), 0), ephemeral: true };
}

/** `q` has been checked against its file (see verbatim): what is shown as the source's words is. */
function render(library: Library, q: Quote, context: number): Reply {
  // Context that runs into a neighbouring paragraph: every sentence says which paragraph it is from.
  const crosses = [...q.before, ...q.after].some((p) => p.paragraph !== q.point.paragraph);
  const label = (p: Point) => (crosses ? `\n${attribution(library, p, { title: false })}` : '');
  const italic = (p: Point) => `> *${escapeMarkdown(p.text).replace(/\*/g, '\\*')}*${label(p)}`;
  const before = q.before.map(italic);
  const after = q.after.map(italic);
  const note = context > 0 ? ` · ${plural(q.before.length + q.after.length, 'sentence')} of context in italics` : '';
  const footer = `${attribution(library, q.point)}${note}`;
  const overhead = footer.length + label(q.point).length + [...before, ...after].reduce((n, l) => n + l.length + 1, 0) + 10;
  // Context is a courtesy; the cited passage itself is what must fit.
  const room = LIMITS.content - overhead;
  if (room < 300) {
    return { content: `${blockQuote(q.point.text, { maxChars: LIMITS.content - footer.length - 40 })}\n${footer}` };
  }
  const main = blockQuote(q.point.text, { maxChars: room - 40 }) + label(q.point);
  const cut = q.point.text.length > room - 40 ? `\n-# The passage is longer than one Discord message; quote its sentences (\`${q.point.doc}#p${q.point.paragraph}.s1\` …) for the rest.` : '';
  return { content: truncate([...before, main, ...after, footer].join('\n') + cut, LIMITS.content) };
}
