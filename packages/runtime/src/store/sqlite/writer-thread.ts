import { Worker } from 'node:worker_threads';
import { FootfallStorageError } from '../../errors.ts';
import { workerOptions, workerUrl } from './worker-options.ts';
import type { StoredEvent } from '../types.ts';
import type { AppendResult } from './event-writer.ts';

export type WorkerRequest = { type: 'append'; id: number; events: readonly StoredEvent[] } | { type: 'close' };
/** A failure crosses the thread boundary as its message and SQLite result code. */
export type WorkerReply = { id: number; error: string; errcode?: number | undefined } | ({ id: number } & AppendResult);

/**
 * The main thread's handle on the append worker. Batches go over in order and come back in
 * order; a crashed worker fails what it held and is started again on the next batch.
 */
export class WriterThread {
  #file: string;
  /** The id this process's commits carry in the `writers` table. */
  readonly id: string;
  #worker: Worker | undefined;
  #pending = new Map<number, { resolve: (r: AppendResult) => void; reject: (e: Error) => void }>();
  #next = 1;

  constructor(file: string, id: string) {
    this.#file = file;
    this.id = id;
  }

  #start(): Worker {
    const worker = new Worker(workerUrl('append-worker', import.meta.url), workerOptions({ file: this.#file, writer: this.id }));
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if ('error' in reply) waiting?.reject(Object.assign(new Error(reply.error), { errcode: reply.errcode }));
      else waiting?.resolve(reply);
    });
    const fail = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
    };
    // A dead worker is an outage, not a bad event: the batch writer must not retry event by event.
    worker.on('error', (error) => fail(new FootfallStorageError(`the append worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => fail(new FootfallStorageError(`the append worker stopped (exit code ${code})`)));
    // Idle, the worker must not keep the process alive (a store someone forgot to close); with
    // a batch in flight it must, or a script awaiting that write would exit before the reply.
    worker.unref();
    return worker;
  }

  append(events: readonly StoredEvent[]): Promise<AppendResult> {
    const worker = (this.#worker ??= this.#start());
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ type: 'append', id, events } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref();
    worker.postMessage({ type: 'close' } satisfies WorkerRequest);
    await exited;
  }
}
