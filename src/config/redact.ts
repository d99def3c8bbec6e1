/** Never print a secret (conventions.md): passwords inside URLs become `***`. */

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*):([^\s/?#@]*)@/gi;

/**
 * @example redactUrlPassword('postgres://u:pw@h/db') // 'postgres://u:***@h/db'
 */
export function redactUrlPassword(text: string): string {
  return text.replace(URL_USERINFO, (_m, scheme: string, user: string) => `${scheme}${user}:***@`);
}

export const REDACTED = '***';
