/**
 * The byte format of a namespace snapshot: every record of every database, in DATABASE_NAMES
 * order, read in one LMDB read transaction.
 *
 *   magic "MINFSNS1"
 *   frame(header: msgpack { appliedIndex })
 *   frame(record: msgpack [database number, key bytes, value bytes]) ...   (the bytes as LMDB stores them)
 *   frame(trailer: msgpack [-1, record count])
 *
 * frame(x) = u32 big-endian length of x, then x. Raft checks the whole stream's CRC; the count in
 * the trailer catches a stream cut short at a frame boundary. Anything malformed is a
 * CorruptionError: the error on which Raft falls back to an older snapshot.
 */
import { Packr } from 'msgpackr';
import { CorruptionError } from '../raft';
import { DATABASE_NAMES } from './meta-environment';

export const SNAPSHOT_MAGIC = Buffer.from('MINFSNS1');
const packr = new Packr({ useRecords: false, mapsAsObjects: true });
/** Decoding copies byte fields: the records outlive the chunk they came in (which may be reused). */
const unpackr = new Packr({ useRecords: false, mapsAsObjects: true, copyBuffers: true });
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export type SnapshotRecord = [database: number, key: Buffer, value: Buffer];

/** Accumulates frames into chunks of about `chunkBytes` and hands full ones to `write`. */
export class SnapshotWriter {
  private parts: Buffer[] = [SNAPSHOT_MAGIC];
  private bytes = SNAPSHOT_MAGIC.length;
  private count = 0;

  constructor(
    private readonly write: (chunk: Uint8Array) => Promise<void>,
    private readonly chunkBytes: number,
  ) {}

  header(appliedIndex: number): Promise<void> | undefined {
    return this.frame(packr.pack({ appliedIndex }));
  }

  /** Adds one record; returns a promise when a chunk went out (await it: that is the backpressure). */
  record(database: number, key: Uint8Array, value: Uint8Array): Promise<void> | undefined {
    this.count++;
    return this.frame(packr.pack([database, key, value]));
  }

  async finish(): Promise<void> {
    await this.frame(packr.pack([-1, this.count]));
    if (this.bytes > 0) await this.flush();
  }

  private frame(body: Buffer): Promise<void> | undefined {
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(body.length, 0);
    this.parts.push(length, body);
    this.bytes += 4 + body.length;
    return this.bytes >= this.chunkBytes ? this.flush() : undefined;
  }

  private flush(): Promise<void> {
    const chunk = Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    return this.write(chunk);
  }
}

/** Parses a snapshot stream chunk by chunk. Throws on anything malformed. */
export class SnapshotParser {
  private pending: Buffer = Buffer.alloc(0);
  private sawMagic = false;
  private appliedIndex: number | undefined;
  private count = 0;
  private ended = false;

  /** Feeds a chunk; calls `onRecord` for each whole record in it. */
  push(chunk: Uint8Array, onRecord: (record: SnapshotRecord) => void): void {
    let data = this.pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.pending, chunk]);
    if (!this.sawMagic) {
      if (data.length < SNAPSHOT_MAGIC.length) {
        this.pending = Buffer.from(data);
        return;
      }
      if (!data.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC)) throw new CorruptionError('not a namespace snapshot (bad magic)');
      this.sawMagic = true;
      data = data.subarray(SNAPSHOT_MAGIC.length);
    }
    let at = 0;
    while (data.length - at >= 4) {
      const length = data.readUInt32BE(at);
      if (length > MAX_FRAME_BYTES) throw new CorruptionError(`namespace snapshot frame of ${length} bytes`);
      if (data.length - at - 4 < length) break;
      let body: unknown;
      try {
        body = unpackr.unpack(data.subarray(at + 4, at + 4 + length));
      } catch (error: unknown) {
        throw new CorruptionError(`namespace snapshot frame does not decode: ${String(error)}`);
      }
      at += 4 + length;
      this.take(body, onRecord);
    }
    // Copy the tail: the caller may reuse the chunk's memory.
    this.pending = Buffer.from(data.subarray(at));
  }

  private take(body: unknown, onRecord: (record: SnapshotRecord) => void): void {
    if (this.ended) throw new CorruptionError('namespace snapshot has data after its trailer');
    if (this.appliedIndex === undefined) {
      const index = (body as { appliedIndex?: unknown } | null)?.appliedIndex;
      if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) throw new CorruptionError('namespace snapshot header is malformed');
      this.appliedIndex = index;
      return;
    }
    if (!Array.isArray(body) || body.length < 2 || typeof body[0] !== 'number') throw new CorruptionError('namespace snapshot record is malformed');
    if (body[0] === -1) {
      if (body[1] !== this.count) throw new CorruptionError(`namespace snapshot holds ${this.count} records, its trailer says ${String(body[1])}`);
      this.ended = true;
      return;
    }
    if (body.length !== 3 || !Number.isInteger(body[0]) || body[0] < 0 || body[0] >= DATABASE_NAMES.length) {
      throw new CorruptionError('namespace snapshot record names no database');
    }
    if (!(body[1] instanceof Uint8Array) || !(body[2] instanceof Uint8Array)) throw new CorruptionError('namespace snapshot record is malformed');
    this.count++;
    onRecord([body[0], Buffer.from(body[1].buffer, body[1].byteOffset, body[1].byteLength), Buffer.from(body[2].buffer, body[2].byteOffset, body[2].byteLength)]);
  }

  /** The snapshot's applied index, once the stream is complete. */
  finish(): { appliedIndex: number; records: number } {
    if (!this.ended || this.appliedIndex === undefined || this.pending.length > 0) throw new CorruptionError('namespace snapshot is truncated');
    return { appliedIndex: this.appliedIndex, records: this.count };
  }
}
