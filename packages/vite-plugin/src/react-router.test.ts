import { describe, expect, it } from 'vitest';
import { trackServerBuild } from './react-router-build.ts';
import { trackDocuments, withTrackerStream } from './react-router-document.ts';
import { footfallRoutes } from './react-router.ts';

const ELEMENT = new TextEncoder().encode('<script data-footfall>t()</script>');

/** A streamed HTML response cut into the given chunks, as bytes. */
function streamed(chunks: readonly (string | Uint8Array)[], type = 'text/html; charset=utf-8'): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': type, 'content-length': '999' } });
}

describe('withTrackerStream', () => {
  it('puts the tracker before </head> once, wherever the chunks split it', async () => {
    const page = '<!DOCTYPE html><html><head><meta charSet="utf-8"/><title>é</title></head><body>ü</body></html>';
    for (let cut = 1; cut < page.length; cut += 7) {
      const response = withTrackerStream(streamed([page.slice(0, cut), page.slice(cut)]), ELEMENT);
      expect(await response.text()).toBe(page.replace('</head>', '<script data-footfall>t()</script></head>'));
      expect(response.headers.get('content-length')).toBeNull();
    }
  });

  it('keeps a multi-byte character split across chunks whole', async () => {
    const bytes = new TextEncoder().encode('<html><head></head><body>€</body></html>');
    const euro = bytes.indexOf(0xe2);
    const text = await withTrackerStream(streamed([bytes.subarray(0, euro + 1), bytes.subarray(euro + 1)]), ELEMENT).text();
    expect(text).toBe('<html><head><script data-footfall>t()</script></head><body>€</body></html>');
  });

  it('leaves pages that carry the tracker, pages without a head, and other types alone', async () => {
    const tracked = '<html><head><script data-footfall>mine()</script></head></html>';
    expect(await withTrackerStream(streamed([tracked]), ELEMENT).text()).toBe(tracked);
    expect(await withTrackerStream(streamed(['<p>no head</p>']), ELEMENT).text()).toBe('<p>no head</p>');
    const json = streamed(['{"head":"</head>"}'], 'application/json');
    expect(withTrackerStream(json, ELEMENT)).toBe(json);
  });
});

describe('trackDocuments', () => {
  it("wraps entry.server's handleRequest once and keeps its other exports", async () => {
    const handleError = () => {};
    const entry = { module: { default: () => streamed(['<html><head></head></html>']), handleError } };
    trackDocuments(entry, 't()');
    trackDocuments(entry, 't()');
    expect(entry.module.handleError).toBe(handleError);
    expect(await (await entry.module.default()).text()).toBe('<html><head><script data-footfall>t()</script></head></html>');
  });
});

describe('trackServerBuild', () => {
  const ID = '\0virtual:react-router/server-build';
  /** The parts of React Router's generated server build this reads. */
  const serverBuild = (routes: readonly { id: string; path: string }[]) =>
    `export const entry = { module: entryServer };\nexport const routes = {\n${routes.map((r) => `${JSON.stringify(r.id)}: { id: ${JSON.stringify(r.id)}, path: ${JSON.stringify(r.path)} }`).join(',\n')}\n};`;
  const bases = { collectorBase: '/_footfall', dashboardBase: '/_analytics' };

  it('tracks documents of a server build that has footfallRoutes(), and only that module', () => {
    const warnings: string[] = [];
    const code = serverBuild(footfallRoutes());
    const out = trackServerBuild(code, ID, { ...bases, warn: (m) => warnings.push(m) });
    expect(out).toMatch(/__footfallTrackDocuments\(entry, __footfallConfig\.tracker\);/);
    expect(out).toContain('from "virtual:@footfall/vite/config"');
    expect(warnings).toEqual([]);
    expect(trackServerBuild(code, '/app/root.tsx', { ...bases, warn: () => {} })).toBeUndefined();
  });

  it('adds nothing without footfallRoutes() (the build warns about the missing line instead)', () => {
    expect(trackServerBuild(serverBuild([{ id: 'routes/home', path: '' }]), ID, { ...bases, warn: () => {} })).toBeUndefined();
  });

  it('says when footfallRoutes() serves other bases than footfall() uses', () => {
    const warnings: string[] = [];
    trackServerBuild(serverBuild(footfallRoutes()), ID, { collectorBase: '/_ff', dashboardBase: '/_analytics', warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringContaining("footfallRoutes({ collectorBase: '/_ff' })")]);
    expect(footfallRoutes({ collectorBase: '/_ff/' }).map((r) => r.path)).toEqual(['_ff/*', '_analytics/*']);
  });
});
