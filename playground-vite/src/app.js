// The client-routed section: links change the URL with history.pushState, no page load.
// Footfall's tracker sees pushState and popstate and counts one pageview per route.
const routes = {
  '/app/': 'Start: pick a route above. The URL changes, the page does not reload.',
  '/app/settings': 'Settings: nothing to set, this is a playground.',
  '/app/reports': 'Reports: see /_analytics for the real ones.',
};
const view = document.getElementById('view');

function render() {
  view.textContent = routes[location.pathname] ?? `No route for ${location.pathname}`;
  view.dataset.route = location.pathname;
}

document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-route]');
  if (!link || event.metaKey || event.ctrlKey) return;
  event.preventDefault();
  if (link.pathname !== location.pathname) history.pushState(null, '', link.href);
  render();
});
addEventListener('popstate', render);
render();
