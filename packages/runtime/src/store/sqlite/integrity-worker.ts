// Runs SQLite's quick_check on its own connection and thread, so a large database is checked
// without holding up requests; plain TypeScript that Node's type stripping accepts.
import { parentPort, workerData } from 'node:worker_threads';
import { BUSY_TIMEOUT_MS } from './compat.ts';
import { importSqliteQuietly } from './quiet-import.ts';

let verdict: string[];
try {
  const { DatabaseSync } = await importSqliteQuietly();
  const db = new DatabaseSync((workerData as { file: string }).file, { readOnly: true });
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // At most five problems: enough to name the damage, and the scan stops early on a wreck.
  verdict = (db.prepare('PRAGMA quick_check(5)').all() as { quick_check: string }[]).map((r) => r.quick_check);
  db.close();
} catch (error) {
  verdict = [(error as Error).message];
}
parentPort!.postMessage(verdict);
