import { DatabaseSync } from 'node:sqlite';
import { BUSY_TIMEOUT_MS } from './compat.ts';

/**
 * One connection to the database, set up the same way in every thread that opens one. WAL lets
 * readers work while the writer commits; synchronous=FULL fsyncs each commit, so an
 * acknowledged event survives a power loss; secure_delete zeroes deleted content, so a destroyed
 * salt leaves no copy; the timeout waits for another connection's write lock instead of failing.
 */
export function openConnection(file: string): DatabaseSync {
  const db = new DatabaseSync(file);
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;`);
  return db;
}
