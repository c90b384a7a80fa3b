import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from './deadlines.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** The fake timers' clock, whichever of the time sources they fake. */
const clock = () => Date.now();

describe('Deadlines', () => {
  it('calls each deadline once its time has passed, in the order they started', async () => {
    vi.useFakeTimers();
    const deadlines = new Deadlines(1000, clock);
    const expired: string[] = [];
    deadlines.start(() => expired.push('a'));
    await vi.advanceTimersByTimeAsync(400);
    deadlines.start(() => expired.push('b'));
    await vi.advanceTimersByTimeAsync(599);
    expect(expired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(399);
    expect(expired).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(expired).toEqual(['a', 'b']);
  });

  it('never calls a cancelled deadline, whatever its place in the queue', async () => {
    vi.useFakeTimers();
    const deadlines = new Deadlines(1000, clock);
    const expired: string[] = [];
    const a = deadlines.start(() => expired.push('a'));
    deadlines.start(() => expired.push('b'));
    const c = deadlines.start(() => expired.push('c'));
    a.cancel();
    c.cancel();
    c.cancel();
    expect(deadlines.pending).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(expired).toEqual(['b']);
    expect(deadlines.pending).toBe(0);
  });

  it('arms one timer for many deadlines, and lets it run out once nothing is left', async () => {
    vi.useFakeTimers();
    const deadlines = new Deadlines(1000, clock);
    const expired: string[] = [];
    const many = Array.from({ length: 3000 }, (_, i) => deadlines.start(() => expired.push(String(i))));
    expect(vi.getTimerCount()).toBe(1);
    for (const d of many) d.cancel();
    expect(deadlines.pending).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(vi.getTimerCount()).toBe(0);
    deadlines.start(() => expired.push('late'));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(expired).toEqual(['late']);
  });

  it('keeps later deadlines when settled ones are dropped from the front of a long queue', async () => {
    vi.useFakeTimers();
    const deadlines = new Deadlines(1000, clock);
    const expired: number[] = [];
    const all = Array.from({ length: 5000 }, (_, i) => deadlines.start(() => expired.push(i)));
    // Everything but every 1000th settles in time.
    for (const [i, d] of all.entries()) if (i % 1000 !== 999) d.cancel();
    expect(deadlines.pending).toBe(5);
    await vi.advanceTimersByTimeAsync(1000);
    expect(expired).toEqual([999, 1999, 2999, 3999, 4999]);
  });
});
