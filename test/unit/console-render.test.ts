import { describe, expect, it } from 'vitest';
import { replyToText } from '../../src/console/render.js';
import { escapeMarkdown } from '../../src/replies/markdown.js';

describe('replyToText', () => {
  it('GIVEN a Discord timestamp THEN the terminal shows the UTC date and time', () => {
    expect(replyToText({ content: 'added by ana <t:1795855315:R>' })).toBe('added by ana 2026-11-28 08:41 UTC');
  });

  it('GIVEN timestamp syntax escaped inside document text THEN it stays literal', () => {
    expect(replyToText({ content: `title ${escapeMarkdown('<t:1795855315:R>')}` })).toBe('title <t:1795855315:R>');
  });
});
