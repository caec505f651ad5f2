/**
 * CRC-32 (the zlib/IEEE polynomial) of block contents, incremental. zlib.crc32 exists from Node
 * 20.15; older Node 20 releases get the classic table-driven version (same results).
 */
import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

function portableCrc32(data: Uint8Array, previous = 0): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** crc32(b, crc32(a)) === crc32(a ‖ b). */
export const crc32: (data: Uint8Array, previous?: number) => number =
  typeof zlib.crc32 === 'function' ? (data, previous = 0) => zlib.crc32(data, previous) : portableCrc32;
