/**
 * A subset of Discord's request validation. Not exhaustive: it covers the limits a bot that posts
 * quoted passages and registers slash commands is most likely to trip over, so that e2e tests
 * fail the way production would (HTTP 400, code 50035 "Invalid Form Body", or 50006 for an empty
 * message) instead of silently accepting what Discord rejects.
 */
import type { Json } from './types.js';

export interface ApiError {
  status: number;
  body: Json;
}

type Problems = Array<[path: string, code: string, message: string]>;

/** Discord nests errors by path: { embeds: { 0: { description: { _errors: [...] } } } } */
function formBodyError(problems: Problems): ApiError {
  const errors: Json = {};
  for (const [path, code, message] of problems) {
    let node = errors;
    for (const key of path.split('.')) node = node[key] ??= {};
    (node._errors ??= []).push({ code, message });
  }
  return { status: 400, body: { code: 50035, message: 'Invalid Form Body', errors } };
}

const len = (v: unknown): number => (typeof v === 'string' ? [...v].length : 0);

function checkMax(p: Problems, path: string, value: unknown, max: number): void {
  if (len(value) > max) p.push([path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`]);
}

/** Validate a message create/edit body (channel message, interaction reply, webhook message). */
export function validateMessageBody(body: Json, opts: { requireContent: boolean; fileCount: number }): ApiError | null {
  const b = body ?? {};
  const p: Problems = [];
  checkMax(p, 'content', b.content, 2000);

  const embeds: Json[] = Array.isArray(b.embeds) ? b.embeds : [];
  if (embeds.length > 10) p.push(['embeds', 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.']);
  let embedChars = 0;
  embeds.forEach((e, i) => {
    const at = `embeds.${i}`;
    checkMax(p, `${at}.title`, e?.title, 256);
    checkMax(p, `${at}.description`, e?.description, 4096);
    checkMax(p, `${at}.footer.text`, e?.footer?.text, 2048);
    checkMax(p, `${at}.author.name`, e?.author?.name, 256);
    const fields: Json[] = Array.isArray(e?.fields) ? e.fields : [];
    if (fields.length > 25) p.push([`${at}.fields`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.']);
    fields.forEach((f, j) => {
      checkMax(p, `${at}.fields.${j}.name`, f?.name, 256);
      checkMax(p, `${at}.fields.${j}.value`, f?.value, 1024);
      if (!len(f?.name)) p.push([`${at}.fields.${j}.name`, 'BASE_TYPE_REQUIRED', 'This field is required']);
      if (!len(f?.value)) p.push([`${at}.fields.${j}.value`, 'BASE_TYPE_REQUIRED', 'This field is required']);
      embedChars += len(f?.name) + len(f?.value);
    });
    embedChars += len(e?.title) + len(e?.description) + len(e?.footer?.text) + len(e?.author?.name);
  });
  if (embedChars > 6000) p.push(['embeds', 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000']);

  const rows: Json[] = Array.isArray(b.components) ? b.components : [];
  const v2 = typeof b.flags === 'number' && (b.flags & (1 << 15)) !== 0; // IS_COMPONENTS_V2 has other limits
  if (!v2) {
    if (rows.length > 5) p.push(['components', 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.']);
    rows.forEach((row, i) => {
      const inner: Json[] = Array.isArray(row?.components) ? row.components : [];
      if (row?.type !== 1) p.push([`components.${i}.type`, 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).']);
      if (inner.length > 5) p.push([`components.${i}.components`, 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.']);
      inner.forEach((c, j) => {
        checkMax(p, `components.${i}.components.${j}.custom_id`, c?.custom_id, 100);
        checkMax(p, `components.${i}.components.${j}.label`, c?.label, 80);
        if (c?.type === 2 && c.style !== 5 && c.style !== 6 && !len(c.custom_id)) {
          p.push([`components.${i}.components.${j}.custom_id`, 'BASE_TYPE_REQUIRED', 'This field is required']);
        }
      });
    });
  }
  if (p.length) return formBodyError(p);

  const empty =
    !len(b.content) && !embeds.length && !rows.length && !opts.fileCount && !b.sticker_ids?.length && !b.poll;
  if (opts.requireContent && empty) return { status: 400, body: { code: 50006, message: 'Cannot send an empty message' } };
  return null;
}

// Command names: lowercase letters/digits/-/_ and letters of scripts without case (Discord's regex).
const NAME_RE = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkName(p: Problems, path: string, name: unknown, chatInput: boolean): void {
  if (typeof name !== 'string' || !name) {
    p.push([`${path}.name`, 'BASE_TYPE_REQUIRED', 'This field is required']);
  } else if (chatInput && (!NAME_RE.test(name) || name !== name.toLowerCase())) {
    p.push([`${path}.name`, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid']);
  } else if (len(name) > 32) {
    p.push([`${path}.name`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.']);
  }
}

function checkDescription(p: Problems, path: string, description: unknown): void {
  if (len(description) < 1 || len(description) > 100) {
    p.push([`${path}.description`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.']);
  }
}

function checkOptions(p: Problems, path: string, options: Json[] | undefined): void {
  const opts = options ?? [];
  if (opts.length > 25) p.push([`${path}.options`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.']);
  const seen = new Set<string>();
  let optionalSeen = false;
  opts.forEach((o, i) => {
    const at = `${path}.options.${i}`;
    checkName(p, at, o?.name, true);
    checkDescription(p, at, o?.description);
    if (seen.has(o?.name)) p.push([`${at}.name`, 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option name already exists']);
    seen.add(o?.name);
    if (o?.type === 1 || o?.type === 2) {
      checkOptions(p, at, o.options);
      return;
    }
    if (o?.required && optionalSeen) {
      p.push([`${path}.options`, 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options']);
    }
    if (!o?.required) optionalSeen = true;
    const choices: Json[] = o?.choices ?? [];
    if (choices.length > 25) p.push([`${at}.choices`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.']);
    if (choices.length && o?.autocomplete) {
      p.push([`${at}.autocomplete`, 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', 'Autocomplete cannot be set on options with choices']);
    }
    choices.forEach((c, j) => checkMax(p, `${at}.choices.${j}.name`, c?.name, 100));
  });
}

/** Validate the array of a bulk-overwrite PUT. */
export function validateCommands(commands: Json): ApiError | null {
  if (!Array.isArray(commands)) return formBodyError([['_root', 'ARRAY_TYPE_CONVERT', 'Only iterables may be used in a ListType']]);
  const p: Problems = [];
  if (commands.filter((c) => (c?.type ?? 1) === 1).length > 100) {
    p.push(['_root', 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.']);
  }
  const seen = new Set<string>();
  commands.forEach((c, i) => validateCommandInto(p, String(i), c, seen));
  return p.length ? formBodyError(p) : null;
}

export function validateCommand(command: Json): ApiError | null {
  const p: Problems = [];
  validateCommandInto(p, '_root', command, new Set());
  return p.length ? formBodyError(p.map(([path, code, msg]) => [path.replace(/^_root\./, ''), code, msg])) : null;
}

function validateCommandInto(p: Problems, at: string, c: Json, seen: Set<string>): void {
  const chatInput = (c?.type ?? 1) === 1;
  checkName(p, at, c?.name, chatInput);
  const key = `${c?.type ?? 1}:${c?.name}`;
  if (seen.has(key)) p.push([`${at}.name`, 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`]);
  seen.add(key);
  if (chatInput) {
    checkDescription(p, at, c?.description);
    checkOptions(p, at, c?.options);
  }
}
