import { describe, expect, it } from 'vitest';
import { cidrContains, isPublicIp, normalizeIp, parseCidr } from './ip.ts';

describe('normalizeIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['  81.2.69.142\n', '81.2.69.142'],
    ['1.2.3.4:5678', '1.2.3.4'],
    ['[::1]', '::1'],
    ['[::1]:80', '::1'],
    ['[2001:DB8::1]:443', '2001:db8::1'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:81.2.69.142', '81.2.69.142'],
    ['[::ffff:81.2.69.142]:1234', '81.2.69.142'],
    ['::ffff:5102:458e', '81.2.69.142'],
  ])('%j -> %j', (raw, expected) => {
    expect(normalizeIp(raw)).toBe(expected);
  });

  it.each(['', '   ', 'unknown', '1.2.3', '256.1.1.1', '01.2.3.4', '1.2.3.4:', '1.2.3.4:123456', '[1::2', '::1:80x', 'example.com', '1.2.3.4, 5.6.7.8'])('rejects %j', (raw) => {
    expect(normalizeIp(raw)).toBeUndefined();
  });
});

describe('parseCidr and cidrContains', () => {
  it('parses IPv4 blocks and clears host bits', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, network: 0x0a00_0000n, prefix: 8 });
    const block = parseCidr(' 192.168.0.0/16 ')!;
    expect(cidrContains(block, '192.168.255.1')).toBe(true);
    expect(cidrContains(block, '192.169.0.1')).toBe(false);
  });

  it('treats a bare address as a single-address block', () => {
    const v4 = parseCidr('203.0.113.7')!;
    expect(v4.prefix).toBe(32);
    expect(cidrContains(v4, '203.0.113.7')).toBe(true);
    expect(cidrContains(v4, '203.0.113.8')).toBe(false);
    const v6 = parseCidr('2001:db8::1')!;
    expect(v6.prefix).toBe(128);
    expect(cidrContains(v6, '2001:db8::1')).toBe(true);
    expect(cidrContains(v6, '2001:db8::2')).toBe(false);
  });

  it('parses IPv6 blocks', () => {
    const block = parseCidr('2001:DB8::/32')!;
    expect(block.family).toBe(6);
    expect(cidrContains(block, '2001:db8:ffff::1')).toBe(true);
    expect(cidrContains(block, '2001:db9::1')).toBe(false);
  });

  it('handles /0 as everything of one family', () => {
    expect(cidrContains(parseCidr('0.0.0.0/0')!, '255.255.255.255')).toBe(true);
    expect(cidrContains(parseCidr('::/0')!, 'ffff::1')).toBe(true);
    expect(cidrContains(parseCidr('::/0')!, '1.2.3.4')).toBe(false);
  });

  it('never matches across families', () => {
    expect(cidrContains(parseCidr('0.0.0.0/0')!, '::1')).toBe(false);
    expect(cidrContains(parseCidr('::/0')!, '10.0.0.1')).toBe(false);
  });

  it.each(['', '10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0/8', 'x/8', '10.0.0.0/8a'])('rejects %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('isPublicIp', () => {
  it.each(['81.2.69.142', '8.8.8.8', '1.1.1.1', '2a00:1450:4001:82a::200e', '2606:4700::1111', '::ffff:81.2.69.142'])('%s is public', (ip) => {
    expect(isPublicIp(ip)).toBe(true);
  });

  it.each([
    '0.0.0.0',
    '0.1.2.3',
    '10.1.2.3',
    '100.64.0.1',
    '100.127.255.254',
    '127.0.0.1',
    '169.254.1.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.168.1.1',
    '198.18.0.1',
    '198.19.255.255',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.251',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'fc00::1',
    'fd12:3456:789a::1',
    'fe80::1',
    'ff02::1',
    '2001:db8::1',
    '2001:2::1',
    '3fff::1',
    '64:ff9b:1::1',
    '100::1',
    'not an ip',
    '',
  ])('%j is not public', (ip) => {
    expect(isPublicIp(ip)).toBe(false);
  });

  it('keeps the edges of private ranges public', () => {
    expect(isPublicIp('172.15.255.255')).toBe(true);
    expect(isPublicIp('172.32.0.0')).toBe(true);
    expect(isPublicIp('100.63.255.255')).toBe(true);
    expect(isPublicIp('100.128.0.0')).toBe(true);
    expect(isPublicIp('223.255.255.255')).toBe(true);
  });
});
