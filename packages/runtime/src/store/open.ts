import type { ResolvedOptions } from '../options.ts';
import { JsonStore } from './json/json-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './types.ts';

export async function openStore(options: Pick<ResolvedOptions, 'storage' | 'dataDir'>): Promise<Store> {
  return options.storage === 'json' ? JsonStore.open(options.dataDir) : SqliteStore.open(options.dataDir);
}
