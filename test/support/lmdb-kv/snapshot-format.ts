/**
 * The LMDB key-value FSM's snapshot stream, a flat length-prefixed binary format (all integers
 * big-endian) that can be written and parsed in one pass with bounded memory:
 *
 *   header   "LMKV" | u32 format version (1) | u64 applied index
 *   record*  u32 key length (1..MAX_KEY_BYTES) | key bytes | u32 value length | value bytes
 *   trailer  u32 END_OF_RECORDS | u64 number of records
 *
 * Records come in strictly increasing key order (LMDB's order: bytewise). The trailer lets the
 * parser tell a complete stream from a truncated one without trusting the transport.
 */

export const MAGIC = Buffer.from('LMKV', 'latin1');
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = MAGIC.length + 4 + 8;
/** A key length no key can have: marks the end of the records. */
export const END_OF_RECORDS = 0xffff_ffff;
export const TRAILER_COUNT_BYTES = 8;

/**
 * lmdb-js's key size limit with its default settings (it caps every page size at this), so the
 * FSM refuses longer keys the same way on every machine instead of throwing inside LMDB.
 */
export const MAX_KEY_BYTES = 1978;
/** Far above any value Raft accepts (maxEntryBytes); a larger length can only be damage. */
export const MAX_VALUE_BYTES = 64 << 20;

export function encodeHeader(appliedIndex: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(FORMAT_VERSION, MAGIC.length);
  header.writeBigUInt64BE(BigInt(appliedIndex), MAGIC.length + 4);
  return header;
}

export function encodeTrailer(records: number): Buffer {
  const trailer = Buffer.alloc(4 + TRAILER_COUNT_BYTES);
  trailer.writeUInt32BE(END_OF_RECORDS, 0);
  trailer.writeBigUInt64BE(BigInt(records), 4);
  return trailer;
}
