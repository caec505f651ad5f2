import { CorruptionError } from '../errors';
import { LogType, type LogEntry } from '../log';
import { CHECKSUM_BYTES, crc32, hasValidChecksum } from './checksum';
import { copyBytes, readUint32LE, readUint53LE, writeUint32LE, writeUint53LE } from './record-bytes';

/**
 * The stored form of one log entry (all integers little-endian):
 *
 *   offset  0  u8    record format version (1)
 *   offset  1  u8    entry type (LogType)
 *   offset  2  u64   index  — repeats the key, so a record found under the wrong key is detected
 *   offset 10  u64   term
 *   offset 18  ...   payload
 *   last 4     u32   CRC-32 of every byte before it
 *
 * u64 fields hold JS safe integers (< 2^53).
 */
export const LOG_RECORD_VERSION = 1;
const TYPE_OFFSET = 1;
const INDEX_OFFSET = 2;
const TERM_OFFSET = 10;
/** Bytes before the payload. */
export const LOG_RECORD_HEADER_BYTES = 18;
/** Bytes a record adds to its payload. */
export const LOG_RECORD_OVERHEAD_BYTES = LOG_RECORD_HEADER_BYTES + CHECKSUM_BYTES;

const KNOWN_LOG_TYPES: ReadonlySet<number> = new Set<number>([LogType.Command, LogType.Noop, LogType.Configuration, LogType.Barrier]);

function isKnownLogType(type: number): type is LogType {
  return KNOWN_LOG_TYPES.has(type);
}

function assertStorable(entry: LogEntry): void {
  if (!Number.isSafeInteger(entry.index) || entry.index < 1) {
    throw new RangeError(`log index must be a positive safe integer, got ${entry.index}`);
  }
  if (!Number.isSafeInteger(entry.term) || entry.term < 0) {
    throw new RangeError(`log term must be a non-negative safe integer, got ${entry.term}`);
  }
  if (!isKnownLogType(entry.type)) {
    throw new RangeError(`unknown log entry type ${String(entry.type)}`);
  }
}

/** Encodes `entry` into a fresh buffer: the payload is copied once, into its final place. */
export function encodeLogRecord(entry: LogEntry): Buffer {
  assertStorable(entry);
  const payloadBytes = entry.data.byteLength;
  const record = Buffer.allocUnsafe(LOG_RECORD_OVERHEAD_BYTES + payloadBytes);
  record[0] = LOG_RECORD_VERSION;
  record[TYPE_OFFSET] = entry.type;
  writeUint53LE(record, INDEX_OFFSET, entry.index);
  writeUint53LE(record, TERM_OFFSET, entry.term);
  record.set(entry.data, LOG_RECORD_HEADER_BYTES);
  const checksumOffset = LOG_RECORD_HEADER_BYTES + payloadBytes;
  writeUint32LE(record, checksumOffset, crc32(record.subarray(0, checksumOffset)));
  return record;
}

/** Payload bytes of a record of `recordBytes` bytes (negative only for a truncated record). */
export function logRecordPayloadBytes(recordBytes: number): number {
  return recordBytes - LOG_RECORD_OVERHEAD_BYTES;
}

/**
 * Decodes a record read from key `expectedIndex`, verifying its checksum first. `record` may
 * be a view of a reusable buffer: the returned entry owns a copy of the payload, the only copy
 * decoding makes. Throws CorruptionError when the record fails its checksum or does not decode.
 */
export function decodeLogRecord(record: Uint8Array, expectedIndex: number): LogEntry {
  if (record.byteLength < LOG_RECORD_OVERHEAD_BYTES) {
    throw new CorruptionError(`log record ${expectedIndex} is truncated (${record.byteLength} bytes)`);
  }
  const checksumOffset = record.byteLength - CHECKSUM_BYTES;
  if (!hasValidChecksum(record)) {
    const stored = readUint32LE(record, checksumOffset);
    const actual = crc32(record.subarray(0, checksumOffset));
    throw new CorruptionError(`log record ${expectedIndex} fails its checksum (stored ${stored}, computed ${actual})`);
  }
  if (record[0] !== LOG_RECORD_VERSION) {
    throw new CorruptionError(`log record ${expectedIndex} has unknown format version ${String(record[0])}`);
  }
  const type = record[TYPE_OFFSET] ?? -1;
  if (!isKnownLogType(type)) {
    throw new CorruptionError(`log record ${expectedIndex} has unknown entry type ${type}`);
  }
  const index = readUint53LE(record, INDEX_OFFSET);
  if (index !== expectedIndex) {
    throw new CorruptionError(`log record stored at index ${expectedIndex} claims index ${String(index)}`);
  }
  const term = readUint53LE(record, TERM_OFFSET);
  if (term === undefined) {
    throw new CorruptionError(`log record ${expectedIndex} has an out-of-range term`);
  }
  return { index, term, type, data: copyBytes(record, LOG_RECORD_HEADER_BYTES, checksumOffset) };
}
