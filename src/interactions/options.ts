import { UserError } from '../errors.js';

export type OptionValue = string | number | boolean;

/**
 * Typed read access to a command's options, whichever front end supplied
 * them. Values are length-checked here once, so no handler has to remember.
 */
export class Options {
  constructor(
    private readonly values: Readonly<Record<string, OptionValue | undefined>>,
    readonly subcommand?: string,
  ) {}

  string(name: string, { max = 500 }: { max?: number } = {}): string | undefined {
    const v = this.values[name];
    if (v === undefined || v === '') return undefined;
    const s = String(v);
    if (s.length > max) throw new UserError(`The \`${name}\` option is too long (${s.length} characters; at most ${max}).`);
    return s;
  }

  integer(name: string, { min, max }: { min?: number; max?: number } = {}): number | undefined {
    const v = this.values[name];
    if (v === undefined || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isSafeInteger(n)) throw new UserError(`The \`${name}\` option must be a whole number.`);
    if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
      throw new UserError(`The \`${name}\` option must be between ${min ?? '…'} and ${max ?? '…'}.`);
    }
    return n;
  }

  boolean(name: string): boolean | undefined {
    const v = this.values[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v === 'boolean') return v;
    if (/^(true|yes|1)$/i.test(String(v))) return true;
    if (/^(false|no|0)$/i.test(String(v))) return false;
    throw new UserError(`The \`${name}\` option must be true or false.`);
  }

  toJSON(): Record<string, OptionValue | undefined> {
    return { ...this.values };
  }
}
