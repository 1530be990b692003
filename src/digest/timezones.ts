import type { Choice } from '../interactions/command.js';
import { rankByName } from '../interactions/autocomplete.js';

/** Offered before anything is typed: where analyst teams most often sit. */
const COMMON = ['UTC', 'Europe/London', 'America/New_York', 'Europe/Berlin', 'Europe/Paris', 'America/Chicago', 'America/Los_Angeles', 'Asia/Singapore', 'Asia/Tokyo', 'Australia/Sydney'];

let zones: string[] | undefined;

/** A zone by its full name and its city ("New_York"); one function, so the folded names are cached. */
const zoneNames = (z: string) => [z, z.split('/').pop()!];

function allZones(): string[] {
  zones ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];
  return zones;
}

/** IANA zones matching what was typed ("new york" finds America/New_York). */
export function timeZoneChoices(typed: string): Choice[] {
  const q = typed.trim().replace(/\s+/g, '_');
  const list = q ? rankByName(allZones(), q, zoneNames) : COMMON;
  return list.map((z) => ({ name: z.replace(/_/g, ' '), value: z }));
}
