/**
 * Byte helpers for stored records: little-endian integer fields and copies, on plain
 * Uint8Arrays. Reads happen on views of lmdb-js's reusable read buffer, where allocating a
 * Buffer or DataView per record would cost more than the arithmetic.
 */

const TWO_POW_32 = 0x1_0000_0000;
/** Largest high half of a u64 that still gives a safe integer (2^53 - 1 = 0x1FFFFF_FFFFFFFF). */
const MAX_SAFE_HIGH_HALF = 0x1f_ffff;

export function readUint32LE(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] ?? 0) | ((bytes[offset + 1] ?? 0) << 8) | ((bytes[offset + 2] ?? 0) << 16)) + (bytes[offset + 3] ?? 0) * 0x100_0000
  );
}

export function writeUint32LE(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}

/** A u64 field holding a safe integer, written as two u32 halves (no BigInt). */
export function writeUint53LE(bytes: Uint8Array, offset: number, value: number): void {
  writeUint32LE(bytes, offset, value % TWO_POW_32);
  writeUint32LE(bytes, offset + 4, Math.floor(value / TWO_POW_32));
}

/** Undefined when the stored u64 is not a safe integer (only a corrupt record can hold one). */
export function readUint53LE(bytes: Uint8Array, offset: number): number | undefined {
  const high = readUint32LE(bytes, offset + 4);
  if (high > MAX_SAFE_HIGH_HALF) return undefined;
  return high * TWO_POW_32 + readUint32LE(bytes, offset);
}

/**
 * A copy of `bytes[start, end)` as a plain Uint8Array. Always Uint8Array's own slice: on a
 * Buffer, `.slice` would return a view (Buffer#slice is subarray), which is wrong for views
 * of lmdb-js's reusable read buffer.
 */
export function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, start, end);
}
