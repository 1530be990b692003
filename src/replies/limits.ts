/** Discord's hard limits, in one place, so every reply is built to fit rather than trimmed by luck. */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFields: 25,
  embedFooter: 2048,
  embedTotal: 6000,
  embedsPerMessage: 10,
  autocompleteChoices: 25,
  choiceName: 100,
  choiceValue: 100,
  buttonLabel: 80,
  customId: 100,
  buttonsPerRow: 5,
  actionRows: 5,
  // Follow-ups one answer may send (a daily brief is a few parts; the cap keeps a bug from flooding a channel).
  followUps: 10,
} as const;

/**
 * Cuts `text` to at most `max` characters, preferring a sentence end, then a
 * word boundary, and never splitting a surrogate pair. Adds "…" when cut.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  const room = max - 1;
  let cut = text.slice(0, room);
  const sentenceEnd = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('? '), cut.lastIndexOf('! '), cut.lastIndexOf('\n'));
  if (sentenceEnd > room * 0.6) cut = cut.slice(0, sentenceEnd + 1);
  else {
    const space = cut.lastIndexOf(' ');
    if (space > room * 0.5) cut = cut.slice(0, space);
  }
  // A lone high surrogate at the end would render as a broken glyph.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.trimEnd() + '…';
}

/**
 * Joins whole blocks (passages, list lines) until the next would not fit, then
 * says how many were left out, so nothing is silently dropped.
 */
export function fitBlocks(
  blocks: readonly string[],
  max: number,
  separator: string,
  omittedNote: (omitted: number) => string,
): string {
  let out = '';
  for (let i = 0; i < blocks.length; i++) {
    const next = out ? out + separator + blocks[i] : blocks[i]!;
    const remaining = blocks.length - i - 1;
    const note = remaining > 0 ? separator + omittedNote(remaining) : '';
    // Reserve room for the note that the *following* cut would need.
    const reserve = separator.length + omittedNote(blocks.length - i).length;
    if (next.length + (remaining > 0 ? reserve : 0) > max && i > 0) {
      return truncate(out + separator + omittedNote(blocks.length - i), max);
    }
    if (next.length + note.length > max && i === 0) {
      return truncate(blocks[0]!, max - (remaining > 0 ? reserve : 0)) + (remaining > 0 ? separator + omittedNote(remaining) : '');
    }
    out = next;
  }
  return truncate(out, max);
}
