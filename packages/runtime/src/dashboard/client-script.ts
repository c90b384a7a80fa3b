/**
 * The page's only script, inlined with the CSP nonce. The page works without it; it adds:
 * - the current period scrolled into view where the period list scrolls (phones);
 * - the current-visitors count, refreshed every 30 s while the tab is visible (and at once when
 *   it becomes visible again); an empty site's page reloads when the first visitor shows up;
 * - the chart tooltip on hover and focus, and arrow keys between points (one tab stop);
 * - hiding flag emoji where the system has no colour emoji font (they would show as boxes).
 * No listeners in markup (the CSP forbids inline handlers); positions are set through CSSOM,
 * which the CSP allows, never with style attributes.
 */
export const CLIENT_SCRIPT = `(function () {
  var doc = document;
  var live = doc.querySelector('[data-realtime]');
  if (live) {
    var reloadOnVisit = !!doc.querySelector('[data-empty]');
    var refresh = function () {
      if (doc.visibilityState !== 'visible') return;
      fetch(live.getAttribute('data-src'), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d || typeof d.visitors !== 'number') return;
          live.textContent = d.visitors.toLocaleString('en-US');
          if (reloadOnVisit && d.visitors > 0) location.reload();
        })
        .catch(function () {});
    };
    setInterval(refresh, 30000);
    doc.addEventListener('visibilitychange', refresh);
  }

  // On a phone the periods scroll sideways: bring the current one into view.
  var period = doc.querySelector('.periods [aria-current]');
  if (period && period.parentNode.parentNode.scrollWidth > period.parentNode.parentNode.clientWidth) {
    period.scrollIntoView({ block: 'nearest', inline: 'center' });
  }

  var chart = doc.getElementById('chart');
  var tip = chart && chart.querySelector('.tip');
  if (chart && tip) {
    var pts = Array.prototype.slice.call(chart.querySelectorAll('.pt'));
    var hide = function () { tip.hidden = true; };
    var show = function (pt) {
      var base = chart.getBoundingClientRect();
      var hit = pt.querySelector('.hit').getBoundingClientRect();
      var dot = pt.querySelector('.dot.visitors').getBoundingClientRect();
      tip.textContent = pt.getAttribute('aria-label');
      tip.hidden = false;
      var half = tip.offsetWidth / 2;
      var x = Math.min(Math.max(hit.left + hit.width / 2 - base.left, half), base.width - half);
      tip.style.left = x + 'px';
      tip.style.top = (dot.top - base.top) + 'px';
    };
    pts.forEach(function (pt, i) {
      // The <title> served the no-script page; now the tooltip shows it, so the browser's own goes.
      var title = pt.querySelector('title');
      pt.setAttribute('role', 'img');
      pt.setAttribute('aria-label', title ? title.textContent : '');
      if (title) title.remove();
      pt.tabIndex = i === pts.length - 1 ? 0 : -1;
      pt.addEventListener('pointerenter', function () { show(pt); });
      pt.addEventListener('focus', function () { show(pt); });
      pt.addEventListener('blur', hide);
      pt.addEventListener('keydown', function (e) {
        if (e.key === 'Escape') return hide();
        var j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: pts.length - 1 }[e.key];
        if (j === undefined) return;
        e.preventDefault();
        var next = pts[Math.max(0, Math.min(pts.length - 1, j))];
        pt.tabIndex = -1;
        next.tabIndex = 0;
        next.focus();
      });
    });
    chart.querySelector('svg').addEventListener('pointerleave', hide);
  }

  try {
    var canvas = doc.createElement('canvas');
    canvas.width = canvas.height = 20;
    var g = canvas.getContext('2d');
    g.font = '16px sans-serif';
    g.textBaseline = 'top';
    g.fillText('\\uD83C\\uDDEC\\uD83C\\uDDE7', 0, 0);
    var px = g.getImageData(0, 0, 20, 20).data;
    var colour = false;
    for (var k = 0; k < px.length && !colour; k += 4) colour = px[k + 3] > 0 && (px[k] !== px[k + 1] || px[k + 1] !== px[k + 2]);
    if (!colour) doc.documentElement.classList.add('no-flags');
  } catch (e) {}
})();`;
