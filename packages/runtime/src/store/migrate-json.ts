import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FootfallStorageError } from '../errors.ts';
import { DurableJsonFile } from './json/durable-file.ts';
import { MAIN_SHAPE, segmentShape } from './json/json-shapes.ts';
import { JSON_FILE, SEGMENT_DIR } from './json/json-store.ts';
import { loadSqliteEngine } from './load-sqlite.ts';
import { KINDS, type StoredEvent, VISIT_ATTRIBUTES } from '../model/events.ts';

export interface MigrationReport {
  readonly events: number;
  readonly buckets: number;
  readonly salts: number;
  readonly file: string;
}

/**
 * Copies a JSON data directory into a SQLite database in the same directory: every event with
 * its visit, and the salts that still exist (so visitors of the open bucket keep their hash
 * across the switch). The JSON files are left untouched; the caller then sets
 * FOOTFALL_STORAGE=sqlite. Refuses a directory whose database already holds events.
 */
export async function migrateJsonToSqlite(dir: string, sealBefore: number): Promise<MigrationReport> {
  if (!existsSync(join(dir, JSON_FILE))) {
    throw new FootfallStorageError(`no JSON store in ${dir} (${JSON_FILE} is missing). Point FOOTFALL_DATA_DIR or --data-dir at the directory the json engine used.`);
  }
  const { SqliteStore } = await loadSqliteEngine();
  const sqlite = new SqliteStore(dir);
  try {
    if ((await sqlite.earliest()) !== undefined) {
      throw new FootfallStorageError(`${sqlite.file} already holds events; migrating again would count them twice. Move it away first if you mean to start over.`);
    }
    // Read through the engine's own checks: a damaged file is named, never migrated as empty.
    const main = (await new DurableJsonFile(join(dir, JSON_FILE), MAIN_SHAPE).read())!;
    for (const [bucket, salt] of Object.entries(main.salts)) sqlite.importSalt(Number(bucket), Buffer.from(salt, 'base64'));
    let events = 0;
    const segments = readdirSync(join(dir, SEGMENT_DIR)).filter((f) => /^-?\d+\.json$/.test(f));
    for (const file of segments) {
      const data = (await new DurableJsonFile(join(dir, SEGMENT_DIR, file), segmentShape(Number(file.slice(0, -5)))).read())!;
      const visits = new Map(data.visits.map(([key, session, visitor, attributes]) => [key, { session, visitor, attributes }]));
      const batch: StoredEvent[] = data.events.map(([ts, visitKey, kind, path, name, props, engaged, scroll]) => {
        const visit = visits.get(visitKey)!;
        const event: StoredEvent = { ts, kind: KINDS[kind]!, bucket: data.bucket, visitor: visit.visitor, session: visit.session, path };
        for (const a of VISIT_ATTRIBUTES) if (visit.attributes[a] !== undefined) event[a] = visit.attributes[a];
        if (name !== null) event.name = name;
        if (props !== null) event.props = props;
        if (engaged !== null) event.engaged = engaged;
        if (scroll !== undefined) event.scroll = scroll;
        return event;
      });
      await sqlite.append(batch.sort((a, b) => a.ts - b.ts));
      events += batch.length;
    }
    await sqlite.seal(sealBefore);
    return { events, buckets: segments.length, salts: Object.keys(main.salts).length, file: sqlite.file };
  } finally {
    await sqlite.close();
  }
}
