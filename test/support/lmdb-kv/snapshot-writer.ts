/**
 * Writes the snapshot stream of snapshot-format.ts as chunks of a fixed size. Bytes are copied
 * into the current chunk; a full chunk waits in `ready` until the caller hands it to the sink,
 * so memory stays at a chunk or two (a record larger than a chunk spans several) whatever the
 * size of the snapshot. Each chunk is a fresh buffer: a sink may keep it after write() returns.
 */
import { encodeHeader, encodeTrailer } from './snapshot-format';

export class SnapshotWriter {
  private chunk: Buffer;
  private used = 0;
  private ready: Buffer[] = [];
  private records = 0;
  private readonly lengthPrefix = Buffer.alloc(4);

  constructor(
    private readonly write: (chunk: Uint8Array) => Promise<void>,
    private readonly chunkBytes: number,
  ) {
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1)
      throw new RangeError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
    this.chunk = Buffer.allocUnsafe(chunkBytes);
  }

  header(appliedIndex: number): Promise<void> {
    this.append(encodeHeader(appliedIndex));
    return this.writeReady();
  }

  /** Adds one record; resolves at once unless a chunk filled up and had to be written. */
  record(key: Uint8Array, value: Uint8Array): Promise<void> | undefined {
    this.appendLength(key.byteLength);
    this.append(key);
    this.appendLength(value.byteLength);
    this.append(value);
    this.records++;
    // Most records fit in the current chunk: no promise, so a million records cost no microtasks.
    return this.ready.length > 0 ? this.writeReady() : undefined;
  }

  /** Adds the trailer and writes everything still held, the last chunk possibly short. */
  async finish(): Promise<void> {
    this.append(encodeTrailer(this.records));
    if (this.used > 0) {
      this.ready.push(this.chunk.subarray(0, this.used));
      this.used = 0;
    }
    await this.writeReady();
  }

  private appendLength(length: number): void {
    this.lengthPrefix.writeUInt32BE(length, 0);
    this.append(this.lengthPrefix);
  }

  private append(bytes: Uint8Array): void {
    let from = 0;
    while (from < bytes.byteLength) {
      const n = Math.min(this.chunkBytes - this.used, bytes.byteLength - from);
      this.chunk.set(bytes.subarray(from, from + n), this.used);
      this.used += n;
      from += n;
      if (this.used === this.chunkBytes) {
        this.ready.push(this.chunk);
        this.chunk = Buffer.allocUnsafe(this.chunkBytes);
        this.used = 0;
      }
    }
  }

  private async writeReady(): Promise<void> {
    const chunks = this.ready;
    this.ready = [];
    for (const chunk of chunks) await this.write(chunk);
  }
}
