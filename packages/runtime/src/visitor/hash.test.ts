import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VisitorHasher, visitorHash } from './hash.ts';

/** The definition, spelled out: HMAC-SHA-256 over `site \n ip \n ua`, first 16 bytes in hex. */
const reference = (salt: Uint8Array, site: string, ip: string, ua: string) => createHmac('sha256', salt).update(`${site}\n${ip}\n${ua}`).digest().subarray(0, 16).toString('hex');

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('VisitorHasher', () => {
  const salt = randomBytes(32);
  const hasher = new VisitorHasher(salt);

  it.each([
    ['an ordinary visit', 'example.com', '203.0.113.9', CHROME],
    ['IPv6 and an empty user agent', 'example.com', '2001:db8::1', ''],
    ['no address at all', 'example.com', '', CHROME],
    ['latin-1 bytes in the user agent', 'bücher.example', '203.0.113.9', 'Mozilla/5.0 (X11; Linux) Navigateur/1.0 \u00e9\u00ff'],
    ['characters beyond latin-1', 'example.com', '203.0.113.9', 'Agent \u4e2d\u6587 \ud83d\ude00'],
    ['a lone surrogate', 'example.com', '203.0.113.9', 'Agent \ud800 end'],
    ['a user agent just under the scratch buffer', 'example.com', '203.0.113.9', 'a'.repeat(1300)],
    ['a user agent past the scratch buffer', 'example.com', '203.0.113.9', 'a'.repeat(20_000)],
  ])('gives the HMAC of its salt for %s', (_, site, ip, ua) => {
    expect(hasher.hash(site, ip, ua)).toBe(reference(salt, site, ip, ua));
    expect(visitorHash(salt, site, ip, ua)).toBe(reference(salt, site, ip, ua));
  });

  it('keeps no state from one message to the next (a long one, then a short one)', () => {
    hasher.hash('example.com', '203.0.113.9', 'x'.repeat(1000));
    expect(hasher.hash('a.example', '1.2.3.4', 'ua')).toBe(reference(salt, 'a.example', '1.2.3.4', 'ua'));
  });

  it('follows RFC 2104 for salts of other lengths, longer than a block included', () => {
    for (const length of [1, 16, 64, 65, 200]) {
      const other = randomBytes(length);
      expect(new VisitorHasher(other).hash('example.com', '203.0.113.9', CHROME)).toBe(reference(other, 'example.com', '203.0.113.9', CHROME));
    }
  });

  it('differs between salts, so a new bucket gives new visitor ids', () => {
    expect(new VisitorHasher(randomBytes(32)).hash('example.com', '203.0.113.9', CHROME)).not.toBe(hasher.hash('example.com', '203.0.113.9', CHROME));
  });
});
