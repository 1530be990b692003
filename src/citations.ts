/** Citations: `<slug>#p<paragraph>` and `<slug>#p<paragraph>.s<sentence>`, both 1-based. */

export interface CitationParts {
  doc: string;
  paragraph: number;
  sentence?: number;
}

export function formatCitation({ doc, paragraph, sentence }: CitationParts): string {
  // join builds one flat string; a template literal leaves a chain of three or four string
  // objects, and every point holds its citation for as long as it lives (the collector marks each).
  return (sentence === undefined ? [doc, '#p', paragraph] : [doc, '#p', paragraph, '.s', sentence]).join('');
}

const CITATION = /^([a-z0-9][a-z0-9-]*)#p(\d{1,6})(?:\.s(\d{1,6}))?$/;

/**
 * Reads a citation as people paste it: surrounding backticks, spaces and
 * capitals are forgiven. Returns undefined for anything that is not one.
 */
export function parseCitation(input: string): CitationParts | undefined {
  const cleaned = input.trim().replace(/^`+|`+$/g, '').trim().toLowerCase().replace(/\s*([#.])\s*/g, '$1');
  const m = CITATION.exec(cleaned);
  if (!m) return undefined;
  const paragraph = Number(m[2]);
  const sentence = m[3] === undefined ? undefined : Number(m[3]);
  if (paragraph < 1 || (sentence !== undefined && sentence < 1)) return undefined;
  return { doc: m[1]!, paragraph, sentence };
}
