/**
 * A problem with what the user asked for (unknown citation, empty query…).
 * Its message is written for the user and is safe to show verbatim; anything
 * else that is thrown is a bug and gets a generic apology instead.
 */
export class UserError extends Error {
  override name = 'UserError';
}
