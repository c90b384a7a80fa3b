/**
 * The path of a serialized http(s) URL, which is what `Request.url` holds, read from its text:
 * it starts at the first `/` after the scheme's `//` (a serialized authority has none: a `/` in
 * userinfo is percent-encoded) and ends at the query or fragment. Undefined for other schemes.
 * A hot path compares this with one known path; when the text differs (an unserialized URL from
 * some other Request implementation, say) the caller parses the URL in full, as it would anyway.
 */
export function pathOf(href: string): string | undefined {
  const authority = href.startsWith('https://') ? 8 : href.startsWith('http://') ? 7 : -1;
  if (authority < 0) return undefined;
  const start = href.indexOf('/', authority);
  if (start < 0) return undefined;
  let end = href.indexOf('?', start);
  const hash = href.indexOf('#', start);
  if (end < 0 || (hash >= 0 && hash < end)) end = hash;
  return end < 0 ? href.slice(start) : href.slice(start, end);
}

/** Whether a path is Footfall's (collector or dashboard), so a host renders everything else. */
export function ownsPath(pathname: string, bases: { readonly collectorBase: string; readonly dashboardBase: string }): boolean {
  return underBase(pathname, bases.collectorBase) || underBase(pathname, bases.dashboardBase);
}

export function underBase(pathname: string, base: string): boolean {
  return pathname === base || pathname.startsWith(`${base}/`);
}
