import { Worker } from 'node:worker_threads';
import { FootfallStorageError } from '../../errors.ts';
import { workerOptions, workerUrl } from './worker-options.ts';
import type { StoredEvent } from '../../model/events.ts';
import type { AppendEvent, AppendResult, PlacedEvent } from './event-writer.ts';

export type WorkerRequest = { type: 'append'; id: number; events: readonly AppendEvent[] } | { type: 'close' };
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
  /**
   * Row ids of visits that committed appends placed, by `bucket|session`: later events of those
   * visits cross to the worker as PlacedEvents. A committed row id stays valid (the worker's own
   * cache relies on that too); ids are learned only from committed batches, and every failed
   * batch drops them all, as the worker drops its own after a rollback.
   */
  #visits = new Map<string, number>();

  constructor(file: string, id: string) {
    this.#file = file;
    this.id = id;
  }

  #start(): Worker {
    // A small young generation: V8 sizes it from the machine's memory (up to ~100 MB on a large
    // one) and grows it under steady load, while this thread only holds one batch at a time and
    // its caches; 8 MB keeps its scavenges short and its memory a fraction of that.
    const options = { ...workerOptions({ file: this.#file, writer: this.id }), resourceLimits: { maxYoungGenerationSizeMb: 8 } };
    const worker = new Worker(workerUrl('append-worker', import.meta.url), options);
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
    const message = { type: 'append', id, events: this.#slim(events) } satisfies WorkerRequest;
    return new Promise<AppendResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage(message);
    }).then(
      (placed) => {
        this.#learn(events, placed.visits);
        return placed;
      },
      (error: unknown) => {
        this.#visits.clear();
        throw error;
      },
    );
  }

  /**
   * Events of visits already placed are sent without their visit's fields: the structured clone
   * of each batch (both ways: the worker deserializes it) was a tenth of a beacon's CPU time,
   * and most events belong to a visit that has been seen before.
   */
  #slim(events: readonly StoredEvent[]): AppendEvent[] {
    const out: AppendEvent[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const visit = this.#visits.get(visitKey(e));
      if (visit === undefined) {
        out[i] = e;
        continue;
      }
      const placed: { -readonly [K in keyof PlacedEvent]: PlacedEvent[K] } = { visit, ts: e.ts, kind: e.kind, path: e.path };
      if (e.name !== undefined) placed.name = e.name;
      if (e.props !== undefined) placed.props = e.props;
      if (e.engaged !== undefined) placed.engaged = e.engaged;
      if (e.scroll !== undefined) placed.scroll = e.scroll;
      out[i] = placed;
    }
    return out;
  }

  #learn(events: readonly StoredEvent[], visits: readonly number[]): void {
    // Bounded like the worker's cache: only the open buckets' visits matter.
    if (this.#visits.size > 50_000) this.#visits.clear();
    for (let i = 0; i < events.length; i++) this.#visits.set(visitKey(events[i]!), visits[i]!);
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

/** The worker's key for a visit (EventWriter#visitId): a session id within one rotation bucket. */
function visitKey(e: StoredEvent): string {
  return `${e.bucket}|${e.session}`;
}
