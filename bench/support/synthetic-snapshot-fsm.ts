/**
 * The state machine of bench/snapshot-memory: its snapshot is `snapshotBytes` of deterministic
 * pseudo-random data generated on the fly, and its restore reads a snapshot through while keeping
 * only a byte count and a CRC-32. Neither side ever holds the snapshot, so the processes' RSS is
 * the Raft library's (store, sender, transport, receiver) and not the FSM's.
 */
import * as zlib from 'node:zlib';
import type { FSM, FSMSnapshot, LogEntry } from '../../src/raft';
import { pseudoRandomPieces } from './pseudo-random-pieces';

const PIECE_BYTES = 1 << 20;

/** What went through persist() or restore(): compared across processes to prove the copy intact. */
export interface StreamDigest {
  readonly bytes: number;
  readonly crc32: number;
  readonly ms: number;
}

export class SyntheticSnapshotFsm implements FSM<number> {
  applied = 0;
  lastPersisted: StreamDigest | undefined;
  lastRestored: StreamDigest | undefined;

  constructor(
    private readonly snapshotBytes: number,
    private readonly seed: number,
  ) {}

  apply(_entry: LogEntry): number {
    return ++this.applied;
  }

  snapshot(): FSMSnapshot {
    return {
      persist: async (write) => {
        const started = performance.now();
        let crc = 0;
        let bytes = 0;
        for (const piece of pseudoRandomPieces(this.snapshotBytes, PIECE_BYTES, this.seed)) {
          crc = zlib.crc32(piece, crc);
          bytes += piece.byteLength;
          await write(piece); // resolves once the sink has copied it: the piece buffer is reused
        }
        this.lastPersisted = { bytes, crc32: crc >>> 0, ms: performance.now() - started };
      },
      release: () => {},
    };
  }

  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const started = performance.now();
    let crc = 0;
    let bytes = 0;
    for await (const chunk of chunks) {
      crc = zlib.crc32(chunk, crc);
      bytes += chunk.byteLength;
    }
    this.lastRestored = { bytes, crc32: crc >>> 0, ms: performance.now() - started };
  }
}
