import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * A lowdb adapter that is crash-safe and durable, where lowdb's own JSONFile is only the former.
 * write(): the JSON goes to `<file>.tmp` in the same directory, is fsynced, renamed over the file
 * (atomic on POSIX), and the directory is fsynced so the rename itself survives a power loss.
 * A crash at any point leaves either the old file or the new one, never a torn mix. Callers
 * serialise writes to one file (the store's single writer does).
 */
export class DurableJsonFile<T> implements Adapter<T> {
  constructor(readonly file: string) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async write(data: T): Promise<void> {
    const tmp = `${this.file}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify(data));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
    const dir = await open(dirname(this.file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async remove(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
