import { ApplicationCommandOptionType, type APIApplicationCommandOption } from 'discord.js';
import { UserError } from '../errors.js';
import type { CommandModule } from '../interactions/command.js';

export interface ParsedLine {
  name: string;
  subcommand?: string;
  values: Record<string, string>;
}

type LeafOption = Exclude<
  APIApplicationCommandOption,
  { type: ApplicationCommandOptionType.Subcommand | ApplicationCommandOptionType.SubcommandGroup }
>;

/**
 * Reads a console line the way Discord's own client would fill in options:
 * `/search wheat exports limit:5`, `/topic name:energy deal`. Text before the
 * first `option:` goes to the command's first required option, so the common
 * case needs no option names at all.
 */
export function parseCommandLine(line: string, commands: ReadonlyMap<string, CommandModule>): ParsedLine {
  const trimmed = line.trim().replace(/^\//, '');
  const [name = '', ...restWords] = trimmed.split(/\s+/);
  const command = commands.get(name.toLowerCase());
  if (!command) {
    const known = [...commands.keys()].map((c) => `/${c}`).join(', ');
    throw new UserError(`Unknown command \`/${name}\`. Try one of: ${known}.`);
  }
  let rest = trimmed.slice(name.length).trim();
  let options = (command.data.options ?? []) as APIApplicationCommandOption[];
  let subcommand: string | undefined;
  const subs = options.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
  if (subs.length > 0) {
    const sub = subs.find((s) => s.name === restWords[0]?.toLowerCase());
    if (!sub) throw new UserError(`\`/${name}\` needs one of: ${subs.map((s) => s.name).join(', ')}.`);
    subcommand = sub.name;
    rest = rest.slice(sub.name.length).trim();
    options = (sub.options ?? []) as APIApplicationCommandOption[];
  }
  const leaves = options as LeafOption[];
  const values: Record<string, string> = {};
  const keyPattern = new RegExp(`(?:^|\\s)(${leaves.map((o) => escapeRegExp(o.name)).join('|') || '(?!)'}):`, 'gi');
  const marks = [...rest.matchAll(keyPattern)].map((m) => ({
    key: m[1]!.toLowerCase(),
    start: m.index + m[0].length - m[1]!.length - 1,
    valueStart: m.index + m[0].length,
  }));
  const free = (marks.length ? rest.slice(0, marks[0]!.start) : rest).trim();
  if (free) {
    const target = leaves.find((o) => 'required' in o && o.required) ?? leaves[0];
    if (!target) throw new UserError(`\`/${name}\` takes no options.`);
    values[target.name] = unquote(free);
  }
  marks.forEach((mark, i) => {
    const end = i + 1 < marks.length ? marks[i + 1]!.start : rest.length;
    values[mark.key] = unquote(rest.slice(mark.valueStart, end).trim());
  });

  for (const option of leaves) {
    const value = values[option.name];
    if (value === undefined || value === '') {
      if ('required' in option && option.required) {
        throw new UserError(`\`/${name}${subcommand ? ` ${subcommand}` : ''}\` needs \`${option.name}\` (${option.description}).`);
      }
      continue;
    }
    if ('choices' in option && option.choices?.length) {
      const match = option.choices.find(
        (c) => String(c.value).toLowerCase() === value.toLowerCase() || c.name.toLowerCase() === value.toLowerCase(),
      );
      if (!match) {
        throw new UserError(`\`${option.name}\` must be one of: ${option.choices.map((c) => c.value).join(', ')}.`);
      }
      values[option.name] = String(match.value);
    }
  }
  return { name: command.data.name, subcommand, values };
}

function unquote(s: string): string {
  const m = /^(["“'])(.*)(["”'])$/s.exec(s);
  return m ? m[2]! : s;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
