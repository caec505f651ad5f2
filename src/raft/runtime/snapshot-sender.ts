import type { ServerId } from '../configuration';
import type { Clock, Logger, TimerHandle } from '../environment';
import { CorruptionError } from '../errors';
import type { InstallSnapshot, InstallSnapshotResponse } from '../messages';
import type { SnapshotMeta, SnapshotStore } from '../snapshot-store';
import { ChunkPool } from './chunk-pool';
import type { RateLimiter } from './rate-limiter';
import { SnapshotReader } from './snapshot-reader';

export interface SnapshotSenderHost {
  readonly id: ServerId;
  readonly store: SnapshotStore;
  /** The snapshot to send: the newest stored one, or a fresh copy when that one is deferred. */
  newestWithData(): Promise<SnapshotMeta | undefined>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Bytes of snapshot data per InstallSnapshot message. */
  readonly chunkBytes: number;
  /** Chunks sent and not yet acknowledged, at most: bounds the leader's memory per transfer. */
  readonly windowChunks: number;
  /** With no answer for this long, ask the follower where it is (lost chunks, lost answers). */
  readonly retransmitMs: number;
  /** With no answer at all for this long, the transfer has failed. */
  readonly failAfterMs: number;
  /** Shared by every transfer from this node: caps the snapshot bytes sent per second. */
  readonly rate: RateLimiter;
  term(): number;
  seq(): number;
  /** `written`: called once the transport is done with the message's data (see Transport.send). */
  send(message: InstallSnapshot, written?: () => void): void;
  /** False once the core no longer wants a snapshot for `peer` (it caught up another way). */
  stillNeeded(peer: ServerId): boolean;
  /** The transfer to `peer` ended without the snapshot installed. */
  failed(peer: ServerId, corrupt: boolean): void;
}

/**
 * The leader's side of InstallSnapshot: streams the newest stored snapshot to each follower that
 * needs one, in chunks, with a window of unacknowledged chunks (bounded memory however large the
 * snapshot), while replication to everyone else goes on. A transfer starts with an empty chunk
 * asking where the follower is, so a transfer broken off resumes from the last chunk the follower
 * acknowledged; answers that ask for an earlier offset rewind the stream to it.
 */
export class SnapshotSender {
  private readonly transfers = new Map<ServerId, Transfer>();
  /** Chunk buffers shared by all transfers: a window's worth each is in flight at most. */
  private readonly pool: ChunkPool;

  constructor(private readonly host: SnapshotSenderHost) {
    this.pool = new ChunkPool(host.chunkBytes, host.windowChunks + 2);
  }

  /** Starts streaming to `peer` unless a transfer to it is already running. */
  start(peer: ServerId): void {
    if (this.transfers.has(peer)) return;
    const transfer = new Transfer(this.host, this.pool, peer, (failed) => {
      this.transfers.delete(peer);
      // A transfer that ended well may leave the follower still short (the leader compacted
      // past its snapshot meanwhile): the core still wants one, so send the newest.
      if (!failed && this.host.stillNeeded(peer)) this.start(peer);
    });
    this.transfers.set(peer, transfer);
    void transfer.begin();
  }

  onResponse(m: InstallSnapshotResponse): void {
    this.transfers.get(m.from)?.onResponse(m);
  }

  stop(peer: ServerId): void {
    void this.transfers.get(peer)?.end(undefined);
  }

  stopAll(): void {
    for (const t of [...this.transfers.values()]) void t.end(undefined);
  }

  get active(): number {
    return this.transfers.size;
  }
}

class Transfer {
  private meta: SnapshotMeta | undefined;
  private reader: SnapshotReader | undefined;
  /** Next offset to send, and the highest offset the follower has confirmed. */
  private sentOffset = 0;
  private ackedOffset = 0;
  /** Set once the follower said where it is; nothing but the opening probe is sent before. */
  private located = false;
  private sentDone = false;
  private pumping = false;
  /** Waiting for the rate limit to allow the next chunk. */
  private paced: TimerHandle | undefined;
  private swapping = false;
  private ended = false;
  private lastHeard: number;
  private lastProgress: number;
  private timer: TimerHandle | undefined;
  /** A rewind to this offset is already under way: repeated requests for it are ignored. */
  private rewoundTo = -1;

  constructor(
    private readonly host: SnapshotSenderHost,
    private readonly pool: ChunkPool,
    private readonly peer: ServerId,
    private readonly onEnded: (failed: boolean) => void,
  ) {
    this.lastHeard = host.clock.now();
    this.lastProgress = this.lastHeard;
  }

  async begin(): Promise<void> {
    try {
      const newest = await this.host.newestWithData();
      if (newest === undefined) throw new Error('no snapshot is stored');
      this.meta = newest;
      this.reader = await SnapshotReader.open(this.host.store, newest.id, 0, this.pool);
      if (this.ended) {
        await this.reader.close();
        return;
      }
      this.host.logger.info('sending snapshot', { peer: this.peer, id: newest.id, index: newest.index, size: newest.size });
      this.probe();
      this.arm();
    } catch (error) {
      await this.end(error);
    }
  }

  onResponse(m: InstallSnapshotResponse): void {
    if (this.ended || this.meta === undefined || m.snapshotId !== this.meta.id) return;
    const now = this.host.clock.now();
    this.lastHeard = now;
    if (m.installed) {
      void this.end(undefined, 'installed');
      return;
    }
    const previous = this.ackedOffset;
    if (m.nextOffset > this.ackedOffset) {
      this.ackedOffset = m.nextOffset;
      this.lastProgress = now;
    }
    // An answer that moves the acknowledged offset forward acknowledges chunks: the window slides.
    // One that repeats it while chunks after it are out means the chunk there was lost (the
    // follower answers a chunk after a gap with the offset it still wants).
    const repeated = m.nextOffset === previous && m.nextOffset < this.sentOffset && m.nextOffset !== this.rewoundTo;
    if (!this.located || m.nextOffset < previous || repeated) {
      // The follower is elsewhere than we thought (first answer, a lost chunk, or it restarted).
      this.located = true;
      this.ackedOffset = m.nextOffset;
      this.rewoundTo = m.nextOffset;
      void this.rewind(m.nextOffset);
      return;
    }
    void this.pump();
  }

  /** `outcome`: the follower installed it, or no longer needs it, or (undefined) the leader stopped sending. */
  async end(error: unknown, outcome?: 'installed' | 'not-needed'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.timer?.cancel();
    this.paced?.cancel();
    this.onEnded(outcome === undefined);
    await this.reader?.close();
    const why = error instanceof Error ? error.message : String(error);
    if (outcome === 'installed') {
      this.host.logger.info('snapshot installed on follower', { peer: this.peer, id: this.meta?.id });
    } else if (outcome === 'not-needed') {
      this.host.logger.info('snapshot transfer dropped: the follower caught up', { peer: this.peer, id: this.meta?.id });
    } else if (error !== undefined) {
      this.host.logger.warn('snapshot transfer failed', { peer: this.peer, error: why });
      this.host.failed(this.peer, error instanceof CorruptionError);
    } else {
      this.host.failed(this.peer, false);
    }
  }

  /** An empty chunk at offset 0: the follower answers with the offset it wants next. */
  private probe(): void {
    this.host.send(this.message(0, new Uint8Array(0), false));
  }

  private async rewind(offset: number): Promise<void> {
    this.sentOffset = offset;
    this.sentDone = false;
    // A swap under way reopens at the newest sentOffset when its open completes.
    if (this.swapping) return;
    let reader = this.reader;
    if (reader === undefined) return;
    if (reader.offset === offset) {
      void this.pump();
      return;
    }
    this.swapping = true;
    // Stop the pump on the old reader before swapping (it checks `reader` after each await).
    this.reader = undefined;
    try {
      while (reader.offset !== this.sentOffset) {
        const next = await SnapshotReader.open(this.host.store, reader.meta.id, this.sentOffset, this.pool);
        await reader.close();
        reader = next;
        if (this.ended) {
          await reader.close();
          return;
        }
      }
      this.reader = reader;
    } catch (error) {
      this.reader = reader;
      await this.end(error);
      return;
    } finally {
      this.swapping = false;
    }
    void this.pump();
  }

  /** Sends chunks while the window allows. */
  private async pump(): Promise<void> {
    if (this.pumping || !this.located) return;
    this.pumping = true;
    const { chunkBytes, windowChunks } = this.host;
    try {
      while (!this.ended && !this.sentDone && this.sentOffset - this.ackedOffset < chunkBytes * windowChunks) {
        if (!this.host.stillNeeded(this.peer)) {
          // The follower caught up from the log meanwhile: stop streaming at once.
          await this.end(undefined, 'not-needed');
          break;
        }
        const reader = this.reader;
        if (reader === undefined || reader.offset !== this.sentOffset) break;
        const wait = this.host.rate.delayFor(chunkBytes);
        if (wait > 0) {
          this.paced ??= this.host.clock.setTimer(wait, () => {
            this.paced = undefined;
            void this.pump();
          });
          break;
        }
        const offset = reader.offset;
        const data = await reader.read(chunkBytes);
        if (this.ended || this.reader !== reader) break;
        const done = reader.offset >= reader.meta.size;
        this.host.rate.spend(data.byteLength);
        // The chunk's buffer goes back to the pool once the transport has written it out.
        this.host.send(this.message(offset, data, done), () => this.pool.give(data));
        this.sentOffset = reader.offset;
        this.sentDone = done;
      }
    } catch (error) {
      await this.end(error);
    } finally {
      this.pumping = false;
    }
  }

  private arm(): void {
    if (this.ended) return;
    this.timer = this.host.clock.setTimer(this.host.retransmitMs, () => {
      if (this.ended) return;
      if (!this.host.stillNeeded(this.peer)) {
        void this.end(undefined, 'not-needed');
        return;
      }
      const now = this.host.clock.now();
      if (now - this.lastHeard >= this.host.failAfterMs) {
        void this.end(new Error(`no answer from ${this.peer} for ${now - this.lastHeard} ms`));
        return;
      }
      if (now - this.lastProgress >= this.host.retransmitMs) {
        // Nothing acknowledged lately: ask where the follower is; its answer rewinds if needed.
        this.located = false;
        this.rewoundTo = -1;
        this.probe();
      }
      this.arm();
    });
  }

  private message(offset: number, data: Uint8Array, done: boolean): InstallSnapshot {
    const meta = this.meta!;
    return {
      type: 'InstallSnapshot',
      from: this.host.id,
      to: this.peer,
      term: this.host.term(),
      snapshotId: meta.id,
      lastIndex: meta.index,
      lastTerm: meta.term,
      configuration: meta.configuration,
      configurationIndex: meta.configurationIndex,
      offset,
      data,
      size: meta.size,
      crc32: meta.crc32,
      done,
      seq: this.host.seq(),
    };
  }
}
