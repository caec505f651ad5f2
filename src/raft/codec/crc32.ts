/** CRC-32 (IEEE), the checksum trailer of every encoded message. */
import * as zlib from 'node:zlib';

/** `previous`: the CRC-32 of the bytes before `data`, to checksum a message held in several parts. */
export const crc32: (data: Uint8Array, previous?: number) => number =
  typeof zlib.crc32 === 'function' ? (data, previous = 0) => zlib.crc32(data, previous) : portableCrc32;

let crcTable: Uint32Array | undefined;

/** For Node versions before zlib.crc32 (20.15): the classic table-driven CRC-32. */
export function portableCrc32(data: Uint8Array, previous = 0): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
