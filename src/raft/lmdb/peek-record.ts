import type { Database, Key } from 'lmdb';

/**
 * The bytes stored under `key`, as a plain Uint8Array view of lmdb-js's reusable read buffer
 * (`getBinaryFast`): no allocation besides the view. Valid only until the next read from the
 * same environment, so decode (and copy what you keep) before reading again.
 *
 * That buffer is usually larger than the value; per the lmdb-js README, getBinaryFast sets an
 * own `length` property to the value's size while `byteLength` stays the buffer's, so the view
 * is cut at `length`. Were that ever wrong, the record's checksum would fail loudly.
 */
export function peekRecord<K extends Key>(db: Database<Buffer, K>, key: K): Uint8Array | undefined {
  const bytes = db.getBinaryFast(key);
  return bytes === undefined ? undefined : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
