import { existsSync } from 'node:fs';
import path from 'node:path';
import { DOCUMENT_EXTENSIONS } from '../documents/parse.js';
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

/**
 * The first free slug from `base` on (as uniqueSlug), claimed atomically:
 * `claim` is tried on each candidate not `taken`, and says whether it got it
 * (false: another writer holds or just wrote that name). Two processes
 * writing the same title thus end with two slugs, never one file replacing
 * the other.
 */
export async function claimSlug<T>(base: string, taken: (slug: string) => boolean, claim: (slug: string) => Promise<{ value: T } | undefined>): Promise<T> {
  const clean = slugify(base).slice(0, MAX_SLUG_LENGTH);
  for (let n = 1; ; n++) {
    const slug = n === 1 ? clean : suffixedSlug(clean, n);
    if (taken(slug)) continue;
    const got = await claim(slug);
    if (got) return got.value;
  }
}

/** Whether a document file of this slug is already in `folder`, in any format the loader reads (a skipped file still owns its name). */
export function slugOnDisk(folder: string, slug: string): boolean {
  return [...DOCUMENT_EXTENSIONS, '.pdf'].some((ext) => existsSync(path.join(folder, `${slug}${ext}`)));
}
