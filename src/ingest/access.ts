import { RefusalError, UserError } from '../errors.js';
import type { CommandContext } from '../interactions/command.js';
import { mayChangeLibrary, refusal } from './permissions.js';
import type { IngestService } from './service.js';

/**
 * The ingest service, if this front end has one and the asker may change the
 * library; otherwise the polite refusal. Needs no I/O, so commands call it
 * before deferring and the refusal stays ephemeral.
 */
export function requireLibraryEditor(ctx: CommandContext, action: string): IngestService {
  const service = ctx.services?.ingest;
  if (!service) {
    throw new UserError(
      'Documents are added and removed in a server, where each server has its own library; here only the shared library is read. ' +
        'The operator adds shared documents with `npx dossier ingest <file-or-url> --shared`, or by dropping files into the data folder.',
    );
  }
  if (!mayChangeLibrary(ctx.member, service.settings.analystRoleId)) throw new RefusalError(refusal(action));
  return service;
}
