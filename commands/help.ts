import { ApplicationCommandOptionType, type APIApplicationCommandOption, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { CommandContext } from '../src/interactions/command.js';
import { LIMITS, truncate } from '../src/replies/limits.js';
import type { Reply } from '../src/replies/types.js';

export const data = {
  name: 'help',
  description: 'What each Dossier command does',
} satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export function execute(ctx: CommandContext): Reply {
  const usage = (name: string, options: readonly APIApplicationCommandOption[] = []) =>
    `/${name}${options.map((o) => ('required' in o && o.required ? ` ${o.name}:` : ` [${o.name}:]`)).join('')}`;
  const lines = [...ctx.commands]
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((c) => {
      // Subcommands read as their own commands: `/digest set channel: …`.
      const subs = (c.options ?? []).filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
      if (subs.length === 0) return [`- \`${usage(c.name, c.options)}\` — ${c.description}`];
      return subs.map((sub) => `- \`${usage(`${c.name} ${sub.name}`, sub.options)}\` — ${sub.description}`);
    });
  const content = [
    '**Dossier** answers from your team’s documents with verbatim quotes and citations — nothing is paraphrased.',
    ...lines,
    '-# Citations look like `slug#p3.s2` (paragraph 3, sentence 2); paste one into /quote to see it in context.',
  ].join('\n');
  return { content: truncate(content, LIMITS.content), ephemeral: true };
}
