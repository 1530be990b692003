import { parse as parseYaml, stringify } from 'yaml';
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

/**
 * YAML's line breaks, and the only ones used to find the front matter's
 * fences. A title holding U+2028 (a line separator to JavaScript's `^` with
 * the `m` flag, an ordinary character to YAML) must not end the front matter.
 */
const LINE_BREAK = /\r\n|\r|\n/g;
const OPEN = /^---[ \t]*$/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

/** The front matter's YAML and the body after it; undefined without an opening fence, `unclosed` without a closing one. */
function fences(src: string): { yaml: string; body: string } | 'unclosed' | undefined {
  let start = 0;
  let yamlStart = -1;
  for (;;) {
    LINE_BREAK.lastIndex = start;
    const br = LINE_BREAK.exec(src);
    const end = br ? br.index : src.length;
    const next = br ? end + br[0].length : src.length;
    const line = src.slice(start, end);
    if (yamlStart < 0) {
      if (!OPEN.test(line)) return undefined;
      yamlStart = next;
    } else if (CLOSE.test(line)) {
      return { yaml: src.slice(yamlStart, start), body: src.slice(next) };
    }
    if (!br) return 'unclosed';
    start = next;
  }
}

/** The file a restart loads: front matter written by the YAML library's own serializer, then the body exactly as hashed. */
export function renderDocument(front: Record<string, unknown>, body: string): string {
  const fields = Object.fromEntries(Object.entries(front).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  return `---\n${stringify(fields, { lineWidth: 0 })}---\n${body}`;
}

/**
 * Splits optional YAML front matter (between `---` lines at the very start,
 * after an optional BOM) from the body, and validates the known fields.
 * `path` only serves the error messages.
 */
export function parseFrontMatter(raw: string, path?: string): { data: FrontMatter; body: string } {
  const src = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const found = fences(src);
  if (found === undefined) return { data: {}, body: src };
  if (found === 'unclosed') throw new DocumentError('front matter has no closing `---` line', { path });
  const { yaml: yamlText, body } = found;

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
