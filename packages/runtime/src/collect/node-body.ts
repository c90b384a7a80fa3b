import type { IncomingMessage } from 'node:http';
import { BODY_TIMEOUT_MS, CappedBytes, MAX_BODY_BYTES, readLimitedStream, TOO_SLOW, UNREADABLE, type BodyResult } from './body.ts';
import { Deadlines } from './deadlines.ts';

/** One queue of deadlines per body timeout in use (a process has one, tests a few). */
const deadlines = new Map<number, Deadlines>();

/**
 * A Node request's body under the cap and the deadline. A beacon declares its length, and Node's
 * parser never delivers more than that: such a body needs no counting, so it is gathered from
 * 'data' events with one promise and a shared deadline, instead of a stream iterator raced
 * against a timer of its own chunk by chunk (most of what reading a beacon cost). Anything else
 * (chunked, over the cap, already read or decoded by someone) takes `readLimitedStream`, as it
 * always has.
 */
export function readNodeBody(req: IncomingMessage, limit = MAX_BODY_BYTES, timeoutMs = BODY_TIMEOUT_MS): Promise<BodyResult> {
  const header = req.headers['content-length'];
  const declared = Number(header ?? 0);
  const plain = header !== undefined && declared <= limit && !req.readableEnded && req.readableFlowing === null && req.readableEncoding === null && !req.destroyed;
  if (!plain) return readLimitedStream(req, declared, limit, timeoutMs);
  return new Promise((resolve) => {
    // Node's parser delivers no more than the declared length, which is under the cap: every add fits.
    const bytes = new CappedBytes(limit);
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      deadline.cancel();
      resolve(result);
    };
    let queue = deadlines.get(timeoutMs);
    if (!queue) deadlines.set(timeoutMs, (queue = new Deadlines(timeoutMs)));
    // Past the deadline the rest is not waited for: the caller answers with `Connection: close`.
    const deadline = queue.start(() => {
      req.pause();
      settle(TOO_SLOW(timeoutMs));
    });
    req.on('data', (chunk: Buffer) => bytes.add(chunk));
    req.on('end', () => settle(bytes.decode()));
    // A client gone before the end: an error, or a close with no end before it.
    req.on('error', () => settle(UNREADABLE));
    req.on('close', () => settle(UNREADABLE));
  });
}
