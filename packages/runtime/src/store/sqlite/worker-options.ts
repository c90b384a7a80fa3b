import type { WorkerOptions } from 'node:worker_threads';

/**
 * How this package starts its worker threads (the append worker, the integrity check).
 *
 * Left alone, a worker inherits the process's Node flags, and Node drops the ones a thread
 * cannot take (`--max-old-space-size`, `--title`, `--expose-gc`...). Passing `execArgv`
 * explicitly would make those flags an error (ERR_WORKER_INVALID_EXEC_ARGV), so a server
 * started with them could not store anything. The one inherited flag that breaks a worker is
 * `--input-type` (a script run with `-e`): it stops the worker from loading its file, and only
 * then are the flags replaced, by none.
 */
export function workerOptions(workerData: unknown): WorkerOptions {
  const evalInput = process.execArgv.some((flag) => flag.startsWith('--input-type'));
  return evalInput ? { workerData, execArgv: [] } : { workerData };
}

/** The worker's file beside this one: .ts when tests run the source (Node strips the types), .js as shipped. */
export function workerUrl(name: string, base: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}
