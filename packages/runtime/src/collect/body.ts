export const MAX_BODY_BYTES = 16 * 1024;

export type BodyResult = { ok: true; text: string } | { ok: false; status: 400 | 413; reason: string };

/**
 * Reads at most `limit` bytes. A declared Content-Length over the limit is refused before one
 * byte is read; an undeclared or lying body is cut off as soon as it passes the limit.
 */
export async function readLimitedBody(request: Request, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > limit) return { ok: false, status: 413, reason: `body larger than ${limit} bytes` };
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return { ok: false, status: 413, reason: `body larger than ${limit} bytes` };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, status: 400, reason: 'the request body could not be read' };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { ok: false, status: 400, reason: 'body is not valid UTF-8' };
  }
}
