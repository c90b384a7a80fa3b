export const MAX_BODY_BYTES = 16 * 1024;

export type BodyResult = { ok: true; text: string } | { ok: false; status: 400 | 413; reason: string };

/**
 * Reads at most `limit` bytes of a Web request. A declared Content-Length over the limit is
 * refused before one byte is read; an undeclared or lying body is cut off as soon as it passes
 * the limit (leaving the loop cancels the stream).
 */
export function readLimitedBody(request: Request, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (!request.body) return Promise.resolve(declared > limit ? TOO_LARGE(limit) : { ok: true, text: '' });
  return readLimitedStream(request.body as unknown as AsyncIterable<Uint8Array>, declared, limit);
}

const TOO_LARGE = (limit: number): BodyResult => ({ ok: false, status: 413, reason: `body larger than ${limit} bytes` });
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
 * The cap for any byte stream (a Node request or a Web ReadableStream): chunks are collected
 * until the end or until the limit is passed, at which point reading stops.
 */
export function readLimitedStream(
  stream: AsyncIterable<Uint8Array>,
  declaredLength: number,
  limit = MAX_BODY_BYTES,
): Promise<BodyResult> {
  if (declaredLength > limit) return Promise.resolve(TOO_LARGE(limit));
  return (async () => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        size += chunk.byteLength;
        if (size > limit) return TOO_LARGE(limit);
        chunks.push(chunk);
      }
    } catch {
      return { ok: false, status: 400, reason: 'the request body could not be read' } as const;
    }
    return decodeBody(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), limit);
  })();
}
