// Letters that NFKD does not decompose into an ASCII base + combining mark.
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i', ħ: 'h',
};

export const MAX_SLUG_LENGTH = 60;
const FALLBACK_SLUG = 'doc';

/** Slug body without the fallback; '' when `s` has no usable letters or digits. */
export function slugifyOrEmpty(s: string, maxLength = MAX_SLUG_LENGTH): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøđðþłıħ]/g, (c) => SPECIAL_LETTERS[c] ?? c)
    // "Putin's speech" reads better as putins-speech than putin-s-speech.
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
}

/** Lower-case ASCII `[a-z0-9-]`, at most 60 characters, never empty. */
export function slugify(s: string): string {
  return slugifyOrEmpty(s) || FALLBACK_SLUG;
}

/** `base` with `-n` appended, shortening `base` so the result still fits the length limit. */
export function suffixedSlug(base: string, n: number): string {
  const suffix = `-${n}`;
  const head = base.slice(0, MAX_SLUG_LENGTH - suffix.length).replace(/-+$/, '');
  return `${head || FALLBACK_SLUG}${suffix}`;
}
