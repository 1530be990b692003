import { UserError } from '../errors.js';

/**
 * A document that was refused: the message says why, in words for the person
 * who asked, and never names an internal path or a raw error code alone.
 */
export class IngestRefusal extends UserError {
  override name = 'IngestRefusal';
}

/** The server answered with an error status; a poller reads the status and any Retry-After to decide when to ask again. */
export class HttpStatusRefusal extends IngestRefusal {
  override name = 'HttpStatusRefusal';
  constructor(
    message: string,
    readonly status: number,
    /** The raw Retry-After header: seconds or an HTTP date. */
    readonly retryAfter?: string,
  ) {
    super(message);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
