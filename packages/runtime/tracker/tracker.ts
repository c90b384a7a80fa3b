// Footfall's browser tracker, inlined in every page's <head>: every byte ships with every page.
// build.mjs minifies it and a test holds gzip -9 of the default build to TRACKER_BUDGET_BYTES.
// So this file is written for size: no classes, no aliases (gzip prefers repeated long names
// to extra variables), `let` even where `const` would do (terser keeps the keyword; 12 B less
// after gzip), and the few tricks are commented where they happen.
//
// FOOTFALL_CONFIG is a placeholder: src/tracker.ts swaps it for a JSON object holding only
// the non-default keys, so the default build carries `{}`. Keys (truthy = not the default):
//   e endpoint, l:1 run on localhost, h:1 hash routing.
//
// Whatever the server can decide, it decides: it classifies link clicks (download or
// outbound) and applies the owner's switches for them, honours Do Not Track / Global Privacy
// Control from the request headers the browser sends anyway, picks data-footfall-prop-*
// out of a tagged element's dataset, and ignores beacons from the dashboard. Those settings
// then change with the server's environment, without rebuilding the site.
//
// Privacy: never a cookie; localStorage is only read (the owner's opt-out); the visit id lives
// in sessionStorage, so it is per tab and dies with it.

interface FootfallConfig {
  e?: string;
  l?: 1;
  h?: 1;
}
interface Window {
  footfall(name: string, props?: Record<string, string>): void;
}
declare const FOOTFALL_CONFIG: FootfallConfig;

((c: FootfallConfig) => {
  let lastPath: string;
  let href: string;
  let visibleSince: any = 0;
  let referrer: string | undefined;
  let session: string;

  // Keys with empty values are left out of the body (JSON drops undefined).
  let send = (o: object) =>
    fetch(c.e || '/_footfall/e', {
      method: 'POST',
      keepalive: true,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ u: href, s: session, ...o }),
    }).catch(Object);

  // Engaged time: the visible time since the last report, sent for the page it belongs to
  // (href still holds the previous page when a navigation calls this). Reports from the
  // heartbeat, hiding and leaving (`measure` truthy: a visibilitychange passes its event) carry
  // the scroll depth: the viewport's bottom as a fraction of the page's height (a page no taller
  // than the viewport gives 1). The server turns it into a percentage capped at 100 and keeps each
  // page's deepest report. A navigation's report carries none: by then the DOM may be the next
  // page's. Sampled at reports only: a scroll listener keeping the deepest between reports took
  // the tracker to 753 B, over its 740 B budget.
  let engage = (measure?: unknown) => {
    let now = Date.now();
    let g = visibleSince && now - visibleSince;
    visibleSince = !document.hidden && now;
    if (g > 0) send({ k: 'g', g, d: measure && (scrollY + innerHeight) / document.documentElement.scrollHeight });
  };

  // One pageview per distinct path, whichever navigation signal reports it first.
  let pageview = (_?: unknown) => {
    let p = location.pathname + (c.h ? location.hash : '');
    if (p != lastPath) {
      engage();
      lastPath = p;
      href = location.href;
      send({ k: 'p', r: referrer });
      referrer = undefined;
    }
  };

  // Site code may call footfall() where we do not track: it must exist and never throw.
  // Object(...) does nothing observable and is shorter than () => {}.
  window.footfall = Object;
  // host, not hostname: it keeps the port, and "" (file:) matches too.
  if ((!c.l && /^(localhost|127\.|\[::1|$)/.test(location.host)) || navigator.webdriver) return;
  // Storage throws when the visitor blocks site data. Such a visitor asked not to be
  // remembered, so the tracker stays off (and this try keeps any setup error from the page).
  try {
    if ((localStorage.footfall_ignore as any) == 1) return;
    // A new visit (no id in this tab yet) is the only pageview that carries the referrer.
    // The id: ~16 random decimal digits (53 bits), shorter to ship than base 36.
    session = sessionStorage.ff_s ||= ((referrer = document.referrer || undefined), ('' + Math.random()).slice(2));

    window.footfall = (n, p) => send({ k: 'e', n, p });

    for (let m of ['pushState', 'replaceState'] as const) {
      let orig = history[m];
      history[m] = (...a) => pageview(orig.apply(history, a));
    }
    addEventListener('popstate', pageview);
    document.addEventListener('astro:page-load', pageview);
    // The tab is hidden, left for another page or closed. Leaving by a link, Chrome fires
    // pagehide (the page still counts as visible) then visibilitychange; Safari may fire only
    // pagehide. Whichever comes first reports the time; pagehide stops the count, so the other
    // finds none left. keepalive lets the request outlive the page.
    addEventListener('visibilitychange', engage);
    addEventListener('pagehide', () => {
      engage(1);
      visibleSince = 0;
    });
    setInterval(engage, 15e3, 1);

    addEventListener('click', (e) => {
      let find = (sel: string) => (e.target as Element).closest?.(sel) as HTMLAnchorElement | null;
      let a = find('a');
      let tagged = find('[data-footfall-event]');
      // A tagged element's own event replaces the automatic link events; the server reads the
      // name and the data-footfall-prop-* values from its dataset.
      if (tagged) send({ k: 't', p: tagged.dataset });
      // Links to other hosts, and links to files (a path ending in an extension other than
      // .html): the server tells downloads from outbound clicks. `a` stringifies to its href.
      else if (a && /^http/.test(a as any) && (a.host != location.host || /\.(?!html?$)\w+$/.test(a.pathname))) send({ k: 'l', h: a.href });
    });

    pageview();
  } catch {}
})(FOOTFALL_CONFIG);
