/** A PDF that cannot give text: the message says why, in words for the person who added it. */
export class PdfUnreadable extends Error {
  override name = 'PdfUnreadable';
}
