/**
 * A reply as plain data: the Discord edge turns it into a message (mentions
 * off, components built), the console and CLI print it as text.
 */
export interface Reply {
  /** Discord markdown, at most 2,000 characters (builders guarantee it). */
  content: string;
  /** Only the person who asked sees it (errors, refusals). */
  ephemeral?: boolean;
  buttons?: ReplyButton[];
  /**
   * Further messages after this one, in order, when an answer needs more than
   * one (a long daily brief): Discord gets them as follow-ups, the console and
   * CLI print them. Same visibility as the first.
   */
  more?: string[];
  /**
   * How the request ended when it did not succeed, for metrics and logs (never
   * shown): `refused` for a missing permission, `rejected` for input the bot
   * cannot act on (unknown citation, empty query, oversized file…).
   */
  outcome?: 'refused' | 'rejected';
}

export type ReplyButton =
  | { type: 'link'; label: string; url: string }
  /** `customId` is `<command>:<payload>`, routed back to that command's `button` handler. */
  | { type: 'action'; label: string; customId: string };
