import type { SnapshotMeta, SnapshotStore } from '../snapshot-store';
import type { ChunkPool } from './chunk-pool';

/**
 * Reads a stored snapshot as pieces of a chosen size from any starting offset, whatever chunk
 * size the store yields. The store checks size and checksum when its iteration ends, so the
 * last piece is handed out only after `read` has seen that end: a damaged snapshot throws
 * before its final piece could be sent as complete. With a `pool`, the store reads into its
 * buffers, and pieces skipped over go straight back to it.
 */
export class SnapshotReader {
  private carry: Uint8Array | undefined;
  private position = 0;
  private finished = false;

  private constructor(
    readonly meta: SnapshotMeta,
    private readonly iterator: AsyncIterator<Uint8Array>,
    private readonly release: (() => Promise<void>) | undefined,
    private readonly pool: ChunkPool | undefined,
  ) {}

  static async open(store: SnapshotStore, id: string, offset: number, pool?: ChunkPool): Promise<SnapshotReader> {
    const opened = await store.open(id, pool === undefined ? {} : { chunkBuffer: () => pool.take() });
    const reader = new SnapshotReader(opened.meta, opened.chunks[Symbol.asyncIterator](), opened.close?.bind(opened), pool);
    try {
      await reader.skip(offset);
    } catch (error) {
      await reader.close();
      throw error;
    }
    return reader;
  }

  get offset(): number {
    return this.position;
  }

  /** The next piece of at most `maxBytes` (empty at the end). At the end the store's checks have passed. */
  async read(maxBytes: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let length = 0;
    while (length < maxBytes) {
      const piece = await this.next(maxBytes - length);
      if (piece === undefined) break;
      parts.push(piece);
      length += piece.byteLength;
    }
    // The piece that reaches the end: make the store verify the whole snapshot first.
    if (this.position + length >= this.meta.size && !this.finished) await this.pullEnd();
    this.position += length;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
  }

  async close(): Promise<void> {
    this.finished = true;
    await this.iterator.return?.().catch(() => undefined);
    // A generator that never started does not run its cleanup on return(): release explicitly.
    await this.release?.().catch(() => undefined);
  }

  private async skip(offset: number): Promise<void> {
    while (this.position < offset) {
      const piece = await this.next(offset - this.position);
      if (piece === undefined) throw new Error(`snapshot ${this.meta.id} ends before offset ${offset}`);
      this.position += piece.byteLength;
      this.pool?.give(piece);
    }
  }

  /** Up to `maxBytes` from the carried remainder or the store; undefined at the end. */
  private async next(maxBytes: number): Promise<Uint8Array | undefined> {
    let chunk = this.carry;
    this.carry = undefined;
    if (chunk === undefined) {
      if (this.finished) return undefined;
      const step = await this.iterator.next();
      if (step.done) {
        this.finished = true;
        return undefined;
      }
      chunk = step.value;
    }
    if (chunk.byteLength > maxBytes) {
      this.carry = chunk.subarray(maxBytes);
      return chunk.subarray(0, maxBytes);
    }
    return chunk;
  }

  private async pullEnd(): Promise<void> {
    if (this.carry !== undefined) return;
    const step = await this.iterator.next();
    if (!step.done) {
      this.carry = step.value;
      throw new Error(`snapshot ${this.meta.id} holds more than the ${this.meta.size} bytes recorded`);
    }
    this.finished = true;
  }
}
