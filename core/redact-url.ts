// scheme://user:password@host...: a credential inside a URL (an endpoint, a proxy, an error quoting one) is never
// printed, wherever it appears: config output, error messages and every log line pass through this. The user
// name stays, so the output still tells which account is meant.

export const REDACTED = '[REDACTED]';

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*:)[^/?#@\s]*@/gi;

/** `text` with the password of every URL in it replaced by [REDACTED]. */
export function redactUrlCredentials(text: string): string {
  // Most strings hold no URL with a password: skip the replace (and its copy) for them.
  return text.includes('@') && text.includes('://') ? text.replace(URL_PASSWORD, `$1${REDACTED}@`) : text;
}
