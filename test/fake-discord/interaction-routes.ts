/**
 * REST routes the bot uses to answer interactions: the initial callback and the interaction
 * webhook (edit @original, follow-ups). Discord authenticates these by the interaction token in the
 * URL, so they are registered with `auth: false` (discord.js sends no Authorization header).
 *
 * Every successful call is appended to the interaction's `responses` log, which is what tests see
 * through InteractionResult.
 */
import type { Router, RouteResponse } from './http.js';
import { applyEdit, toWire } from './payloads.js';
import type { FakeState, InteractionRecord } from './state.js';
import type { Json, StoredMessage, UploadedFile } from './types.js';
import { validateMessageBody } from './validate.js';

const EPHEMERAL = 64;

// Callback types each interaction type accepts (Discord rejects the others).
const ALLOWED_CALLBACKS: Record<number, number[]> = {
  2: [4, 5, 9, 10, 12], // application command
  3: [4, 5, 6, 7, 9, 10], // message component
  4: [8], // autocomplete
  5: [4, 5, 6, 7], // modal submit
};

const err = (status: number, code: number, message: string): RouteResponse => ({ status, body: { code, message } });
const UNKNOWN_INTERACTION = err(404, 10062, 'Unknown interaction');
const UNKNOWN_WEBHOOK = err(404, 10015, 'Unknown Webhook');
const UNKNOWN_MESSAGE = err(404, 10008, 'Unknown Message');

export function interactionRoutes(r: Router, state: FakeState): void {
  r.on('POST', '/interactions/:id/:token/callback', ({ params, query, body, files }) => {
    const ix = state.interactions.get(params.id!);
    if (!ix || ix.token !== params.token) return UNKNOWN_INTERACTION;
    // The 3 s window: after it Discord has already shown "The application did not respond".
    const late = state.options.ackDeadlineMs > 0 && Date.now() - ix.dispatchedAt > state.options.ackDeadlineMs;
    if (late && !ix.firstCallback) return UNKNOWN_INTERACTION;
    if (ix.firstCallback) return err(400, 40060, 'Interaction has already been acknowledged.');
    const type = Number(body?.type);
    if (!ALLOWED_CALLBACKS[ix.type]?.includes(type)) {
      return err(400, 50035, `Invalid Form Body: callback type ${type} is not valid for interaction type ${ix.type}`);
    }
    const out = applyCallback(state, ix, type, body?.data, files);
    if ('status' in out) return out;

    const at = Date.now();
    ix.firstCallback = { type, data: body?.data, at };
    ix.responses.push({ kind: 'callback', type, data: body?.data, at });

    if (query.with_response !== 'true') return { status: 204 };
    const msg = ix.originalMessageId ? state.store.get(ix.originalMessageId) : undefined;
    return {
      status: 200,
      body: {
        interaction: {
          id: ix.id,
          type: ix.type,
          activity_instance_id: null,
          response_message_id: msg?.id ?? null,
          response_message_loading: type === 5,
          response_message_ephemeral: Boolean(msg && msg.flags & EPHEMERAL),
        },
        resource: { type, ...(msg && type !== 6 ? { message: toWire(msg) } : {}) },
      },
    };
  }, { auth: false });

  const webhook = (p: Record<string, string>): InteractionRecord | RouteResponse => {
    const ix = p.appId === state.applicationId ? state.interactionsByToken.get(p.token!) : undefined;
    if (!ix) return UNKNOWN_WEBHOOK;
    if (!ix.firstCallback) return UNKNOWN_WEBHOOK; // the token only becomes a webhook once acknowledged
    return ix;
  };
  const resolveMessage = (ix: InteractionRecord, id: string): StoredMessage | undefined => {
    const real = id === '@original' ? ix.originalMessageId : id;
    const msg = real ? state.store.get(real) : undefined;
    const ours = msg && (msg.id === ix.originalMessageId || ix.followupIds.includes(msg.id));
    return ours ? msg : undefined;
  };

  r.on(
    'POST',
    '/webhooks/:appId/:token',
    ({ params, body, files }) => {
      const ix = webhook(params);
      if ('status' in ix) return ix;
      const invalid = validateMessageBody(body, { requireContent: true, fileCount: files.length });
      if (invalid) return invalid;
      let msg: StoredMessage;
      const original = ix.originalMessageId ? state.store.get(ix.originalMessageId) : undefined;
      if (ix.originalPending && original) {
        // After a deferReply, Discord's first follow-up replaces the "thinking…" message instead of
        // posting a new one; the ephemeral-ness was fixed by the defer.
        applyEdit(original, { ...body, flags: body?.flags ?? 0 }, state.attachmentsFor(original.channel_id, files, body?.attachments));
        state.clearLoading(original);
        ix.originalPending = false;
        msg = original;
      } else {
        msg = state.createMessage({ channelId: ix.channelId, body, files, type: 20, viaInteraction: ix });
        ix.followupIds.push(msg.id);
      }
      ix.responses.push({ kind: 'followup', messageId: msg.id, data: body, at: Date.now() });
      return { status: 200, body: toWire(msg) };
    },
    { auth: false },
  );

  r.on(
    'GET',
    '/webhooks/:appId/:token/messages/:messageId',
    ({ params }) => {
      const ix = webhook(params);
      if ('status' in ix) return ix;
      const msg = resolveMessage(ix, params.messageId!);
      return msg ? { status: 200, body: toWire(msg) } : UNKNOWN_MESSAGE;
    },
    { auth: false },
  );

  r.on(
    'PATCH',
    '/webhooks/:appId/:token/messages/:messageId',
    ({ params, body, files }) => {
      const ix = webhook(params);
      if ('status' in ix) return ix;
      const msg = resolveMessage(ix, params.messageId!);
      if (!msg) return UNKNOWN_MESSAGE;
      const invalid = validateMessageBody(body, { requireContent: false, fileCount: files.length });
      if (invalid) return invalid;
      const next = structuredClone(toWire(msg)) as StoredMessage;
      applyEdit(next, body);
      if (!next.content && !next.embeds.length && !next.components.length && !msg.attachments.length && !files.length) {
        return err(400, 50006, 'Cannot send an empty message');
      }
      applyEdit(msg, body, state.attachmentsFor(msg.channel_id, files, body?.attachments));
      if (msg.id === ix.originalMessageId) {
        state.clearLoading(msg);
        ix.originalPending = false;
      }
      ix.responses.push({ kind: 'edit', messageId: params.messageId!, data: body, at: Date.now() });
      return { status: 200, body: toWire(msg) };
    },
    { auth: false },
  );

  r.on(
    'DELETE',
    '/webhooks/:appId/:token/messages/:messageId',
    ({ params }) => {
      const ix = webhook(params);
      if ('status' in ix) return ix;
      const msg = resolveMessage(ix, params.messageId!);
      if (!msg) return UNKNOWN_MESSAGE;
      state.store.delete(msg.id);
      msg.deleted = true;
      if (msg.id === ix.originalMessageId) ix.originalPending = false;
      ix.responses.push({ kind: 'delete', messageId: params.messageId!, at: Date.now() });
      return { status: 204 };
    },
    { auth: false },
  );
}

/** Apply the effect of an interaction callback to the message store. */
function applyCallback(
  state: FakeState,
  ix: InteractionRecord,
  type: number,
  data: Json,
  files: UploadedFile[],
): { ok: true } | RouteResponse {
  switch (type) {
    case 4: {
      // CHANNEL_MESSAGE_WITH_SOURCE: the reply becomes @original
      const invalid = validateMessageBody(data, { requireContent: true, fileCount: files.length });
      if (invalid) return invalid;
      const msg = state.createMessage({ channelId: ix.channelId, body: data, files, type: 20, viaInteraction: ix });
      ix.originalMessageId = msg.id;
      return { ok: true };
    }
    case 5: {
      // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking…" placeholder that a later edit fills in
      const flags = (Number(data?.flags ?? 0) & EPHEMERAL) | 0;
      const msg = state.createMessage({ channelId: ix.channelId, body: { flags }, type: 20, viaInteraction: ix, loading: true });
      ix.originalMessageId = msg.id;
      ix.originalPending = true;
      return { ok: true };
    }
    case 6: // DEFERRED_UPDATE_MESSAGE: @original is the message the component is on
      ix.originalMessageId = ix.componentMessageId;
      return { ok: true };
    case 7: {
      // UPDATE_MESSAGE: edit the component's message in place
      const msg = ix.componentMessageId ? state.store.get(ix.componentMessageId) : undefined;
      if (!msg) return UNKNOWN_MESSAGE;
      const invalid = validateMessageBody(data, { requireContent: false, fileCount: files.length });
      if (invalid) return invalid;
      applyEdit(msg, data, state.attachmentsFor(msg.channel_id, files, data?.attachments));
      ix.originalMessageId = msg.id;
      return { ok: true };
    }
    case 8: {
      const choices: Json[] = data?.choices ?? [];
      if (!Array.isArray(choices) || choices.length > 25) return err(400, 50035, 'Invalid Form Body: choices must be 25 or fewer');
      if (choices.some((c) => typeof c?.name !== 'string' || c.name.length < 1 || c.name.length > 100)) {
        return err(400, 50035, 'Invalid Form Body: choice names must be 1-100 characters');
      }
      return { ok: true };
    }
    default: // 9 modal, 10 premium required, 12 launch activity: nothing to store
      return { ok: true };
  }
}
