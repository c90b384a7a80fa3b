import { FootfallConfigError } from '../errors.ts';
import { importSqliteQuietly } from './sqlite/quiet-import.ts';

/**
 * The oldest Node whose node:sqlite this engine runs on: unflagged from 22.13 (Node 20 has none).
 * What 22.13 lacks and newer Nodes have (`setReturnArrays`, `isOpen`, the `timeout` option) the
 * engine does without: see `sqlite/compat.ts`.
 */
export const SQLITE_MIN_NODE = '22.13';

type SqliteEngine = typeof import('./sqlite/sqlite-store.ts');

/**
 * The SQLite engine, loaded when a store asks for it: a static import of node:sqlite fails the
 * whole module graph on a Node without it, so nothing else imports the engine, and builds and
 * JSON storage run on Node 20.
 */
export async function loadSqliteEngine(version = process.versions.node): Promise<SqliteEngine> {
  if (!atLeast(version, SQLITE_MIN_NODE)) throw sqliteNeedsNewerNode(version);
  try {
    await importSqliteQuietly();
  } catch (error) {
    throw sqliteNeedsNewerNode(version, error);
  }
  return import('./sqlite/sqlite-store.ts');
}

export function sqliteNeedsNewerNode(version: string, cause?: unknown): FootfallConfigError {
  return new FootfallConfigError(
    'FOOTFALL_STORAGE',
    `FOOTFALL_STORAGE=sqlite (the default) needs Node ${SQLITE_MIN_NODE} or later (this is Node ${version}); use Node ${SQLITE_MIN_NODE}+ or set FOOTFALL_STORAGE=json.`,
    cause === undefined ? undefined : { cause },
  );
}

function atLeast(version: string, minimum: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor = 0, minMinor = 0] = minimum.split('.').map(Number);
  return major > minMajor || (major === minMajor && minor >= minMinor);
}
