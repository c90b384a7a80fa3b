import { afterEach, describe, expect, it, vi } from 'vitest';
import { BODY_TIMEOUT_MS, readLimitedBody, readLimitedStream, type BodyResult } from './body.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A body that sends one chunk and then nothing, like a slowloris client. */
function trickle(onCancel: () => void): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) controller.enqueue(new TextEncoder().encode('{"k":'));
      sent = true;
      return new Promise(() => {});
    },
    cancel: onCancel,
  });
}

function settled(promise: Promise<BodyResult>): () => BodyResult | undefined {
  let result: BodyResult | undefined;
  void promise.then((r) => (result = r));
  return () => result;
}

describe('slow bodies', () => {
  it(`answers 408 to a Web body still arriving after ${BODY_TIMEOUT_MS / 1000} s, and cancels it`, async () => {
    vi.useFakeTimers();
    const cancel = vi.fn();
    const request = new Request('http://site.test/_footfall/e', { method: 'POST', body: trickle(cancel), duplex: 'half' } as RequestInit);
    const result = settled(readLimitedBody(request));
    await vi.advanceTimersByTimeAsync(BODY_TIMEOUT_MS - 1);
    expect(result()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result()).toMatchObject({ ok: false, status: 408 });
    expect(cancel).toHaveBeenCalled();
  });

  it('answers 408 to a Node-style stream that stops sending, without waiting for its next chunk', async () => {
    vi.useFakeTimers();
    const stalled: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<Uint8Array>>(() => {}) }),
    };
    const result = settled(readLimitedStream(stalled, 0));
    await vi.advanceTimersByTimeAsync(BODY_TIMEOUT_MS);
    expect(result()).toMatchObject({ ok: false, status: 408 });
  });

  it('reads a body that arrives in time', async () => {
    const request = new Request('http://site.test/', { method: 'POST', body: '{"k":"p"}' });
    expect(await readLimitedBody(request)).toEqual({ ok: true, text: '{"k":"p"}' });
  });
});

describe('size cap', () => {
  it('stops pulling a Web body as soon as it passes the cap', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 8 << 20) return controller.close();
        pulled += 64 << 10;
        controller.enqueue(new Uint8Array(64 << 10));
      },
    });
    const request = new Request('http://site.test/', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(await readLimitedBody(request, 4096)).toMatchObject({ ok: false, status: 413 });
    expect(pulled).toBeLessThan(1 << 20);
  });
});
