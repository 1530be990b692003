/**
 * A document that cannot be loaded. The message is meant for the person who
 * maintains the data folder, so it always names the file (and the field, when
 * one is at fault); the loader logs it and carries on with the other files.
 */
export class DocumentError extends Error {
  override readonly name = 'DocumentError';
  /** Path relative to the data directory, when known. */
  readonly path: string | undefined;
  /** Front-matter field at fault, when there is one. */
  readonly field: string | undefined;
  /** The file's size, when it was refused for being over the limit. */
  readonly bytes: number | undefined;

  constructor(message: string, opts: { path?: string; field?: string; bytes?: number; cause?: unknown } = {}) {
    super(opts.path !== undefined ? `${opts.path}: ${message}` : message, { cause: opts.cause });
    this.path = opts.path;
    this.field = opts.field;
    this.bytes = opts.bytes;
  }
}
