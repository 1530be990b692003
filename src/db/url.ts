/**
 * DATABASE_URL checks. Every message here may reach a log or a terminal, so
 * none of them contains the URL as given: only its redacted form.
 */

/** The URL with any password replaced, for messages: postgres://dossier:***@db.internal:5432/dossier */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Why a DATABASE_URL cannot be used, or undefined when it looks right. Never echoes the value. */
export function databaseUrlProblem(value: string): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'must be a URL such as postgres://user:password@host:5432/dossier';
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    return `must start with postgres:// or postgresql:// (got ${u.protocol}//)`;
  }
  if (!u.hostname && !u.searchParams.get('host')) return 'names no host: postgres://user:password@host:5432/dossier';
  if (u.pathname.length <= 1) return 'names no database: add it after the host, as in postgres://user:password@host:5432/dossier';
  if (u.port && !/^\d+$/.test(u.port)) return 'has a port that is not a number';
  return undefined;
}

/** The password in a PostgreSQL target, for the logger to scrub wherever it might appear. */
export function databasePassword(target: { kind: string; url?: string }): string | undefined {
  if (target.kind !== 'postgres' || !target.url) return undefined;
  try {
    return decodeURIComponent(new URL(target.url).password) || undefined;
  } catch {
    return undefined;
  }
}
