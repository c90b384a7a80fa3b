import { FootfallStorageError } from '../errors.ts';
import type { StoredEvent } from '../model/events.ts';
import type { EventSink } from './types.ts';

/** The queue is full: the collector answers 503 with Retry-After instead of buffering without end. */
export class QueueFullError extends FootfallStorageError {
  override name = 'QueueFullError';
}

/**
 * One event the store refused for a reason of its own (not a storage outage): the others of its
 * batch were committed without it. Retrying it would fail again, so the collector answers 400.
 */
export class EventRejectedError extends Error {
  override name = 'EventRejectedError';
  constructor(options: ErrorOptions) {
    super('@footfall/runtime: the store refused this event', options);
  }
}

interface Pending {
  readonly event: StoredEvent;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit. Requests enqueue their event and wait; one writer commits everything that queued
 * up, in one transaction, then answers all of them. A 2xx is sent only after the commit holding
 * the event, and a flood fills a bounded queue, never memory.
 *
 * Batches form by themselves: while one commit runs, the next requests queue up and go in the
 * next commit. A store whose every commit is expensive whatever its size (a file rewrite) asks
 * for a minimum interval between commits: an idle writer still commits at once, and under load
 * each commit carries a bigger batch, adding at most one interval of latency.
 */
export class BatchWriter {
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #lastCommit = -Infinity;
  #closed = false;

  constructor(
    readonly store: EventSink,
    readonly maxQueue = 10_000,
    readonly maxBatch = 2_000,
    readonly minIntervalMs = store.commitIntervalMs,
  ) {}

  get queued(): number {
    return this.#queue.length;
  }

  write(event: StoredEvent): Promise<void> {
    if (this.#closed) return Promise.reject(new FootfallStorageError('the store is closing'));
    if (this.#queue.length >= this.maxQueue) return Promise.reject(new QueueFullError(`the write queue is full (${this.maxQueue} events waiting)`));
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#flushing || this.#queue.length === 0) return;
    const wait = this.#lastCommit + this.minIntervalMs - performance.now();
    // setImmediate lets every request already parsed in this turn join the same commit.
    this.#flushing = new Promise<void>((done) => (wait > 0 ? setTimeout(done, wait) : setImmediate(done))).then(() => this.#commit());
  }

  async #commit(): Promise<void> {
    await this.#append(this.#queue.splice(0, this.maxBatch));
    this.#lastCommit = performance.now();
    this.#flushing = undefined;
    this.#schedule();
  }

  /**
   * Commits a batch. A FootfallStorageError is the storage as a whole (a full disk, a lock, an
   * I/O error): every event fails alike and trying them one by one would only repeat it. Any
   * other failure may belong to one event, so the batch is halved until the culprit stands
   * alone: the rest commit (about 2·log2(n) commits for one bad event in n) and only it is refused.
   */
  async #append(batch: readonly Pending[]): Promise<void> {
    try {
      await this.store.append(batch.map((p) => p.event));
      for (const p of batch) p.resolve();
    } catch (error) {
      if (error instanceof FootfallStorageError) {
        for (const p of batch) p.reject(error);
      } else if (batch.length === 1) {
        batch[0]!.reject(new EventRejectedError({ cause: error }));
      } else {
        const half = batch.length >> 1;
        await this.#append(batch.slice(0, half));
        await this.#append(batch.slice(half));
      }
    }
  }

  /** Commits what is queued, then refuses new events. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing) await this.#flushing;
  }
}
