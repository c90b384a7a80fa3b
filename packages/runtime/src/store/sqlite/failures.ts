import { FootfallStorageError } from '../../errors.ts';

/**
 * SQLite result codes that mean the database as a whole cannot persist right now, with the words
 * an operator needs. Any other failure (a constraint, a type mismatch, a bug in our own code)
 * may belong to one event, and the batch writer then commits the rest without it.
 * https://www.sqlite.org/rescode.html (primary codes: the low byte of an extended code).
 */
const OUTAGES = new Map<number, string>([
  [5, 'the database is locked by another connection (SQLITE_BUSY)'],
  [6, 'the database is locked (SQLITE_LOCKED)'],
  [7, 'out of memory (SQLITE_NOMEM)'],
  [8, 'the database is read-only (SQLITE_READONLY): check the permissions of FOOTFALL_DATA_DIR'],
  [10, 'an I/O error (SQLITE_IOERR): check the disk'],
  [11, 'the database file is corrupt (SQLITE_CORRUPT): stop the server and restore it from a backup, or recover it with `sqlite3 footfall.db .recover`'],
  [13, 'the disk is full (SQLITE_FULL): free space on the disk of FOOTFALL_DATA_DIR'],
  [14, 'the database file cannot be opened (SQLITE_CANTOPEN)'],
  [15, 'a locking protocol error (SQLITE_PROTOCOL)'],
  [26, 'the file is not a SQLite database (SQLITE_NOTADB)'],
]);

/** Extended codes whose primary code would mislead: a full disk reported as an I/O error. */
const EXTENDED = new Map<number, string>([
  [4874, 'no room for the shared-memory file (-shm) beside it (SQLITE_IOERR_SHMSIZE): the disk is probably full; free space on the disk of FOOTFALL_DATA_DIR'],
]);

/** The SQLite result code of an error from node:sqlite (or carried over from the append worker). */
export function sqliteCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | undefined)?.errcode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * What a failure means for the caller: an outage becomes a FootfallStorageError that names the
 * file and the cause (the collector answers 503 with Retry-After); anything else is returned
 * as it is.
 */
export function classify(error: unknown, file: string, doing: string): unknown {
  const code = sqliteCode(error);
  const cause = code === undefined ? undefined : (EXTENDED.get(code) ?? OUTAGES.get(code & 0xff));
  if (cause === undefined) return error;
  return new FootfallStorageError(`${doing} ${file}: ${cause}`, { cause: error });
}

/** Like classify, but every failure is the storage's: for salts, sealing and pruning, which no event can cause. */
export function storageFailure(error: unknown, file: string, doing: string): FootfallStorageError {
  const classified = classify(error, file, doing);
  if (classified instanceof FootfallStorageError) return classified;
  return new FootfallStorageError(`${doing} ${file}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}
