import * as nodeFs from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import { FootfallStorageError } from '../../errors.ts';
import { fileError } from './file-error.ts';

/** The file operations a durable write uses; node:fs/promises fits, tests pass a disk that fills up. */
export interface DurableFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  open(path: string, flags: string): Promise<{ writeFile(data: string): Promise<void>; sync(): Promise<void>; close(): Promise<void> }>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
}

/** What a file must hold, so that a damaged one stops start-up instead of reading as empty. */
// biome-ignore lint/correctness/noUnusedVariables: T ties a shape to the data it checks, for the reader's inference.
export interface JsonShape<T> {
  /** What is wrong with parsed JSON, or undefined when it is a T. */
  problem(data: unknown): string | undefined;
  /** What moving a damaged file away costs, for the error message. */
  readonly ifMovedAway: string;
}

/**
 * A lowdb adapter that is crash-safe and durable, where lowdb's own JSONFile is only the former.
 * write(): the JSON goes to `<file>.tmp` in the same directory, is fsynced, renamed over the file
 * (atomic on POSIX), and the directory is fsynced so the rename itself survives a power loss.
 * A crash at any point leaves either the old file or the new one, never a torn mix. A failed
 * write removes its temp file (on a full disk it holds the space the next write needs) and
 * leaves the old file. Callers serialise writes to one file (the store's single writer does).
 */
export class DurableJsonFile<T> implements Adapter<T> {
  readonly file: string;
  readonly #shape: JsonShape<T>;
  readonly #fs: DurableFs;

  constructor(file: string, shape: JsonShape<T>, fs: DurableFs = nodeFs) {
    this.file = file;
    this.#shape = shape;
    this.#fs = fs;
  }

  /**
   * null only when the file does not exist. A file that is not JSON or not a T (`null`, a torn
   * copy, someone's edit) is an error: lowdb would take null for "no file" and start from its
   * defaults, silently replacing salts or events.
   */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await this.#fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fileError('reading', this.file, error);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw this.#damaged(`not valid JSON: ${(error as Error).message}`, error);
    }
    const problem = this.#shape.problem(data);
    if (problem) throw this.#damaged(problem);
    return data as T;
  }

  async write(data: T): Promise<void> {
    const tmp = `${this.file}.tmp`;
    try {
      const handle = await this.#fs.open(tmp, 'w');
      try {
        await handle.writeFile(JSON.stringify(data));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.#fs.rename(tmp, this.file);
      const dir = await this.#fs.open(dirname(this.file), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch (error) {
      await this.#fs.rm(tmp, { force: true }).catch(() => {});
      throw fileError('writing', this.file, error);
    }
  }

  async remove(): Promise<void> {
    try {
      await this.#fs.rm(this.file, { force: true });
    } catch (error) {
      throw fileError('removing', this.file, error);
    }
  }

  #damaged(problem: string, cause?: unknown): FootfallStorageError {
    return new FootfallStorageError(
      `${this.file} is damaged (${problem}). Footfall refuses it rather than treat it as empty. Restore it from a backup, or move it away, which ${this.#shape.ifMovedAway}.`,
      { cause },
    );
  }
}
