import type { Config } from '../config';
import type { ServerId } from '../configuration';
import type { RaftCore } from '../core/raft-core';
import type { CoreEvent } from '../core/ready';
import type { Clock, Logger, Random } from '../environment';
import type { FSM } from '../fsm';
import type { InstallSnapshot, RaftMessage } from '../messages';
import type { SnapshotMeta, SnapshotStore } from '../snapshot-store';
import type { AppliedPoint, AppliedPointTracker } from './applied-point';
import type { Applier } from './applier';
import { RateLimiter } from './rate-limiter';
import { SnapshotReceiver, type ReceiverStats } from './snapshot-receiver';
import { SnapshotSender } from './snapshot-sender';
import { SnapshotTaker } from './snapshot-taker';

export interface SnapshotsHost<R> {
  readonly cfg: Config;
  readonly fsm: FSM<R>;
  readonly store: SnapshotStore;
  readonly applier: Applier<R>;
  readonly core: RaftCore;
  readonly appliedPoint: AppliedPointTracker;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  /** `written`: see Transport.send. */
  send(message: RaftMessage, written?: () => void): void;
  /** Core state changed outside a message or proposal: run the loop. */
  scheduleFlush(): void;
  /** The FSM now holds the state of a received snapshot. */
  restored(point: AppliedPoint, size: number, durationMs: number): void;
  /** A snapshot was taken here. */
  taken(meta: SnapshotMeta, durationMs: number): void;
  fatal(what: string, error: unknown): void;
}

/**
 * Everything about snapshots in one running node: taking them (and compacting the log behind
 * them), streaming the newest to followers that need it when leading, and receiving one from
 * the leader when following, restoring the FSM from it with the applier otherwise idle.
 */
export class Snapshots<R> {
  private readonly taker: SnapshotTaker<R>;
  private readonly sender: SnapshotSender;
  private readonly receiver: SnapshotReceiver;

  constructor(
    private readonly host: SnapshotsHost<R>,
    lastSnapshotIndex: number,
  ) {
    const { cfg, core } = host;
    this.taker = new SnapshotTaker(
      {
        cfg,
        fsm: host.fsm,
        store: host.store,
        applier: host.applier,
        clock: host.clock,
        random: host.random,
        logger: host.logger,
        appliedPoint: () => host.appliedPoint.current(),
        lastLogIndex: () => core.log.lastIndex(),
        compact: (index) => {
          core.compactLog(index);
          host.scheduleFlush();
        },
        taken: (meta, durationMs) => host.taken(meta, durationMs),
      },
      lastSnapshotIndex,
    );
    this.sender = new SnapshotSender({
      id: cfg.localId,
      store: host.store,
      newestWithData: async () => {
        const newest = (await host.store.list())[0];
        return newest?.deferred === true ? this.taker.take(true) : newest;
      },
      clock: host.clock,
      logger: host.logger,
      chunkBytes: cfg.snapshotChunkBytes,
      windowChunks: cfg.snapshotWindowChunks,
      retransmitMs: cfg.heartbeatTimeoutMs,
      failAfterMs: 20 * cfg.heartbeatTimeoutMs,
      // Bursts of two chunks: a whole window sent in one turn stalls the leader's loop for
      // milliseconds, which its own writes feel (bench:catch-up), while one chunk would lose the
      // rate to every timer that fires late.
      rate: new RateLimiter(host.clock, cfg.snapshotMaxBytesPerSec, 2 * cfg.snapshotChunkBytes),
      term: () => core.currentTerm(),
      seq: () => core.leaderSeq(),
      send: (m, written) => host.send(m, written),
      stillNeeded: (peer) => core.peerProgress().get(peer)?.state === 'snapshot',
      failed: (peer, corrupt) => {
        core.snapshotFailed(peer);
        host.scheduleFlush();
        // Our newest snapshot is damaged: take a fresh one for the retry to send.
        if (corrupt) void this.take().catch(() => undefined);
      },
    });
    this.receiver = new SnapshotReceiver({
      id: cfg.localId,
      store: host.store,
      logger: host.logger,
      currentTerm: () => core.currentTerm(),
      send: (m) => host.send(m),
      received: (m, storedId) => this.install(m, storedId),
    });
  }

  start(): void {
    this.taker.start();
  }

  /** Handles the core's snapshot events; false for every other kind. */
  onEvent(e: CoreEvent): boolean {
    switch (e.kind) {
      case 'send-snapshot':
        this.sender.start(e.peer);
        return true;
      case 'snapshot-response':
        this.sender.onResponse(e.message);
        return true;
      case 'snapshot-chunk':
        this.receiver.onChunk(e.message);
        return true;
      default:
        return false;
    }
  }

  take(): Promise<SnapshotMeta | undefined> {
    return this.taker.take();
  }

  /** Entries up to `appliedIndex` were applied (SnapshotMaxEntries may call for a snapshot). */
  applied(appliedIndex: number): void {
    this.taker.applied(appliedIndex);
  }

  /**
   * The leader's log was replaced by a user restore's snapshot at `index` (Raft.restore): transfers
   * of an older snapshot stop (the core asks anew for each follower, and the newest is sent), and
   * the snapshot counts as the newest taken here.
   */
  userRestored(index: number): void {
    this.sender.stopAll();
    this.taker.installed(index);
  }

  leadershipLost(): void {
    this.sender.stopAll();
  }

  peerRemoved(id: ServerId): void {
    this.sender.stop(id);
  }

  /** Stops all snapshot work; resolves once what was in progress has finished or been abandoned. */
  async stop(): Promise<void> {
    this.sender.stopAll();
    await Promise.all([this.taker.stop(), this.receiver.stop()]);
  }

  get lastSnapshotIndex(): number {
    return this.taker.lastSnapshotIndex;
  }

  get sending(): number {
    return this.sender.active;
  }

  get receiverStats(): ReceiverStats {
    return this.receiver.stats;
  }

  /**
   * A received snapshot is durable: the core installs it into the log (its answer waits for that
   * write), and the FSM is restored from the stored copy, which is checked once more as it is
   * read, between apply batches: entries after the snapshot are applied only after it.
   */
  private async install(m: InstallSnapshot, storedId: string): Promise<void> {
    const { core, fsm, store, applier } = this.host;
    const outcome = core.installSnapshot(m);
    this.host.scheduleFlush();
    this.host.logger.info('snapshot received', { index: m.lastIndex, term: m.lastTerm, size: m.size, outcome });
    if (outcome === 'stale') return;
    this.taker.installed(m.lastIndex);
    const point: AppliedPoint = {
      index: m.lastIndex,
      term: m.lastTerm,
      configuration: m.configuration,
      configurationIndex: m.configurationIndex,
    };
    try {
      await applier.exclusive(async () => {
        const started = this.host.clock.now();
        const opened = await store.open(storedId);
        await fsm.restore(opened.chunks, { index: m.lastIndex, term: m.lastTerm });
        // Inside the task, so no later batch can report its index before this one.
        this.host.appliedPoint.reset(point);
        this.host.restored(point, m.size, this.host.clock.now() - started);
      });
    } catch (error) {
      // The FSM may be half-replaced; a restart restores it from the stored snapshot.
      this.host.fatal('restoring a received snapshot failed', error);
    }
  }
}
