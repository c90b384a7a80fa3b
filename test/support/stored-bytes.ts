import { readFileSync } from 'node:fs';

/**
 * What a file on disk holds, for the privacy searches ("is this IP, user agent or salt anywhere in
 * the engine's files?"): its bytes, and for ClickHouse's column files (`.bin`) also their
 * decompressed content. ClickHouse compresses columns with LZ4, which writes any run of four or
 * more bytes it has seen before as a back-reference: a stored value with a repeated 4-byte piece
 * (likely in a user agent, and in about 3 % of 64-character hex salts) is then not in the file as
 * written. Searching the decompressed content too makes "not found" mean not stored. A file that
 * vanishes while read (a merge removed its part) holds nothing: its data lives on in the new part.
 */
export function storedBytes(file: string): Buffer {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
  return file.endsWith('.bin') ? Buffer.concat([raw, decompressed(raw)]) : raw;
}

// A compressed file is a run of blocks: a 16-byte checksum, then a 9-byte header (method; the
// compressed size, header included; the decompressed size; both UInt32 little-endian), then data.
const LZ4 = 0x82;
const NONE = 0x02;

function decompressed(file: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at + 25 <= file.length; ) {
    const method = file[at + 16]!;
    const size = file.readUInt32LE(at + 17);
    const plain = file.readUInt32LE(at + 21);
    const data = file.subarray(at + 25, at + 16 + size);
    if (size < 9 || at + 16 + size > file.length) break; // not a compressed file after all
    if (method === NONE) out.push(data);
    else if (method === LZ4) out.push(lz4Block(data, plain));
    else break; // ZSTD and others: not what the tested servers write
    at += 16 + size;
  }
  return Buffer.concat(out);
}

/** Decodes one LZ4 block (the format, not the frame): literal runs and back-references. */
export function lz4Block(src: Buffer, size: number): Buffer {
  const out = Buffer.alloc(size);
  let i = 0;
  let o = 0;
  const length = (n: number) => {
    if (n !== 15) return n;
    let b: number;
    do {
      b = src[i++]!;
      n += b;
    } while (b === 255 && i < src.length);
    return n;
  };
  while (i < src.length && o <= size) {
    const token = src[i++]!;
    const literals = length(token >> 4);
    src.copy(out, o, i, i + literals);
    i += literals;
    o += literals;
    if (i >= src.length) break; // the last sequence has literals only
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    const match = length(token & 15) + 4;
    for (let k = 0; k < match && o < size; k++, o++) out[o] = out[o - offset]!;
  }
  return out.subarray(0, Math.min(o, size));
}
