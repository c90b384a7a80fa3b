/** One request body's deadline: `cancel()` once the body is in. */
export interface Deadline {
  cancel(): void;
}

interface Entry extends Deadline {
  readonly at: number;
  expire: (() => void) | undefined;
}

/**
 * Deadlines of one length, on one timer. Every request body is read against a deadline, and a
 * Node timer of its own (armed, then cleared a moment later) cost a beacon more than decoding
 * its body. All deadlines here have the same length, so they expire in the order they started:
 * a queue, with one timer for its head. A cancelled entry lets go of its callback at once, so
 * the request it would have answered is not kept. The timer is unref'd and left to run out when
 * the queue empties (clearing and re-arming it per request is the cost this saves): what waits
 * on a deadline, a socket, keeps the process alive by itself.
 */
export class Deadlines {
  readonly #ms: number;
  readonly #now: () => number;
  #queue: Entry[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  /** `now` is monotonic by default: a wall-clock step must not fire every deadline at once. */
  constructor(ms: number, now: () => number = () => performance.now()) {
    this.#ms = ms;
    this.#now = now;
  }

  /** Calls `expire` once `ms` have passed, unless cancelled first. */
  start(expire: () => void): Deadline {
    const entry: Entry = {
      at: this.#now() + this.#ms,
      expire,
      cancel: () => {
        if (entry.expire === undefined) return;
        entry.expire = undefined;
        this.#dropSettled();
      },
    };
    this.#queue.push(entry);
    this.#timer ??= this.#arm(this.#ms);
    return entry;
  }

  /** Deadlines still to expire or be cancelled (for tests). */
  get pending(): number {
    let n = 0;
    for (let i = this.#head; i < this.#queue.length; i++) if (this.#queue[i]!.expire) n++;
    return n;
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = this.#now();
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head]!;
      if (entry.expire && entry.at > now) break;
      this.#head++;
      const expire = entry.expire;
      entry.expire = undefined;
      expire?.();
    }
    this.#dropSettled();
    // A deadline started by an expiry callback may have armed the timer already.
    if (this.#head < this.#queue.length) this.#timer ??= this.#arm(Math.max(1, this.#queue[this.#head]!.at - now));
  };

  #arm(ms: number): NodeJS.Timeout {
    const timer = setTimeout(this.#fire, ms);
    timer.unref();
    return timer;
  }

  /** Bodies mostly arrive in order, so settled entries gather at the front: drop them there. */
  #dropSettled(): void {
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.expire === undefined) this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
