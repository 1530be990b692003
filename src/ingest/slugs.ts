import { MAX_SLUG_LENGTH, slugify, suffixedSlug } from '../documents/slug.js';

/**
 * `base`, or `base-2`, `base-3`… whichever is free: the loader's rule for a
 * newcomer (existing documents keep their slugs, the new one is suffixed).
 */
export function uniqueSlug(base: string, taken: (slug: string) => boolean): string {
  const clean = slugify(base).slice(0, MAX_SLUG_LENGTH);
  let slug = clean;
  for (let n = 2; taken(slug); n++) slug = suffixedSlug(clean, n);
  return slug;
}
