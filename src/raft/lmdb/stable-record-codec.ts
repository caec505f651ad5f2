import { CorruptionError } from '../errors';
import { CHECKSUM_BYTES, crc32, hasValidChecksum } from './checksum';
import { copyBytes, readUint32LE, readUint53LE, writeUint32LE, writeUint53LE } from './record-bytes';

/**
 * The stored form of one stable-store value:
 *
 *   offset 0  u8   record format version (1)
 *   offset 1  ...  value bytes
 *   last 4    u32  CRC-32 (little-endian) of the key's UTF-8 bytes followed by every byte before it
 *
 * The key is folded into the checksum so that a value found under the wrong key is detected
 * too. Uint64 values are stored as 8 value bytes (see encodeUint64Value).
 */
export const STABLE_RECORD_VERSION = 1;
const VALUE_OFFSET = 1;
const STABLE_RECORD_OVERHEAD_BYTES = VALUE_OFFSET + CHECKSUM_BYTES;
const UINT64_BYTES = 8;

function keySeed(key: string): number {
  return crc32(Buffer.from(key, 'utf8'));
}

export function encodeStableRecord(key: string, value: Uint8Array): Buffer {
  const record = Buffer.allocUnsafe(STABLE_RECORD_OVERHEAD_BYTES + value.byteLength);
  record[0] = STABLE_RECORD_VERSION;
  record.set(value, VALUE_OFFSET);
  const checksumOffset = VALUE_OFFSET + value.byteLength;
  writeUint32LE(record, checksumOffset, crc32(record.subarray(0, checksumOffset), keySeed(key)));
  return record;
}

/**
 * A copy of the value stored in `record` under `key` (`record` may be a view of a reusable
 * buffer). Throws CorruptionError when the record fails its checksum or does not decode.
 */
export function decodeStableRecord(key: string, record: Uint8Array): Uint8Array {
  const name = JSON.stringify(key);
  if (record.byteLength < STABLE_RECORD_OVERHEAD_BYTES) {
    throw new CorruptionError(`stable record ${name} is truncated (${record.byteLength} bytes)`);
  }
  const checksumOffset = record.byteLength - CHECKSUM_BYTES;
  const seed = keySeed(key);
  if (!hasValidChecksum(record, seed)) {
    const stored = readUint32LE(record, checksumOffset);
    const actual = crc32(record.subarray(0, checksumOffset), seed);
    throw new CorruptionError(`stable record ${name} fails its checksum (stored ${stored}, computed ${actual})`);
  }
  if (record[0] !== STABLE_RECORD_VERSION) {
    throw new CorruptionError(`stable record ${name} has unknown format version ${String(record[0])}`);
  }
  return copyBytes(record, VALUE_OFFSET, checksumOffset);
}

/** 8 little-endian bytes for a non-negative safe integer. */
export function encodeUint64Value(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`setUint64 needs a non-negative safe integer, got ${value}`);
  }
  const bytes = new Uint8Array(UINT64_BYTES);
  writeUint53LE(bytes, 0, value);
  return bytes;
}

/** Inverse of encodeUint64Value; CorruptionError when `bytes` cannot be one of its outputs. */
export function decodeUint64Value(key: string, bytes: Uint8Array): number {
  if (bytes.byteLength !== UINT64_BYTES) {
    throw new CorruptionError(`stable value ${JSON.stringify(key)} is ${bytes.byteLength} bytes, not a uint64`);
  }
  const value = readUint53LE(bytes, 0);
  if (value === undefined) {
    throw new CorruptionError(`stable value ${JSON.stringify(key)} exceeds the safe integer range`);
  }
  return value;
}
