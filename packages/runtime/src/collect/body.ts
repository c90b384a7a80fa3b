export const MAX_BODY_BYTES = 16 * 1024;
/**
 * How long a whole request body may take to arrive, from the first read. A beacon or a login
 * form is a few KiB and arrives in one packet; a client trickling bytes to hold the connection
 * open (slowloris) is answered 408 and cut off after this, on every route that reads a body.
 */
export const BODY_TIMEOUT_MS = 10_000;

export type BodyResult = { ok: true; text: string } | { ok: false; status: 400 | 408 | 413; reason: string };

/**
 * Reads at most `limit` bytes of a Web request. A declared Content-Length over the limit is
 * refused before one byte is read; an undeclared or lying body is cut off as soon as it passes
 * the limit, and a slow one when the time is up (either way the stream is cancelled).
 */
export function readLimitedBody(request: Request, limit = MAX_BODY_BYTES, timeoutMs = BODY_TIMEOUT_MS): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (!request.body) return Promise.resolve(declared > limit ? TOO_LARGE(limit) : { ok: true, text: '' });
  return readWebStream(request.body.getReader(), declared, limit, timeoutMs);
}

/**
 * The cap and the deadline for a Web stream, read with its own reader. Cancelling a reader
 * settles its pending read at once (a slow client's next chunk may never come), so the deadline
 * cancels the reader and the loop reads on undisturbed: no race between each read and a timer,
 * which cost a beacon more than the read itself.
 */
async function readWebStream(reader: ReadableStreamDefaultReader<Uint8Array>, declaredLength: number, limit: number, timeoutMs: number): Promise<BodyResult> {
  if (declaredLength > limit) return TOO_LARGE(limit);
  let expired = false;
  const stop = () => void reader.cancel().catch(() => {});
  const timer = setTimeout(() => {
    expired = true;
    stop();
  }, timeoutMs);
  const bytes = new CappedBytes(limit);
  try {
    for (;;) {
      const step = await reader.read();
      if (expired) return TOO_SLOW(timeoutMs);
      if (step.done) break;
      if (!bytes.add(step.value)) {
        stop();
        return TOO_LARGE(limit);
      }
    }
  } catch {
    return expired ? TOO_SLOW(timeoutMs) : UNREADABLE;
  } finally {
    clearTimeout(timer);
  }
  return bytes.decode();
}

/** A body's chunks gathered up to a cap, then decoded: what every body reader here shares. */
export class CappedBytes {
  readonly #limit: number;
  readonly #chunks: Uint8Array[] = [];
  #size = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** False, keeping nothing, once the chunks would pass the cap. */
  add(chunk: Uint8Array): boolean {
    this.#size += chunk.byteLength;
    if (this.#size > this.#limit) return false;
    this.#chunks.push(chunk);
    return true;
  }

  decode(): BodyResult {
    return decodeBody(this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks), this.#limit);
  }
}

export const TOO_LARGE = (limit: number): BodyResult => ({ ok: false, status: 413, reason: `body larger than ${limit} bytes` });
export const UNREADABLE: BodyResult = { ok: false, status: 400, reason: 'the request body could not be read' };
export const TOO_SLOW = (ms: number): BodyResult => ({ ok: false, status: 408, reason: `body took longer than ${ms / 1000} s to arrive` });
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeBody(bytes: Uint8Array, limit = MAX_BODY_BYTES): BodyResult {
  if (bytes.byteLength > limit) return TOO_LARGE(limit);
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return { ok: false, status: 400, reason: 'body is not valid UTF-8' };
  }
}

/**
 * The cap for any async iterable of bytes (a Node request whose length is not declared, say):
 * chunks are collected until the end, until the limit is passed or until the time is up, and
 * then reading stops.
 * On a Node request, stopping does not wait for a pending read: the caller answers with
 * `Connection: close`, and Node closes the socket once the answer is out.
 */
export async function readLimitedStream(stream: AsyncIterable<Uint8Array>, declaredLength: number, limit = MAX_BODY_BYTES, timeoutMs = BODY_TIMEOUT_MS): Promise<BodyResult> {
  if (declaredLength > limit) return TOO_LARGE(limit);
  const iterator = stream[Symbol.asyncIterator]();
  const stop = () => void iterator.return?.()?.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, 'expired');
  });
  const bytes = new CappedBytes(limit);
  try {
    for (;;) {
      const step = await Promise.race([iterator.next(), expired]);
      if (step === 'expired') {
        stop();
        return TOO_SLOW(timeoutMs);
      }
      if (step.done) break;
      if (!bytes.add(step.value)) {
        stop();
        return TOO_LARGE(limit);
      }
    }
  } catch {
    return UNREADABLE;
  } finally {
    clearTimeout(timer);
  }
  return bytes.decode();
}
