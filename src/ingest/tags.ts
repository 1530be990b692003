import { UserError } from '../errors.js';
import { escapeMarkdown } from '../replies/markdown.js';

const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 40;

/** A `tags:` option ("energy, pakistan") as a list: trimmed, deduplicated, and within bounds or refused with why. */
export function parseTags(raw: string | undefined): string[] {
  if (!raw) return [];
  const tags = [...new Set(raw.split(',').map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean))];
  if (tags.length > MAX_TAGS) throw new UserError(`Please give at most ${MAX_TAGS} tags (you gave ${tags.length}).`);
  const long = tags.find((t) => t.length > MAX_TAG_LENGTH);
  if (long) throw new UserError(`Tags are at most ${MAX_TAG_LENGTH} characters; “${escapeMarkdown(long.slice(0, 50))}…” is longer.`);
  return tags;
}
