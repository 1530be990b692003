import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DocumentError } from './errors.js';
import { slugifyOrEmpty } from './slug.js';
import { httpUrl } from '../text/plain.js';

/** Front matter after validation; unknown keys are kept as parsed. */
export type FrontMatter = {
  title?: string;
  /** Already slugified. */
  slug?: string;
  source?: string;
  author?: string;
  /** YYYY-MM-DD. */
  published?: string;
  tags?: string[];
  added_by?: string;
  added_at?: string;
  hash?: string;
} & Record<string, unknown>;

// YAML leaves `key:` with no value as null; treat that as "not given" rather
// than an error, since editors leave such stubs around.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());

// Titles like `1984` or Discord ids arrive as numbers (bigint: see intAsBigInt).
const text = (what = 'text') =>
  z
    .union([z.string(), z.number(), z.bigint()], { error: `must be ${what}` })
    .transform((v) => String(v).trim());

function isoDate(v: string | Date): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString().slice(0, 10);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(v.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  // Rejects 2024-02-30 and friends, which Date would silently roll over.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

const DATE_MESSAGE = 'must be a date (YYYY-MM-DD)';

const schema = z.looseObject({
  title: optional(text().refine((s) => s !== '', { error: 'must not be empty' })),
  slug: optional(
    text()
      .transform((s) => slugifyOrEmpty(s))
      .refine((s) => s !== '', { error: 'must contain letters or digits' }),
  ),
  // Anything but an absolute http(s) URL is dropped rather than refusing the whole document: it is only a link.
  source: z.unknown().transform((v) => (typeof v === 'string' ? httpUrl(v) : undefined)).optional(),
  author: optional(text()),
  published: optional(
    z
      .union([z.string(), z.date()], { error: DATE_MESSAGE })
      .transform((v) => isoDate(v) ?? '')
      .refine((s) => s !== '', { error: DATE_MESSAGE }),
  ),
  tags: optional(
    z
      .union([z.array(text('a list of text'), { error: 'must be a list or a comma-separated string' }), z.string()], {
        error: 'must be a list or a comma-separated string',
      })
      .transform((v) => {
        const list = typeof v === 'string' ? v.split(',') : v;
        return [...new Set(list.map((t) => t.trim()).filter((t) => t !== ''))];
      }),
  ),
  added_by: optional(text()),
  added_at: optional(
    z
      .union([z.string(), z.date()], { error: 'must be a date-time (ISO 8601)' })
      .transform((v) => (v instanceof Date ? v.toISOString() : v.trim()))
      .refine((s) => !Number.isNaN(Date.parse(s)), { error: 'must be a date-time (ISO 8601)' }),
  ),
  hash: optional(text()),
});

const OPEN = /^---[ \t]*(?:\r?\n|$)/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;

/**
 * Splits optional YAML front matter (between `---` lines at the very start,
 * after an optional BOM) from the body, and validates the known fields.
 * `path` only serves the error messages.
 */
export function parseFrontMatter(raw: string, path?: string): { data: FrontMatter; body: string } {
  const src = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const open = OPEN.exec(src);
  if (!open) return { data: {}, body: src };

  const rest = src.slice(open[0].length);
  const close = CLOSE.exec(rest);
  if (!close) throw new DocumentError('front matter has no closing `---` line', { path });
  const yamlText = rest.slice(0, close.index);
  const body = rest.slice(close.index + close[0].length);

  let parsed: unknown;
  try {
    // Big integers (Discord user ids in `added_by`) would lose digits as numbers.
    parsed = parseYaml(yamlText, { intAsBigInt: true });
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new DocumentError(`front matter is not valid YAML: ${first}`, { path, cause: err });
  }
  if (parsed === null || parsed === undefined) return { data: {}, body };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new DocumentError('front matter must be a YAML mapping of `field: value` lines', { path });
  }

  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? '?');
    throw new DocumentError(`front matter field "${field}" ${issue?.message ?? 'is invalid'}`, { path, field });
  }
  return { data: result.data as FrontMatter, body };
}
