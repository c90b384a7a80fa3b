import { readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { ClickHouseStore } from '../../packages/runtime/src/store/clickhouse/clickhouse-store.ts';
import { sharedClickHouse, uniqueDatabase } from './clickhouse-server.ts';
import { lz4Block, storedBytes } from './stored-bytes.ts';

afterAll(async () => (await sharedClickHouse()).stop());

it('decodes LZ4 blocks: literals, overlapping back-references, long runs', () => {
  // "abcabcabcabcX": literals "abc", then a match of 9 at offset 3, then the literal X.
  const block = Buffer.from([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x58]);
  expect(lz4Block(block, 13).toString()).toBe('abcabcabcabcX');
  // 300 literal bytes: the length goes on in extra bytes (15 + 255 + 30).
  const long = Buffer.alloc(300, 0x41);
  expect(lz4Block(Buffer.concat([Buffer.from([0xf0, 255, 30]), long]), 300).equals(long)).toBe(true);
});

it("finds in ClickHouse's files a stored value that LZ4 broke up, and only once it decompresses them", async () => {
  const server = await sharedClickHouse();
  const database = uniqueDatabase();
  const store = await ClickHouseStore.open({ url: server.url, username: 'default', password: '', database }, { saltSettleMs: 10 });
  // Repeats inside the value: compressed, it is not in the file as written.
  const path = `/${'repeat-me-'.repeat(6)}${Date.now()}`;
  try {
    await store.append([{ ts: Date.now(), kind: 'pageview', bucket: 0, visitor: 'a'.repeat(32), session: 's', path }]);
    const files = server.files().filter((f) => f.includes(`/${database}/`) && f.endsWith('/path.bin'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.some((f) => readFileSync(f).includes(path))).toBe(false);
    expect(files.some((f) => storedBytes(f).includes(path))).toBe(true);
  } finally {
    await store.close();
  }
});
