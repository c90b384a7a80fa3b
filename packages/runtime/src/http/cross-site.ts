/**
 * Why a sign-in or sign-out post must be refused as coming from another site, or undefined.
 * The session cookie is SameSite=Strict, but a forged sign-in needs no cookie (it can sign a
 * browser into a session, or feed it password guesses), and a forged sign-out is a nuisance.
 *
 * Browsers say where a request comes from in `Sec-Fetch-Site` (every current one); only
 * `same-origin` (the dashboard's own form) and `none` (typed by the user) pass, since a sibling
 * subdomain (`same-site`) may be someone else's. Older browsers send `Origin` on every cross-origin
 * post: it must name this host (or the one a proxy says it forwarded, `X-Forwarded-Host`, which a
 * cross-site form cannot set). A request with neither header is no browser's cross-site post
 * (curl, scripts): it passes.
 */
export function crossSiteReason(request: Request, url: URL): string | undefined {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin' || site === 'none' ? undefined : `Sec-Fetch-Site is ${site}`;
  const origin = request.headers.get('origin');
  if (origin === null) return undefined;
  const forwarded = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim().toLowerCase();
  const host = originHost(origin);
  return host !== undefined && (host === url.host || host === forwarded) ? undefined : `Origin ${origin} is not this site`;
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined; // `null` (sandboxed or privacy-sensitive contexts) included
  }
}
