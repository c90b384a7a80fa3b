import { appendFileSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

/** A revoked session past its expiry is refused anyway: past this many, the file is rewritten without them. */
const EXPIRED_BEFORE_REWRITE = 200;

/**
 * Signed-out owner sessions, kept until they would have expired anyway. A session cookie is
 * checked by its signature, not looked up, so signing out has to remember the token to refuse
 * it afterwards.
 *
 * With a file (`revoked-sessions` in the data directory: one `<expiry>.<random id>` per line,
 * nothing about anyone), a restart and every other process sharing the directory refuse it
 * too: the file is appended to on sign-out and read again whenever its size or time changes.
 * Without one (a custom store, an unwritable directory) the list lives in this process only.
 */
export class RevokedSessions {
  readonly #file: string | undefined;
  /** Session id (`<expiry seconds>.<nonce>`) -> expiry in ms. */
  #ids = new Map<string, number>();
  #version = '';

  constructor(file?: string) {
    this.#file = file;
  }

  has(id: string, now: number): boolean {
    this.#reload(now);
    const expires = this.#ids.get(id);
    return expires !== undefined && expires > now;
  }

  revoke(id: string, expires: number, now: number): void {
    this.#reload(now);
    this.#ids.set(id, expires);
    if (!this.#file) return;
    try {
      appendFileSync(this.#file, `${id}\n`, { mode: 0o600 });
    } catch {
      // Still refused by this process; only a restart or another process would accept it.
    }
  }

  #reload(now: number): void {
    if (!this.#file) return;
    let text: string;
    try {
      const stat = statSync(this.#file, { bigint: true });
      const version = `${stat.size}:${stat.mtimeNs}`;
      if (version === this.#version) return;
      this.#version = version;
      text = readFileSync(this.#file, 'utf8');
    } catch {
      return;
    }
    let expired = 0;
    for (const id of text.split('\n')) {
      if (!id) continue;
      const expires = Number(id.split('.')[0]) * 1000;
      if (!(expires > now)) expired++;
      else this.#ids.set(id, expires);
    }
    for (const [id, expires] of this.#ids) if (expires <= now) this.#ids.delete(id);
    if (expired > EXPIRED_BEFORE_REWRITE) this.#rewrite();
  }

  /**
   * Temp file and rename, so a reader sees the old list or the new one. A sign-out appended by
   * another process between this read and the rename is lost from the file (not from that
   * process); sign-outs are rare enough for that to be acceptable.
   */
  #rewrite(): void {
    const temp = `${this.#file}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, [...this.#ids.keys()].map((id) => `${id}\n`).join(''), { mode: 0o600 });
      renameSync(temp, this.#file!);
    } catch {
      // Keeping the longer file is harmless.
    }
  }
}
