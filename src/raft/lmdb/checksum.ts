import * as zlib from 'node:zlib';

/**
 * CRC-32 (IEEE, the zlib/gzip polynomial) used to checksum every stored record. Each record
 * ends with the little-endian CRC-32 of all the bytes before it.
 *
 * `zlib.crc32` is native and exists from Node 20.15; we fail loudly at load time rather than
 * silently storing records nobody can verify.
 */
const nativeCrc32: ((data: Uint8Array, value?: number) => number) | undefined = typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;

if (nativeCrc32 === undefined) {
  throw new Error('the LMDB raft stores need zlib.crc32 (Node.js >= 20.15)');
}

const crc32Impl: (data: Uint8Array, value?: number) => number = nativeCrc32;

/** Bytes of the little-endian CRC-32 trailer that ends every record. */
export const CHECKSUM_BYTES = 4;

/**
 * The CRC-32 of any message followed by its own little-endian CRC-32 is this constant (the
 * CRC's "residue"), so a record verifies with one pass over all of it and no sub-view.
 */
const CRC32_RESIDUE = 0x2144_df1c;

/** CRC-32 of `data`, continuing from `previous` when checksumming several pieces as one. */
export function crc32(data: Uint8Array, previous = 0): number {
  return crc32Impl(data, previous);
}

/** True when `record` ends with the CRC-32 of the rest, given `seed` = CRC of any prefix not stored. */
export function hasValidChecksum(record: Uint8Array, seed = 0): boolean {
  return record.byteLength >= CHECKSUM_BYTES && crc32Impl(record, seed) === CRC32_RESIDUE;
}
