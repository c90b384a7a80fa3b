/**
 * The dashboard page's only script, inlined with the page's CSP nonce (built by build.mjs into
 * dist/dashboard.min.js; src/dashboard/client-script.ts reads it). The page works without it; it adds:
 * - the current period scrolled into view where the period list scrolls (phones);
 * - the current-visitors count, refreshed every 30 s while the tab is visible (and at once when
 *   it becomes visible again); an empty site's page reloads when the first visitor shows up;
 * - the chart tooltip on hover and focus, and arrow keys between points (one tab stop);
 * - hiding flag emoji where the system has no colour emoji font (they would show as boxes).
 * No listeners in markup (the CSP forbids inline handlers); positions are set through CSSOM,
 * which the CSP allows, never with style attributes.
 */
const doc = document;

function liveCount(): void {
  const live = doc.querySelector<HTMLElement>('[data-realtime]');
  if (!live) return;
  const src = live.getAttribute('data-src') ?? '';
  const reloadOnVisit = !!doc.querySelector('[data-empty]');
  const refresh = (): void => {
    if (doc.visibilityState !== 'visible') return;
    fetch(src, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then((r) => (r.ok ? (r.json() as Promise<{ visitors?: unknown }>) : null))
      .then((d) => {
        if (!d || typeof d.visitors !== 'number') return;
        live.textContent = d.visitors.toLocaleString('en-US');
        if (reloadOnVisit && d.visitors > 0) location.reload();
      })
      .catch(() => {});
  };
  setInterval(refresh, 30000);
  doc.addEventListener('visibilitychange', refresh);
}

/** On a phone the periods scroll sideways: bring the current one into view. */
function currentPeriodInView(): void {
  const period = doc.querySelector('.periods [aria-current]');
  const list = period?.parentElement?.parentElement;
  if (period && list && list.scrollWidth > list.clientWidth) period.scrollIntoView({ block: 'nearest', inline: 'center' });
}

function chartTooltip(): void {
  const chart = doc.getElementById('chart');
  const tip = chart?.querySelector<HTMLElement>('.tip');
  if (!chart || !tip) return;
  const pts = [...chart.querySelectorAll<SVGGElement>('.pt')];
  const hide = (): void => {
    tip.hidden = true;
  };
  const show = (pt: SVGGElement): void => {
    const base = chart.getBoundingClientRect();
    const hit = pt.querySelector('.hit')!.getBoundingClientRect();
    const dot = pt.querySelector('.dot.visitors')!.getBoundingClientRect();
    tip.textContent = pt.getAttribute('aria-label');
    tip.hidden = false;
    const half = tip.offsetWidth / 2;
    const x = Math.min(Math.max(hit.left + hit.width / 2 - base.left, half), base.width - half);
    tip.style.left = `${x}px`;
    tip.style.top = `${dot.top - base.top}px`;
  };
  pts.forEach((pt, i) => {
    // The <title> served the no-script page; now the tooltip shows it, so the browser's own goes.
    const title = pt.querySelector('title');
    pt.setAttribute('role', 'img');
    pt.setAttribute('aria-label', title?.textContent ?? '');
    title?.remove();
    pt.tabIndex = i === pts.length - 1 ? 0 : -1;
    pt.addEventListener('pointerenter', () => show(pt));
    pt.addEventListener('focus', () => show(pt));
    pt.addEventListener('blur', hide);
    pt.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') return hide();
      const keys: Record<string, number> = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: pts.length - 1 };
      const j = keys[e.key];
      if (j === undefined) return;
      e.preventDefault();
      const next = pts[Math.max(0, Math.min(pts.length - 1, j))]!;
      pt.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
  });
  chart.querySelector('svg')?.addEventListener('pointerleave', hide);
}

/** Draws a flag and looks for a coloured pixel: none means no colour emoji font. */
function hideFlagsWithoutEmoji(): void {
  try {
    const canvas = doc.createElement('canvas');
    canvas.width = canvas.height = 20;
    const g = canvas.getContext('2d')!;
    g.font = '16px sans-serif';
    g.textBaseline = 'top';
    g.fillText('\uD83C\uDDEC\uD83C\uDDE7', 0, 0);
    const px = g.getImageData(0, 0, 20, 20).data;
    let colour = false;
    for (let k = 0; k < px.length && !colour; k += 4) colour = px[k + 3]! > 0 && (px[k] !== px[k + 1] || px[k + 1] !== px[k + 2]);
    if (!colour) doc.documentElement.classList.add('no-flags');
  } catch {
    // No canvas (or a blocked one): leave the flags as they are.
  }
}

liveCount();
currentPeriodInView();
chartTooltip();
hideFlagsWithoutEmoji();
