export { createFootfall, type Footfall, type FootfallContext, type RequestInfo } from './footfall.ts';
export {
  resolveOptions,
  ENV_NAMES,
  PRIVACY_MODES,
  STORAGE_ENGINES,
  type FootfallOptions,
  type ResolvedOptions,
  type PrivacyMode,
  type StorageEngine,
  type GoalInput,
} from './options.ts';
export { FootfallConfigError, FootfallStorageError } from './errors.ts';
export { trackerFor, trackerScript, TRACKER_BUDGET_BYTES, type TrackerConfig } from './tracker.ts';
export { STORED_FIELDS } from './privacy/modes.ts';
export { privacyFacts, type PrivacyFacts } from './privacy/statement.ts';
export { openStore, ENGINES, type Engine, type EngineSettings } from './store/engines.ts';
export type { Store, EventSink, StatsQuestions, SaltVault, Maintenance, HistoryExport, HistoryImport } from './store/types.ts';
export { migrate, MIGRATION_TARGETS, type MigrationReport } from './store/migrate.ts';
export type { StoredEvent, Visit, EventRow } from './model/events.ts';
export { PROPERTIES, type PropertyName, type Filter, type StatsQuery, type Goal, type Funnel } from './model/stats.ts';
export type { FunnelInput, FunnelStepInput, FunnelAnswer, FunnelStep } from './stats/funnels.ts';
export type { Summary } from './stats/summary.ts';
export { sharedFootfall, closeSharedFootfalls } from './shared.ts';
export { serveWith, injectTracker, trackerElement } from './host.ts';
export { ownsPath } from './http/request-path.ts';
