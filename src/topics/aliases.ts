/**
 * Names that mean the same place or body, so "the US", "America" and "American"
 * feed one topic. Deliberately conservative: a country (or union) with its short
 * forms and demonyms, never capitals or governments ("Moscow", "the Kremlin",
 * "Washington"), which analysts keep apart on purpose.
 *
 * How terms are written here decides how they match: ALL-CAPS terms ("US", "EU")
 * only match all-caps text, so the pronoun "us" is never the United States;
 * Capitalised terms only match capitalised text ("Turkey", not "turkey"). Plurals
 * and possessives match automatically ("Russians", "Russia's").
 */

export interface AliasGroup {
  /** Topic name for the group. */
  name: string;
  terms: readonly string[];
  /** Words that, right before a term, mean something else ("Latin America"). */
  notAfter?: readonly string[];
  /** Words that, right after a term, mean something else ("Indian Country", "Indian Affairs"). */
  notBefore?: readonly string[];
}

const g = (name: string, terms: string, notAfter?: string, notBefore?: string): AliasGroup => ({
  name,
  terms: terms.split('|'),
  ...(notAfter ? { notAfter: notAfter.split('|') } : {}),
  ...(notBefore ? { notBefore: notBefore.split('|') } : {}),
});

export const ALIAS_GROUPS: readonly AliasGroup[] = [
  g('United States', 'United States|United States of America|US|U.S.|USA|U.S.A.|America|American', 'latin|south|north|central|pan'),
  g('United Kingdom', 'United Kingdom|UK|U.K.|Britain|Great Britain|British'),
  g('European Union', 'European Union|EU|E.U.'),
  g('United Nations', 'United Nations|UN|U.N.'),
  g('NATO', 'NATO|Nato|North Atlantic Treaty Organization|North Atlantic Treaty Organisation'),
  g('Russia', 'Russia|Russian|Russian Federation'),
  g('China', "China|Chinese|PRC|People's Republic of China"),
  g('Pakistan', 'Pakistan|Pakistani'),
  // In US texts "Indian" is as often Native American ("Indian Country", "American Indian").
  g('India', 'India|Indian', 'american|native', 'country|affairs|tribe|tribal|health|reservation|land|child|education|gaming|ocean|nations'),
  g('Iran', 'Iran|Iranian'),
  g('Ukraine', 'Ukraine|Ukrainian'),
  g('Afghanistan', 'Afghanistan|Afghan'),
  g('Israel', 'Israel|Israeli'),
  g('Palestine', 'Palestine|Palestinian'),
  g('Turkey', 'Turkey|Türkiye|Turkish'),
  g('Japan', 'Japan|Japanese'),
  g('Germany', 'Germany|German'),
  g('France', 'France|French'),
  g('Italy', 'Italy|Italian'),
  g('Spain', 'Spain|Spanish'),
  g('Poland', 'Poland|Polish'),
  g('Saudi Arabia', 'Saudi Arabia|Saudi'),
  g('North Korea', 'North Korea|North Korean|DPRK'),
  g('South Korea', 'South Korea|South Korean|Republic of Korea'),
  g('Taiwan', 'Taiwan|Taiwanese'),
  g('Syria', 'Syria|Syrian'),
  g('Iraq', 'Iraq|Iraqi'),
  g('Egypt', 'Egypt|Egyptian'),
  g('Mexico', 'Mexico|Mexican', 'new'),
  g('Canada', 'Canada|Canadian'),
  g('Brazil', 'Brazil|Brazilian'),
  g('Argentina', 'Argentina|Argentine|Argentinian'),
  g('Colombia', 'Colombia|Colombian'),
  g('Venezuela', 'Venezuela|Venezuelan'),
  g('Cuba', 'Cuba|Cuban'),
  g('Haiti', 'Haiti|Haitian'),
  g('Australia', 'Australia|Australian'),
  g('Indonesia', 'Indonesia|Indonesian'),
  g('Vietnam', 'Vietnam|Viet Nam|Vietnamese'),
  g('Philippines', 'Philippines|Philippine|Filipino'),
  g('Thailand', 'Thailand|Thai'),
  g('Malaysia', 'Malaysia|Malaysian'),
  g('Bangladesh', 'Bangladesh|Bangladeshi'),
  g('Sri Lanka', 'Sri Lanka|Sri Lankan'),
  g('Azerbaijan', 'Azerbaijan|Azerbaijani'),
  g('Armenia', 'Armenia|Armenian'),
  g('Kazakhstan', 'Kazakhstan|Kazakh'),
  g('Uzbekistan', 'Uzbekistan|Uzbek'),
  g('Belarus', 'Belarus|Belarusian'),
  g('Moldova', 'Moldova|Moldovan'),
  g('Hungary', 'Hungary|Hungarian'),
  g('Romania', 'Romania|Romanian'),
  g('Serbia', 'Serbia|Serbian'),
  g('Greece', 'Greece|Greek'),
  g('Ireland', 'Ireland|Irish', 'northern'),
  g('Netherlands', 'Netherlands|Dutch'),
  g('Sweden', 'Sweden|Swedish'),
  g('Finland', 'Finland|Finnish'),
  g('Norway', 'Norway|Norwegian'),
  g('Denmark', 'Denmark|Danish'),
  g('Lithuania', 'Lithuania|Lithuanian'),
  g('Latvia', 'Latvia|Latvian'),
  g('Estonia', 'Estonia|Estonian'),
  g('Qatar', 'Qatar|Qatari'),
  g('United Arab Emirates', 'United Arab Emirates|UAE|Emirati'),
  g('Yemen', 'Yemen|Yemeni'),
  g('Lebanon', 'Lebanon|Lebanese'),
  g('Libya', 'Libya|Libyan'),
  g('Sudan', 'Sudan|Sudanese', 'south'),
  g('Ethiopia', 'Ethiopia|Ethiopian'),
  g('Somalia', 'Somalia|Somali'),
  g('Nigeria', 'Nigeria|Nigerian'),
  g('Kenya', 'Kenya|Kenyan'),
  g('South Africa', 'South Africa|South African'),
  g('Guatemala', 'Guatemala|Guatemalan'),
  g('Honduras', 'Honduras|Honduran'),
  g('El Salvador', 'El Salvador|Salvadoran'),
  g('Nicaragua', 'Nicaragua|Nicaraguan'),
];
