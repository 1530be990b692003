import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, fitBlocks, truncate } from '../../src/replies/limits.js';
import { blockQuote, escapeMarkdown } from '../../src/replies/markdown.js';

describe('truncate', () => {
  it('GIVEN text over the limit THEN it is cut at a sentence end with an ellipsis', () => {
    const text = 'First sentence here. Second sentence is quite a bit longer than the first one.';
    expect(truncate(text, 30)).toBe('First sentence here.…');
    expect(truncate(text, 45)).toBe('First sentence here. Second sentence is…');
  });
  it('GIVEN any text and limit THEN the result fits and never ends in half a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (s, max) => {
        const out = truncate(s, max);
        return out.length <= max && !/[\uD800-\uDBFF]$/.test(out);
      }),
    );
  });
});

describe('fitBlocks', () => {
  it('GIVEN blocks that overflow THEN whole blocks are kept and the rest is counted in a note', () => {
    const blocks = Array.from({ length: 30 }, (_, i) => `> passage ${i} ${'x'.repeat(150)}`);
    const out = fitBlocks(blocks, LIMITS.content, '\n\n', (n) => `-# ${n} more not shown`);
    expect(out.length).toBeLessThanOrEqual(LIMITS.content);
    const shown = out.split('\n\n').filter((b) => b.startsWith('> passage')).length;
    expect(out).toContain(`-# ${30 - shown} more not shown`);
  });
  it('GIVEN any blocks THEN the output always fits the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3000 }), { maxLength: 40 }), fc.integer({ min: 50, max: 4096 }), (blocks, max) => {
        return fitBlocks(blocks, max, '\n', (n) => `…and ${n} more`).length <= max;
      }),
    );
  });
});

describe('markdown', () => {
  it('GIVEN markdown and mention syntax in a document THEN it is escaped so the quote renders as text', () => {
    expect(escapeMarkdown('**bold** _it_ <@&123> [x](y) `c`')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\<@&123> \\[x\\](y) \\`c\\`');
    expect(escapeMarkdown('# Heading')).toBe('\\# Heading');
  });
  it('GIVEN highlights THEN only those words are bold and the words are unchanged', () => {
    const text = 'Russian wheat exports to his country';
    const q = blockQuote(text, { highlights: [[8, 13], [14, 21]] });
    expect(q).toBe('> Russian **wheat** **exports** to his country');
  });
  it('GIVEN a long passage THEN it is cut at word boundaries around the match, never mid-word', () => {
    const text = `${'alpha '.repeat(100)}target ${'omega '.repeat(100)}`.trim();
    const start = text.indexOf('target');
    const q = blockQuote(text, { highlights: [[start, start + 6]], maxChars: 100 });
    expect(q).toContain('**target**');
    expect(q).toMatch(/^> … (alpha )+\*\*target\*\*( omega)+ …$/);
  });
});
