import type { IntegrationResolvedRoute } from 'astro';

/** The injected routes, as Astro reports them: our pattern, served by one of our route files. */
function isOurs(route: IntegrationResolvedRoute, patterns: readonly string[]): boolean {
  return patterns.includes(route.pattern) && /routes\/(collector|dashboard)\.js$/.test(route.entrypoint);
}

/**
 * Site routes under Footfall's bases compete with its routes for requests (Astro picks the more
 * specific one), which would hide beacons or the dashboard. Returns one warning per such route.
 * Pure, so `astro:routes:resolved` may fire any number of times.
 */
export function routeConflicts(routes: readonly IntegrationResolvedRoute[], bases: readonly string[]): string[] {
  const patterns = bases.map((base) => `${base}/[...path]`);
  const warnings: string[] = [];
  for (const route of routes) {
    if (isOurs(route, patterns)) continue;
    const base = bases.find((b) => route.pattern === b || route.pattern.startsWith(`${b}/`));
    if (base) {
      warnings.push(
        `the route ${route.pattern} (${route.entrypoint}) is under ${base}, where Footfall answers; move it, or choose another base in footfall({ collectorBase, dashboardBase }).`,
      );
    }
  }
  return warnings;
}
