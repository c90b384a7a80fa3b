import { DatabaseSync } from 'node:sqlite';

/**
 * One connection to the database, set up the same way in every thread that opens one. WAL lets
 * readers work while the writer commits; synchronous=FULL fsyncs each commit, so an
 * acknowledged event survives a power loss; secure_delete zeroes deleted content, so a destroyed
 * salt leaves no copy; the timeout waits for another connection's write lock instead of failing.
 */
export function openConnection(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { timeout: 5000 });
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;');
  return db;
}
