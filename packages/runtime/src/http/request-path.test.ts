import { describe, expect, it } from 'vitest';
import { pathOf } from './request-path.ts';

describe('pathOf', () => {
  it.each([
    'http://127.0.0.1:4321/_footfall/e',
    'https://example.com/_footfall/e?x=1',
    'https://example.com/_footfall/e#top',
    'https://example.com/a?b=/c#d?e',
    'https://example.com/a#b?c',
    'https://user:p%2Fw@example.com/p/q',
    'http://[2001:db8::1]:8080/_footfall/e/',
    'http://example.com/',
    'http://example.com',
  ])('gives the pathname of the serialized URL %s', (href) => {
    const serialized = new URL(href).href;
    expect(pathOf(serialized)).toBe(new URL(href).pathname);
  });

  it('leaves other schemes to the URL parser', () => {
    expect(pathOf('file://host/share/x')).toBeUndefined();
    expect(pathOf('android-app://com.example/')).toBeUndefined();
  });
});
