/**
 * How the host spells its URLs: Astro's `trailingSlash` setting. The runtime routes paths without
 * a trailing slash (the Astro routes strip one), but every URL the dashboard writes into a page
 * must be the one the host serves: with `always`, Astro's Node server answers `/_analytics/login`
 * with a 301 (a POSTed form comes back as a GET) and `astro dev` answers it with a 404.
 */
export type TrailingSlash = 'always' | 'never' | 'ignore';

/** Every address the dashboard writes into its pages, in the host's style. */
export interface DashboardUrls {
  /** The dashboard page; views add a query string. */
  readonly page: string;
  readonly login: string;
  readonly logout: string;
  /** The current-visitors count the page refreshes. */
  readonly realtime: string;
  readonly exportCsv: string;
  /** The public privacy statement (under the collector base). */
  readonly privacy: string;
  /** The collector, as the tracker in the site's pages posts to it (shown on an empty site). */
  readonly collector: string;
}

export function dashboardUrls(dashboardBase: string, collectorBase: string, trailingSlash: TrailingSlash = 'ignore'): DashboardUrls {
  const at = (path: string) => styledPath(path, trailingSlash);
  return {
    page: at(dashboardBase),
    login: at(`${dashboardBase}/login`),
    logout: at(`${dashboardBase}/logout`),
    realtime: at(`${dashboardBase}/api/realtime`),
    // A slash after a file name too: Astro 7 does not redirect a path with an extension, but the
    // catch-all route it mounts the dashboard on only matches `.../export.csv/` under `always`.
    // The browser names the download from Content-Disposition, not from the URL.
    exportCsv: at(`${dashboardBase}/export.csv`),
    privacy: at(`${collectorBase}/privacy`),
    collector: at(`${collectorBase}/e`),
  };
}

/** `path` with the trailing slash the host's style asks for; `ignore` leaves it as written. */
export function styledPath(path: string, trailingSlash: TrailingSlash): string {
  if (trailingSlash === 'always') return path.endsWith('/') ? path : `${path}/`;
  if (trailingSlash === 'never' && path.length > 1) return path.replace(/\/+$/, '') || '/';
  return path;
}
