import type { Config } from '../config';
import type { Clock, Logger, Random, TimerHandle } from '../environment';
import type { FSM, FSMSnapshot } from '../fsm';
import type { SnapshotMeta, SnapshotStore } from '../snapshot-store';
import type { AppliedPoint } from './applied-point';
import type { Applier } from './applier';

export interface SnapshotTakerHost<R> {
  readonly cfg: Config;
  readonly fsm: FSM<R>;
  readonly store: SnapshotStore;
  readonly applier: Applier<R>;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  /** The FSM's applied point; read between batches, so it is exactly what fsm.snapshot() sees. */
  appliedPoint(): AppliedPoint;
  lastLogIndex(): number;
  /** Drops log entries up to `index` (the core clamps to what is committed, durable and applied). */
  compact(index: number): void;
  taken(meta: SnapshotMeta, durationMs: number): void;
}

/**
 * Takes snapshots: every SnapshotInterval (randomised, so a cluster's nodes do not all snapshot at
 * once) when at least SnapshotThreshold entries were applied since the last one, as soon as
 * SnapshotMaxEntries were (however soon that is), and on demand.
 * The FSM captures a point-in-time view between two apply batches; writing it out runs off the
 * apply path while applies continue. Then the log is compacted up to
 * min(snapshot index, last index - TrailingLogs), and never past what the FSM has durably applied.
 */
export class SnapshotTaker<R> {
  private lastIndex: number;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: TimerHandle | undefined;
  private stopped = false;
  /** Snapshots asked for and not finished (any trigger): SnapshotMaxEntries adds none meanwhile. */
  private unfinished = 0;
  /**
   * This round's SnapshotMaxEntries, drawn up to half as much again after every snapshot: every
   * node applies the same entries, so a fixed count would have all of them copy their whole state
   * at the same moment, on a shared disk or not (the interval is randomised for the same reason).
   */
  private maxEntriesThisRound: number;

  constructor(
    private readonly host: SnapshotTakerHost<R>,
    lastSnapshotIndex: number,
  ) {
    this.lastIndex = lastSnapshotIndex;
    this.maxEntriesThisRound = this.drawMaxEntries();
  }

  private drawMaxEntries(): number {
    const max = this.host.cfg.snapshotMaxEntries;
    // Off: no draw, so a seeded run's other random choices (election timeouts) stay as they were.
    if (max === 0) return 0;
    return max + Math.floor(this.host.random.next() * (max / 2));
  }

  /** Index of the newest snapshot taken or installed here. */
  get lastSnapshotIndex(): number {
    return this.lastIndex;
  }

  start(): void {
    this.arm();
  }

  /** No more snapshots; resolves once the one being written (if any) has finished. */
  stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    return this.chain.then(() => undefined);
  }

  /** A snapshot received from the leader was installed. */
  installed(index: number): void {
    this.lastIndex = Math.max(this.lastIndex, index);
  }

  /**
   * Takes a snapshot now (after any already running). Resolves with the newest snapshot's meta,
   * which is an earlier one when nothing was applied since it, or undefined when there is none.
   * With Config.deferSnapshotCopies the snapshot is deferred (its label only); `withData` asks
   * for one holding the FSM's bytes (a follower needs it), taken afresh if the newest has none.
   */
  take(withData = false): Promise<SnapshotMeta | undefined> {
    this.unfinished++;
    const run = this.chain.then(() => this.takeNow(withData)).finally(() => this.unfinished--);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Entries up to `appliedIndex` were applied: past SnapshotMaxEntries since the last snapshot, take one now. */
  applied(appliedIndex: number): void {
    if (this.host.cfg.snapshotMaxEntries === 0 || this.stopped || this.unfinished > 0) return;
    if (appliedIndex - this.lastIndex < this.maxEntriesThisRound) return;
    this.take()
      .catch((error: unknown) => {
        if (!this.stopped) this.host.logger.error('snapshot failed', { error: String(error) });
      })
      .finally(() => (this.maxEntriesThisRound = this.drawMaxEntries()));
  }

  private arm(): void {
    if (this.stopped) return;
    const { cfg, random, clock } = this.host;
    const delay = cfg.snapshotIntervalMs + Math.floor(random.next() * cfg.snapshotIntervalMs);
    this.timer = clock.setTimer(delay, () => {
      if (this.stopped) return;
      if (this.host.appliedPoint().index - this.lastIndex >= cfg.snapshotThreshold) {
        this.take().then(
          () => this.arm(),
          (error: unknown) => {
            if (!this.stopped) this.host.logger.error('snapshot failed', { error: String(error) });
            this.arm();
          },
        );
      } else {
        this.arm();
      }
    });
  }

  private async takeNow(withData: boolean): Promise<SnapshotMeta | undefined> {
    if (this.stopped) throw new Error('snapshots stopped');
    const { store, applier, fsm, logger, cfg } = this.host;
    // A deferred newest snapshot is no answer to a request for bytes, even with nothing new applied.
    const newest = withData ? (await store.list())[0] : undefined;
    const again = newest?.deferred === true;
    const captured = await applier.exclusive(async (): Promise<{ point: AppliedPoint; view: FSMSnapshot } | undefined> => {
      const point = this.host.appliedPoint();
      if (point.index <= this.lastIndex && !(again && point.index > 0)) return undefined;
      return { point, view: await fsm.snapshot() };
    });
    if (captured === undefined) return (await store.list())[0];
    const { point, view } = captured;
    // Deferred only once the FSM has committed the snapshot's index, so that a restart always
    // finds in the FSM the state the label stands for (a persistent FSM's snapshot() lets its
    // batches commit first; one that does not gets its bytes written instead).
    const deferred = cfg.deferSnapshotCopies && !withData && (fsm.appliedIndex?.() ?? -1) >= point.index;
    const started = this.host.clock.now();
    let meta: SnapshotMeta | undefined;
    try {
      const sink = await store.create(point.index, point.term, point.configuration, point.configurationIndex, { deferred });
      try {
        if (!deferred) await view.persist((chunk) => sink.write(chunk));
        await sink.close();
      } catch (error) {
        await sink.cancel().catch(() => undefined);
        throw error;
      }
      meta = (await store.list()).find((m) => m.id === sink.id);
    } finally {
      view.release();
    }
    this.lastIndex = Math.max(this.lastIndex, point.index);
    // Shut down while writing: the snapshot is stored, but the stopped node's log is left alone.
    if (this.stopped) return meta;
    const durable = fsm.appliedIndex?.() ?? Infinity;
    const compactTo = Math.min(point.index, this.host.lastLogIndex() - cfg.trailingLogs, durable);
    if (compactTo > 0) this.host.compact(compactTo);
    if (meta) this.host.taken(meta, this.host.clock.now() - started);
    logger.info('snapshot taken', {
      index: point.index,
      term: point.term,
      size: meta?.size,
      deferred,
      ms: this.host.clock.now() - started,
      compactTo,
    });
    return meta;
  }
}
