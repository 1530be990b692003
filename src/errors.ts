/**
 * A problem with what the user asked for (unknown citation, empty query…).
 * Its message is written for the user and is safe to show verbatim; anything
 * else that is thrown is a bug and gets a generic apology instead.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** The asker may not do this (a missing permission or role): shown like any UserError, counted apart in metrics. */
export class RefusalError extends UserError {
  override name = 'RefusalError';
}
