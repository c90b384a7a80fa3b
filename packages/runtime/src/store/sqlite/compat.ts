import type { SQLInputValue, StatementSync } from 'node:sqlite';

// node:sqlite grew between Node 22.13 (the oldest this engine supports) and 24. The engine uses
// only what 22.13 has, plus what is here: a newer feature where it exists, the same result
// without it. 22.13 also lacks `db.isOpen` (the engine tracks that itself) and ignores the
// `timeout` option (connections set PRAGMA busy_timeout instead).

/** A prepared query answering each row as an array of its column values, in column order. */
export type ArrayQuery = (...params: SQLInputValue[]) => unknown[][];

export function arrayQuery(statement: StatementSync): ArrayQuery {
  // Arrays skip building an object per row: a cold read of a day of events is one of the
  // dashboard's larger costs. Without setReturnArrays (Node 22.13) rows are objects whose
  // values come in column order (the engine's queries name every column once).
  if (typeof statement.setReturnArrays === 'function') {
    statement.setReturnArrays(true);
    return (...params) => statement.all(...params) as unknown as unknown[][];
  }
  return (...params) => statement.all(...params).map((row) => Object.values(row));
}

/** Waits this long for another connection's write lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;
