import { Worker } from 'node:worker_threads';
import { FootfallStorageError } from '../../errors.ts';
import { workerOptions, workerUrl } from './worker-options.ts';

/**
 * How long start-up waits for the integrity check. quick_check reads every page (about 8 ms per
 * MB here: a database of 10 M events takes seconds), so a large file's check finishes in the
 * background and its verdict arrives through `onLateDamage`.
 */
export const INTEGRITY_WAIT_MS = 2000;

export type IntegrityVerdict = { ok: true } | { ok: false; error: FootfallStorageError };

/**
 * Checks the database file for damaged pages. A garbled page may sit where appends never look,
 * so a damaged file would otherwise start and answer 202 for as long as nobody read that page.
 */
export function checkIntegrity(file: string): Promise<IntegrityVerdict> {
  const worker = new Worker(workerUrl('integrity-worker', import.meta.url), workerOptions({ file }));
  // Never keeps a process alive on its own: a short script that opens and closes a store exits.
  worker.unref();
  return new Promise((resolve) => {
    worker.once('message', (problems: string[]) => {
      if (problems.length === 1 && problems[0] === 'ok') return resolve({ ok: true });
      resolve({ ok: false, error: damaged(file, problems) });
    });
    worker.once('error', (error) => resolve({ ok: false, error: damaged(file, [error.message]) }));
  });
}

export function damaged(file: string, problems: readonly string[]): FootfallStorageError {
  return new FootfallStorageError(
    `the SQLite database ${file} is damaged (${problems.map((p) => p.replace(/\s+/g, ' ').trim()).join('; ')}). Stop the server, move the file aside with its -wal ` +
      'and -shm files, and restore it from a backup, or recover what is readable with `sqlite3 damaged.db ".recover" | sqlite3 footfall.db`.',
  );
}
