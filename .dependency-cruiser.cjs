// The runtime's layers, bottom to top. A module may import from its own layer and the ones
// below it, never above: `npm run check:deps` (part of `npm test`) fails on any import that
// points up or closes a cycle. ARCHITECTURE.md draws the same picture.
//   model                      the event and query vocabulary; imports nothing
//   net, time, html            pure helpers: addresses, calendars, escaping
//   enrich, privacy, stats     lookups, privacy modes and statement, metric definitions
//   store                      engines; they answer stats questions
//   visitor, collect           salts and hashing, the collector pipeline
//   dashboard                  HTML views of stats answers
//   http                       routes, auth, API and CSV: Request -> Response
//   footfall.ts, host.ts, node.ts, shared.ts, cli.ts, index.ts, demo/   the runtime, its host
//                              adapters, and demo traffic sent through it
// options.ts, errors.ts, throttled-log.ts and tracker.ts (settings, errors, logging, the
// tracker's source) sit beside model/ at the bottom.
const src = '^packages/runtime/src/';
const layer = (dirs) => `${src}(${dirs.join('|')})/`;
const top = `${src}(demo/|(footfall|host|node|shared|cli|index)\\.ts$)`;
const above = {
  model: ['net', 'time', 'html', 'enrich', 'privacy', 'stats', 'store', 'visitor', 'collect', 'dashboard', 'http'],
  'net|time|html': ['enrich', 'privacy', 'stats', 'store', 'visitor', 'collect', 'dashboard', 'http'],
  'enrich|privacy|stats': ['store', 'visitor', 'collect', 'dashboard', 'http'],
  store: ['visitor', 'collect', 'dashboard', 'http'],
  'visitor|collect': ['dashboard', 'http'],
  dashboard: ['http'],
};

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Cycles make layers meaningless and modules hard to test alone.', from: {}, to: { circular: true } },
    ...Object.entries(above).map(([from, upper]) => ({
      name: `${from.replace(/\|/g, '-')}-imports-no-upper-layer`,
      severity: 'error',
      comment: `${from} sits below ${upper.join(', ')}`,
      from: { path: `${src}(${from})/` },
      to: { path: [layer(upper), top] },
    })),
    {
      name: 'model-imports-nothing',
      severity: 'error',
      comment: 'model/ is the vocabulary every layer shares: types and constants only.',
      from: { path: `${src}model/` },
      to: { pathNot: `${src}model/` },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.test\\.ts$', '/dist/', '/test/'] },
  },
};
