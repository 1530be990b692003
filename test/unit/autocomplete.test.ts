import { describe, expect, it } from 'vitest';
import { timeZoneChoices } from '../../src/digest/timezones.js';
import { rankByName } from '../../src/interactions/autocomplete.js';

const names = (s: string) => [s];

describe('autocomplete ranking by name', () => {
  const items = ['Trade corridor', 'Grain trade', 'Astana summit', 'Tradecraft notes', 'Free-trade zone', 'Contraded', 'trade'];

  it('GIVEN names matching exactly, by prefix, by a word’s prefix and inside a word THEN they come in that order, ties in list order', () => {
    expect(rankByName(items, 'TRADE', names)).toEqual(['trade', 'Trade corridor', 'Tradecraft notes', 'Grain trade', 'Free-trade zone', 'Contraded']);
  });

  it('GIVEN accents and a word after a hyphen THEN folding and the hyphen count as for any word', () => {
    expect(rankByName(['Café policy', 'Mid-Année review', 'Annex'], 'annee', names)).toEqual(['Mid-Année review']);
    expect(rankByName(['Café policy'], 'cafe', names)).toEqual(['Café policy']);
  });

  it('GIVEN an empty query THEN the first 25 items; GIVEN no match THEN none', () => {
    const many = Array.from({ length: 40 }, (_, i) => `Report ${i}`);
    expect(rankByName(many, '  ', names)).toEqual(many.slice(0, 25));
    expect(rankByName(many, 'zzz', names)).toEqual([]);
  });

  it('GIVEN the same list asked again after it changed THEN a new list gets fresh names (the cache is per list)', () => {
    const first = ['Alpha report'];
    expect(rankByName(first, 'alpha', names)).toEqual(['Alpha report']);
    const second = ['Beta report'];
    expect(rankByName(second, 'alpha', names)).toEqual([]);
    expect(rankByName(second, 'beta', names)).toEqual(['Beta report']);
  });

  it('GIVEN a city typed with a space THEN its IANA zone is offered first', () => {
    expect(timeZoneChoices('new york')[0]).toEqual({ name: 'America/New York', value: 'America/New_York' });
  });
});
