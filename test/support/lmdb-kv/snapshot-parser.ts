/**
 * Parses the snapshot stream of snapshot-format.ts incrementally: chunks may split the header, a
 * length prefix, a key or a value anywhere. A field that lies within one chunk is a view of it
 * (no copy: restoring a million keys allocated four buffers per record, the restore's largest
 * cost); one split across chunks is filled into a buffer of its declared size as bytes arrive.
 * Chunks must therefore not be changed after they are pushed (a stored snapshot's chunks are
 * fresh buffers). Memory is bounded by the largest record plus the chunks it spans. Anything malformed is a CorruptionError, the error
 * Raft expects from a damaged snapshot (it then tries an older one).
 */
import { CorruptionError } from '../../../src/raft';
import {
  END_OF_RECORDS,
  FORMAT_VERSION,
  HEADER_BYTES,
  MAGIC,
  MAX_KEY_BYTES,
  MAX_VALUE_BYTES,
  TRAILER_COUNT_BYTES,
} from './snapshot-format';

/** What the parser expects next; each state is filled by exactly `field.length` bytes. */
type State = 'header' | 'key-length' | 'key' | 'value-length' | 'value' | 'record-count' | 'done';

export type RecordSink = (key: Buffer, value: Buffer) => void;

export class SnapshotParser {
  private state: State = 'header';
  /** Bytes the current field takes; `partial` holds its first bytes when it began in an earlier chunk. */
  private fieldLength = HEADER_BYTES;
  private partial: Buffer | undefined;
  private filled = 0;
  private key: Buffer | undefined;
  private previousKey: Buffer | undefined;
  private records = 0;
  private applied: number | undefined;

  /** The applied index in the header, once the header has arrived. */
  get appliedIndex(): number | undefined {
    return this.applied;
  }

  /** A getter, so that the state is read afresh after completeField() changed it. */
  private get done(): boolean {
    return this.state === 'done';
  }

  /**
   * Consumes one chunk, calling `onRecord` for every record it completes. The key and value are
   * views of the chunks or buffers of their own: either way they stay valid, and nothing
   * overwrites them.
   */
  push(chunk: Uint8Array, onRecord: RecordSink): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = 0;
    for (;;) {
      // A zero-length value is complete as soon as its length is known, even at a chunk's end.
      if (this.partial === undefined && this.fieldLength === 0 && !this.done) {
        this.completeField(EMPTY, onRecord);
        continue;
      }
      if (at >= bytes.byteLength) return;
      if (this.done) throw new CorruptionError(`lmdb-kv snapshot: ${bytes.byteLength - at} bytes after the trailer`);
      if (this.partial === undefined && bytes.byteLength - at >= this.fieldLength) {
        // The whole field is here: a view, no copy.
        const field = bytes.subarray(at, at + this.fieldLength);
        at += this.fieldLength;
        this.completeField(field, onRecord);
        continue;
      }
      this.partial ??= Buffer.allocUnsafe(this.fieldLength);
      const n = Math.min(this.fieldLength - this.filled, bytes.byteLength - at);
      bytes.copy(this.partial, this.filled, at, at + n);
      this.filled += n;
      at += n;
      if (this.filled === this.fieldLength) {
        const field = this.partial;
        this.partial = undefined;
        this.filled = 0;
        this.completeField(field, onRecord);
      }
    }
  }

  /** The stream has ended: it must have ended exactly after a trailer that counts every record. */
  finish(): { appliedIndex: number; records: number } {
    if (this.state !== 'done' || this.applied === undefined)
      throw new CorruptionError(`lmdb-kv snapshot: truncated (while reading ${this.state})`);
    return { appliedIndex: this.applied, records: this.records };
  }

  private completeField(field: Buffer, onRecord: RecordSink): void {
    switch (this.state) {
      case 'header':
        this.applied = parseHeader(field);
        return this.expect('key-length', 4);
      case 'key-length': {
        const length = field.readUInt32BE(0);
        if (length === END_OF_RECORDS) return this.expect('record-count', TRAILER_COUNT_BYTES);
        if (length === 0 || length > MAX_KEY_BYTES) throw new CorruptionError(`lmdb-kv snapshot: key length ${length} out of range`);
        return this.expect('key', length);
      }
      case 'key':
        if (this.previousKey !== undefined && Buffer.compare(this.previousKey, field) >= 0) {
          throw new CorruptionError('lmdb-kv snapshot: keys out of order');
        }
        this.key = field;
        return this.expect('value-length', 4);
      case 'value-length': {
        const length = field.readUInt32BE(0);
        if (length > MAX_VALUE_BYTES) throw new CorruptionError(`lmdb-kv snapshot: value length ${length} out of range`);
        return this.expect('value', length);
      }
      case 'value':
        this.records++;
        this.previousKey = this.key;
        onRecord(this.key!, field);
        return this.expect('key-length', 4);
      case 'record-count': {
        const count = Number(field.readBigUInt64BE(0));
        if (count !== this.records)
          throw new CorruptionError(`lmdb-kv snapshot: trailer counts ${count} records, the stream held ${this.records}`);
        this.state = 'done';
        return;
      }
      case 'done':
        return;
    }
  }

  private expect(state: State, length: number): void {
    this.state = state;
    this.fieldLength = length;
  }
}

const EMPTY = Buffer.alloc(0);

function parseHeader(header: Buffer): number {
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new CorruptionError('lmdb-kv snapshot: bad magic');
  const version = header.readUInt32BE(MAGIC.length);
  if (version !== FORMAT_VERSION) throw new CorruptionError(`lmdb-kv snapshot: format version ${version}, expected ${FORMAT_VERSION}`);
  const applied = header.readBigUInt64BE(MAGIC.length + 4);
  if (applied > BigInt(Number.MAX_SAFE_INTEGER)) throw new CorruptionError('lmdb-kv snapshot: applied index out of range');
  return Number(applied);
}
