import * as zlib from 'node:zlib';
import type { ServerId } from '../configuration';
import type { Logger } from '../environment';
import type { InstallSnapshot, InstallSnapshotResponse } from '../messages';
import type { SnapshotSink, SnapshotStore } from '../snapshot-store';

export interface SnapshotReceiverHost {
  readonly id: ServerId;
  readonly store: SnapshotStore;
  readonly logger: Logger;
  currentTerm(): number;
  send(message: InstallSnapshotResponse): void;
  /** The whole snapshot arrived, matched its size and CRC-32, and is durable in the store as `storedId`. */
  received(message: InstallSnapshot, storedId: string): Promise<void>;
}

interface Incoming {
  readonly snapshotId: string;
  readonly sink: SnapshotSink;
  offset: number;
  crc: number;
}

export interface ReceiverStats {
  /** Streams thrown away because the bytes did not match the announced size or CRC-32. */
  readonly rejectedStreams: number;
  readonly installed: number;
}

/**
 * The follower's side of InstallSnapshot: writes the chunks of one transfer, in order, into a sink
 * of its SnapshotStore (memory stays bounded by the leader's window), answers each with the offset
 * it wants next, and checks the whole stream's size and CRC-32 before the sink is made durable.
 * A mismatch discards the partial snapshot and asks for the stream again from the start; nothing
 * of it reaches the FSM or the log. A transfer interrupted midway keeps its partial sink, so the
 * leader can resume where it stopped; a transfer of another snapshot replaces it.
 */
export class SnapshotReceiver {
  private incoming: Incoming | undefined;
  /**
   * The last transfer that arrived whole: retransmissions of it are only answered, with
   * `installed` once it was installed (so a lost answer does not leave the leader waiting).
   */
  private completing: { snapshotId: string; size: number; installed: boolean } | undefined;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private counts = { rejectedStreams: 0, installed: 0 };

  constructor(private readonly host: SnapshotReceiverHost) {}

  get stats(): ReceiverStats {
    return { ...this.counts };
  }

  /** Chunks are handled strictly one after another, in arrival order. */
  onChunk(m: InstallSnapshot): void {
    if (this.stopped) return;
    this.chain = this.chain.then(
      () => this.handle(m),
      () => this.handle(m),
    );
    this.chain.catch((error: unknown) => {
      this.host.logger.error('receiving a snapshot chunk failed', { snapshotId: m.snapshotId, error: String(error) });
    });
  }

  /** Stops taking chunks; resolves once the chunk in progress is handled and a partial snapshot is discarded. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain.catch(() => undefined);
    const incoming = this.incoming;
    this.incoming = undefined;
    if (incoming) await incoming.sink.cancel().catch(() => undefined);
  }

  private async handle(m: InstallSnapshot): Promise<void> {
    if (this.stopped) return;
    if (this.completing?.snapshotId === m.snapshotId) {
      // Already complete here (a retransmission): answer where it stands.
      this.reply(m, this.completing.size, this.completing.installed);
      return;
    }
    let incoming = this.incoming;
    if (incoming?.snapshotId !== m.snapshotId) {
      if (m.offset !== 0) {
        this.reply(m, 0); // a stream we do not hold: start it over
        return;
      }
      await this.discard();
      incoming = {
        snapshotId: m.snapshotId,
        sink: await this.host.store.create(m.lastIndex, m.lastTerm, m.configuration, m.configurationIndex),
        offset: 0,
        crc: 0,
      };
      this.incoming = incoming;
    }
    if (m.offset !== incoming.offset) {
      this.reply(m, incoming.offset); // a duplicate, or a chunk after a lost one
      return;
    }
    if (incoming.offset + m.data.byteLength > m.size) {
      await this.reject(m, `chunk at ${m.offset} runs past the announced size ${m.size}`);
      return;
    }
    if (m.data.byteLength > 0) {
      await incoming.sink.write(m.data);
      incoming.crc = zlib.crc32(m.data, incoming.crc);
      incoming.offset += m.data.byteLength;
    }
    if (!m.done) {
      this.reply(m, incoming.offset);
      return;
    }
    if (incoming.offset !== m.size || incoming.crc >>> 0 !== m.crc32 >>> 0) {
      await this.reject(m, `stream holds ${incoming.offset} bytes with CRC-32 ${incoming.crc >>> 0}, announced ${m.size} and ${m.crc32}`);
      return;
    }
    this.incoming = undefined;
    const completing = { snapshotId: m.snapshotId, size: m.size, installed: false };
    this.completing = completing;
    try {
      await incoming.sink.close();
    } catch (error) {
      this.completing = undefined;
      throw error;
    }
    if (this.stopped) return;
    this.counts.installed++;
    // Not awaited: restoring a large FSM takes a while, and retransmissions meanwhile must be
    // answered (with the offset, so the leader keeps waiting) rather than queue behind it.
    this.host.received(m, incoming.sink.id).then(
      () => (completing.installed = true),
      (error: unknown) => {
        if (this.completing === completing) this.completing = undefined;
        this.host.logger.error('installing a received snapshot failed', { snapshotId: m.snapshotId, error: String(error) });
      },
    );
  }

  private async reject(m: InstallSnapshot, why: string): Promise<void> {
    this.counts.rejectedStreams++;
    this.host.logger.warn('snapshot stream rejected; asking for it again', { snapshotId: m.snapshotId, from: m.from, why });
    await this.discard();
    this.reply(m, 0);
  }

  private async discard(): Promise<void> {
    const incoming = this.incoming;
    this.incoming = undefined;
    if (incoming) await incoming.sink.cancel();
  }

  private reply(m: InstallSnapshot, nextOffset: number, installed = false): void {
    this.host.send({
      type: 'InstallSnapshotResponse',
      from: this.host.id,
      to: m.from,
      term: this.host.currentTerm(),
      snapshotId: m.snapshotId,
      nextOffset,
      installed,
      lastIndex: m.lastIndex,
      seq: m.seq,
    });
  }
}
