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
