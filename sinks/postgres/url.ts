/**
 * Connection URLs: parsed for the credential-free output URI
 * (`postgresql://host:port/db#schema.table`, controls.md §0) and redacted
 * wherever they could reach a message (conventions.md: never print a secret).
 */
import { redactUrlPassword } from '../../src/config/redact.js';

export interface PgLocation {
  readonly host: string;
  readonly port: number;
  readonly database: string;
}

const QUERY_PASSWORD = /([?&]password=)[^&#\s]*/gi;

/**
 * Removes passwords from any text: `user:pw@` userinfo, `?password=…` query
 * parameters, and every literal occurrence of the known password(s).
 *
 * @example redactPgText('postgres://u:pw@h/db?password=x', ['pw']) // 'postgres://u:***@h/db?password=***'
 */
export function redactPgText(text: string, secrets: readonly string[] = []): string {
  let out = redactUrlPassword(text).replace(QUERY_PASSWORD, '$1***');
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}

/** The password inside a connection URL, if any (userinfo or `password=` parameter). */
export function passwordsOf(url: string): string[] {
  try {
    const u = new URL(url);
    const found = [decodeURIComponent(u.password), u.searchParams.get('password') ?? ''];
    return found.filter((p) => p.length > 0);
  } catch {
    return [];
  }
}

/**
 * Host, port and database of a `postgres://` / `postgresql://` URL, with libpq's defaults
 * (host localhost, port 5432, database = user name). A socket directory host
 * (`?host=/run/postgresql` or a percent-encoded path) is kept as written.
 */
export function pgLocation(url: string): PgLocation {
  const u = new URL(url);
  const hostParam = u.searchParams.get('host');
  const host = hostParam ?? (decodeURIComponent(u.hostname) || 'localhost');
  const port = Number(u.port || u.searchParams.get('port') || 5432);
  const user = decodeURIComponent(u.username) || u.searchParams.get('user') || process.env.PGUSER || 'postgres';
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || u.searchParams.get('dbname') || user;
  return { host, port, database };
}

/** `postgresql://host:port/db#schema.table`: no user, no password, no parameters. */
export function outputUri(loc: PgLocation, schema: string, table: string): string {
  const host = loc.host.includes(':') && !loc.host.startsWith('[') ? `[${loc.host}]` : loc.host;
  return `postgresql://${encodeURI(host)}:${loc.port}/${encodeURIComponent(loc.database)}#${schema}.${table}`;
}

/** `postgres://` or `postgresql://` with a parseable remainder. */
export function isPgUrl(url: string): boolean {
  if (!/^postgres(ql)?:\/\//i.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
