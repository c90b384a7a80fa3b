export const UTM_PARAMS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'] as const;
export type Utm = Partial<Record<(typeof UTM_PARAMS)[number], string>>;

export interface PageUrl {
  hostname: string;
  /** Path, plus allow-listed query parameters, plus the fragment when hash routing is on. */
  path: string;
  utm: Utm;
}

const MAX_UTM_CHARS = 200;

/**
 * Query strings carry emails, reset tokens and session ids, so none of it is kept except the
 * UTM parameters (split into their own fields) and what the owner allow-listed. Fragments go
 * too unless the site routes by hash.
 */
export function cleanPageUrl(url: URL, options: { queryAllowlist: readonly string[]; hashRouting: boolean }): PageUrl {
  const hash = options.hashRouting && url.hash.length > 1 ? url.hash : '';
  // Most page URLs have no query: nothing to look for, and no URLSearchParams to build.
  if (url.search === '') return { hostname: url.hostname.toLowerCase(), path: `${url.pathname}${hash}`, utm: {} };
  const utm: Utm = {};
  for (const name of UTM_PARAMS) {
    const value = url.searchParams.get(name)?.trim();
    if (value) utm[name] = value.slice(0, MAX_UTM_CHARS);
  }
  const kept = new URLSearchParams();
  for (const name of options.queryAllowlist) for (const value of url.searchParams.getAll(name)) kept.append(name, value);
  const query = kept.size > 0 ? `?${kept}` : '';
  return { hostname: url.hostname.toLowerCase(), path: `${url.pathname}${query}${hash}`, utm };
}
