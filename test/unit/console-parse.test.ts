import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/console/parse.js';
import { loadCommands } from '../../src/interactions/registry.js';

const commands = await loadCommands();

describe('console line parsing', () => {
  it('GIVEN free text THEN it fills the first required option', () => {
    expect(parseCommandLine('/search wheat exports', commands)).toEqual({ name: 'search', subcommand: undefined, values: { query: 'wheat exports' } });
  });
  it('GIVEN named options THEN each takes the text up to the next option', () => {
    expect(parseCommandLine('/search query:wheat exports limit:5 document:putin-sharif-sco', commands).values).toEqual({
      query: 'wheat exports',
      limit: '5',
      document: 'putin-sharif-sco',
    });
    expect(parseCommandLine('/topic name:energy deal', commands).values).toEqual({ name: 'energy deal' });
  });
  it('GIVEN a choice option THEN only listed values are accepted', () => {
    expect(parseCommandLine('/summary length:long', commands).values).toEqual({ length: 'long' });
    expect(() => parseCommandLine('/summary length:huge', commands)).toThrow(/short, medium, long/);
  });
  it('GIVEN a missing required option or unknown command THEN the error says what is needed', () => {
    expect(() => parseCommandLine('/quote', commands)).toThrow(/needs `citation`/);
    expect(() => parseCommandLine('/nope', commands)).toThrow(/Unknown command/);
  });
});
