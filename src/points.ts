import { formatCitation } from './citations.js';
import type { Doc, Point } from './types.js';

/** The document's points: each paragraph, then its sentences, in reading order. */
export function pointsOf(docs: readonly Doc[]): Point[] {
  const points: Point[] = [];
  for (const doc of docs) {
    for (const para of doc.paragraphs) {
      points.push({
        id: points.length,
        citation: formatCitation({ doc: doc.slug, paragraph: para.index }),
        doc: doc.slug,
        kind: 'paragraph',
        paragraph: para.index,
        text: para.text,
      });
      para.sentences.forEach((text, i) => {
        points.push({
          id: points.length,
          citation: formatCitation({ doc: doc.slug, paragraph: para.index, sentence: i + 1 }),
          doc: doc.slug,
          kind: 'sentence',
          paragraph: para.index,
          sentence: i + 1,
          text,
        });
      });
    }
  }
  return points;
}
