// Reads what the server stored, straight from its files, read-only, so no Footfall code stands
// between the suite and the bytes on disk: the SQLite file (tables as in
// packages/runtime/src/store/sqlite/schema.ts) or the JSON engine's events/<bucket>.json files
// (tuples as in packages/runtime/src/store/json/json-shapes.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';

export const SQLITE_FILE = 'footfall.db';

/**
 * Every stored event as `<visit id> <path>`, with how often each occurs, and the integrity
 * verdict: SQLite's integrity_check, or for JSON whether every events file parses.
 */
export function readStore(dataDir, storage = 'sqlite') {
  if (storage === 'json') return readJsonStore(dataDir);
  const db = new DatabaseSync(join(dataDir, SQLITE_FILE), { readOnly: true });
  try {
    const integrity = db
      .prepare('PRAGMA integrity_check')
      .all()
      .map((r) => r.integrity_check)
      .join('; ');
    const rows = db
      .prepare(`SELECT v.session AS session, s.text AS path FROM events e
      JOIN visits v ON v.id = e.visit JOIN strings s ON s.id = e.path`)
      .all();
    const counts = new Map();
    for (const r of rows) {
      const key = `${r.session} ${r.path}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return { integrity, events: rows.length, counts };
  } finally {
    db.close();
  }
}

function readJsonStore(dataDir) {
  const counts = new Map();
  const problems = [];
  let events = 0;
  const dir = join(dataDir, 'events');
  for (const file of existsSync(dir) ? readdirSync(dir).filter((f) => /^-?\d+\.json$/.test(f)) : []) {
    let data;
    try {
      data = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      problems.push(`${file}: ${error.message}`);
      continue;
    }
    const sessions = new Map(data.visits.map(([key, session]) => [key, session]));
    for (const [, visit, , path] of data.events) {
      const key = `${sessions.get(visit)} ${path}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      events++;
    }
  }
  return { integrity: problems.length ? problems.join('; ') : 'ok', events, counts };
}

/**
 * Checks acknowledged pageviews (ids from http.mjs#pageview) against the store: how many are
 * there exactly once under their own visit and path, how many are missing, how many twice.
 */
export function checkAcknowledged(store, ids) {
  let stored = 0;
  let lost = 0;
  let duplicated = 0;
  for (const id of ids) {
    const n = store.counts.get(`${id} /${id}`) ?? 0;
    if (n === 0) lost++;
    else stored++;
    if (n > 1) duplicated++;
  }
  return { acknowledged: ids.length, stored, lost, duplicated };
}
