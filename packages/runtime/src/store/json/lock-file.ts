import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { FootfallStorageError } from '../../errors.ts';
import { fileError } from './file-error.ts';

/** Who holds a lock: enough to tell a live owner from a dead one or from a reused PID. */
interface Owner {
  pid: number;
  /** The owner's start time in clock ticks since boot (/proc/<pid>/stat), where /proc exists. */
  start?: string;
  /** /proc/sys/kernel/random/boot_id: PIDs and start times repeat after a reboot. */
  boot?: string;
  host?: string;
  /** Tells this lock from a later one of the same process, so close() removes only its own. */
  token?: string;
}

/** Linux reports start times in USER_HZ ticks, which is 100 on every architecture it supports. */
const TICKS_PER_SECOND = 100;
const BOOT_ID = readProc('/proc/sys/kernel/random/boot_id')?.trim();
const BTIME = /^btime (\d+)$/m.exec(readProc('/proc/stat') ?? '')?.[1];
const BOOT_TIME_MS = BTIME === undefined ? undefined : Number(BTIME) * 1000;

/**
 * One process per data directory. Creating the lock is atomic: the owner record is written and
 * fsynced to a private temp file, then hard-linked to the lock's name, which fails if a lock
 * exists; so of two processes starting at once exactly one wins, and nobody reads a half-written
 * lock. (Where hard links are unsupported, an O_EXCL create is the fallback.)
 * A lock is stale, and taken over, when its machine has rebooted since, its process is gone, or
 * its PID now names a process that started later (a PID reused after a crash or a container
 * restart). Limit: processes in another PID namespace or on another host (two containers sharing
 * a volume) cannot be checked; such a lock looks stale or live depending on the local PID.
 */
export class LockFile {
  readonly file: string;
  readonly #self: Owner;

  constructor(file: string) {
    this.file = file;
    this.#self = { pid: process.pid, start: startTicks(process.pid), boot: BOOT_ID, host: hostname(), token: randomUUID() };
  }

  acquire(): void {
    const mine = `${this.file}.${this.#self.token}`;
    try {
      const fd = openSync(mine, 'wx');
      try {
        writeSync(fd, JSON.stringify(this.#self));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      rmSync(mine, { force: true });
      throw fileError('creating', this.file, error);
    }
    try {
      // Each turn either takes the lock, refuses, or removes one stale lock; a few turns only
      // repeat when other processes are racing for the same directory.
      for (let turn = 0; turn < 5; turn++) {
        if (this.#create(mine)) return;
        const held = readLock(this.file);
        if (!held) continue;
        if (held.owner && isLive(held.owner, held.writtenAt)) throw this.#inUse(held.owner);
        if (!held.owner) {
          throw new FootfallStorageError(
            `the lock file ${this.file} holds no owner record (${JSON.stringify(held.raw.slice(0, 40))}). If no footfall process uses ${dirname(this.file)}, delete it.`,
          );
        }
        this.#removeStale(held.raw);
      }
      throw new FootfallStorageError(
        `could not take the lock file ${this.file}: other processes keep replacing it. The JSON engine serves one process; for several, set FOOTFALL_STORAGE=sqlite.`,
      );
    } finally {
      rmSync(mine, { force: true });
    }
  }

  /** Removes the lock if it is still this store's (another store of this process may have taken it over). */
  release(): void {
    try {
      if (readLock(this.file)?.owner?.token === this.#self.token) rmSync(this.file, { force: true });
    } catch (error) {
      throw fileError('removing', this.file, error);
    }
  }

  /** true when the lock is now ours; false when one exists. */
  #create(mine: string): boolean {
    try {
      linkSync(mine, this.file);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw fileError('creating', this.file, error);
    }
    try {
      writeFileSync(this.file, JSON.stringify(this.#self), { flag: 'wx', flush: true });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fileError('creating', this.file, error);
    }
  }

  /**
   * Moves the stale lock aside and checks it is the one judged stale: if another process took
   * the directory in between, the lock moved is its fresh one, and it goes back.
   */
  #removeStale(raw: string): void {
    const aside = `${this.file}.${this.#self.token}.stale`;
    try {
      renameSync(this.file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw fileError('taking over', this.file, error);
    }
    try {
      if (readFileSync(aside, 'utf8') !== raw) linkSync(aside, this.file);
    } catch {
      // The lock is back in place or another process holds a newer one: the next turn reads it.
    } finally {
      rmSync(aside, { force: true });
    }
  }

  #inUse(owner: Owner): FootfallStorageError {
    const where = owner.host && owner.host !== this.#self.host ? ` on ${owner.host}` : '';
    return new FootfallStorageError(
      `the JSON store in ${dirname(this.file)} is in use by process ${owner.pid}${where} (lock file ${this.file}). The JSON engine serves one process; for several, set FOOTFALL_STORAGE=sqlite. If that process is not footfall, delete the lock file.`,
    );
  }
}

/** The lock's record (a bare PID in locks of older versions), or undefined when there is none. */
function readLock(file: string): { raw: string; owner: Owner | undefined; writtenAt: number } | undefined {
  let raw: string;
  let writtenAt: number;
  try {
    raw = readFileSync(file, 'utf8');
    writtenAt = statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError('reading', file, error);
  }
  if (/^\d+$/.test(raw.trim())) return { raw, owner: { pid: Number(raw) }, writtenAt };
  try {
    const owner = JSON.parse(raw) as Owner;
    return { raw, owner: Number.isSafeInteger(owner?.pid) && owner.pid > 0 ? owner : undefined, writtenAt };
  } catch {
    return { raw, owner: undefined, writtenAt };
  }
}

function isLive(owner: Owner, writtenAt: number): boolean {
  if (owner.boot && BOOT_ID && owner.boot !== BOOT_ID) return false;
  // This process's own PID: an earlier store of this process (a dev server reloading its config
  // reopens the directory), or a dead process whose PID this one now has. Either way, not a rival.
  if (owner.pid === process.pid) return false;
  if (!exists(owner.pid)) return false;
  const start = startTicks(owner.pid);
  if (start === undefined) return true;
  if (owner.start !== undefined) return owner.start === start;
  // A bare-PID lock: its process must have started before the lock was written. One second of
  // slack covers btime's whole seconds and the tick rounding.
  return BOOT_TIME_MS === undefined || BOOT_TIME_MS + (Number(start) * 1000) / TICKS_PER_SECOND <= writtenAt + 1000;
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat; the fields are counted after the command name, which may hold spaces. */
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
