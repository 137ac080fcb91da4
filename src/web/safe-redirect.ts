/**
 * `next=` parameters choose where a visitor lands after signing in or voting.
 * Only paths on this site are accepted — a single leading '/', never '//' or
 * '/\' (which browsers read as another host) — so links cannot be turned into
 * open redirects to phishing pages.
 */
const MAX_LENGTH = 2000;

export function safeNextPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  // Control characters and backslashes are never in our links, and browsers strip or reinterpret them.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return undefined;
  const base = 'http://paperboy.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}
