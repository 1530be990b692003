import { ApplicationCommandOptionType, type APIApplicationCommandOption, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { UserError } from '../errors.js';
import type { OptionValue } from './options.js';

/** The options a command (or one of its subcommands) declares. */
export function declaredOptions(data: RESTPostAPIChatInputApplicationCommandsJSONBody, subcommand?: string): APIApplicationCommandOption[] {
  const options = (data.options ?? []) as APIApplicationCommandOption[];
  if (!subcommand) return options;
  const sub = options.find((o) => o.type === ApplicationCommandOptionType.Subcommand && o.name === subcommand) as { options?: APIApplicationCommandOption[] } | undefined;
  return sub?.options ?? [];
}

/**
 * Holds values to the limits the command declares to Discord (`max_length`,
 * `min_value`, `max_value`), so the console and the CLI refuse what Discord's
 * own client would, with the limit named: one set of limits in every front end.
 */
export function checkDeclaredLimits(data: RESTPostAPIChatInputApplicationCommandsJSONBody, values: Readonly<Record<string, OptionValue | undefined>>, subcommand?: string): void {
  for (const option of declaredOptions(data, subcommand)) {
    const value = values[option.name];
    if (value === undefined || value === '') continue;
    if (option.type === ApplicationCommandOptionType.String && option.max_length !== undefined && String(value).length > option.max_length) {
      throw new UserError(`The \`${option.name}\` option is too long (${String(value).length} characters; at most ${option.max_length}).`);
    }
    if (option.type === ApplicationCommandOptionType.Integer || option.type === ApplicationCommandOptionType.Number) {
      const n = Number(value);
      const { min_value: min, max_value: max } = option;
      if (!Number.isFinite(n) || (option.type === ApplicationCommandOptionType.Integer && !Number.isSafeInteger(n))) throw new UserError(`The \`${option.name}\` option must be a whole number.`);
      // Worded as Options words it, so every front end refuses alike.
      if ((min !== undefined && n < min) || (max !== undefined && n > max)) throw new UserError(`The \`${option.name}\` option must be between ${min ?? '…'} and ${max ?? '…'}.`);
    }
  }
}
