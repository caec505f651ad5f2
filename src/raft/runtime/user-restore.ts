import * as zlib from 'node:zlib';
import type { RaftCore } from '../core/raft-core';
import type { Logger } from '../environment';
import { LeadershipTransferError, RestoreFailedError, RestoreInProgressError, ShutdownError, type RaftError } from '../errors';
import type { FSM } from '../fsm';
import { LogType } from '../log';
import type { SnapshotMeta, SnapshotSink, SnapshotStore } from '../snapshot-store';
import type { AppliedPoint, AppliedPointTracker } from './applied-point';
import type { Applier } from './applier';
import type { WaitOptions } from './waiters';

/** What Raft.restore is told about the bytes it is given. */
export interface UserSnapshotInfo {
  /**
   * The index the bytes were taken at (their snapshot's own index; 0 when unknown). The restore
   * index is chosen past it as well as past the log, so that an FSM whose bytes carry their
   * applied index never sees its index go backwards.
   */
  readonly index: number;
  /** When given, the bytes must be exactly this many, or nothing changes. */
  readonly size?: number;
  /** When given, the bytes' CRC-32 (IEEE) must be this, or nothing changes. */
  readonly crc32?: number;
}

export interface UserRestoreHost<R> {
  readonly core: RaftCore;
  readonly fsm: FSM<R>;
  readonly store: SnapshotStore;
  readonly applier: Applier<R>;
  readonly appliedPoint: AppliedPointTracker;
  readonly logger: Logger;
  stopped(): boolean;
  notLeader(): RaftError;
  /** Proposes an entry of `type` past the hold on proposals; resolves once it is applied here. */
  proposeAndWait(type: LogType, options: WaitOptions): Promise<void>;
  /** The core took the restore snapshot at `index`: older snapshot transfers stop; run the loop. */
  installed(index: number): void;
  /** The FSM holds the restored state (its applied point is already reset). */
  restored(point: AppliedPoint): void;
  fatal(what: string, error: unknown): void;
}

/**
 * hashicorp's user restore on the leader. Order of events, and why:
 * 1. Proposals, membership changes and transfers are held, and a barrier is applied: everything
 *    proposed before is applied here and committed on a quorum, in this term.
 * 2. The bytes are copied into a new, never deferred, snapshot at index max(last log index, the
 *    bytes' own index) + 1 and the current term: no server holds an entry there, so no follower,
 *    however up to date, can match the leader's log again without installing it.
 * 3. Once that snapshot is durable and we still lead the same term (checked in the same turn),
 *    the core replaces the log with it (compacting everything behind it); before that nothing has
 *    changed, and a snapshot written but not installed is removed again.
 * 4. The FSM is restored from the stored copy between apply batches, so every entry after the
 *    restore index is applied on top of the restored state; proposals resume.
 * 5. An entry after it is committed: followers can only hold it once they installed the restore
 *    snapshot, so a quorum then holds the restored state and every later leader has it.
 */
export class UserRestore<R> {
  private running = false;
  private holding = false;
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly host: UserRestoreHost<R>) {}

  /** Proposals must wait (RestoreInProgressError) until the restore snapshot is installed. */
  get holdsProposals(): boolean {
    return this.holding;
  }

  /** Settles once the restore under way (if any) has stopped touching the store and the FSM. */
  idle(): Promise<void> {
    return this.work;
  }

  async run(info: UserSnapshotInfo, source: AsyncIterable<Uint8Array>, options: WaitOptions): Promise<SnapshotMeta> {
    const problem = infoProblem(info);
    if (problem !== undefined) throw new RestoreFailedError(`restore refused: ${problem}`, 'not-applied');
    if (this.host.stopped()) throw new ShutdownError();
    if (this.running) throw new RestoreInProgressError('restore');
    const term = this.leaderTerm();
    if (term === undefined) throw this.host.notLeader();
    if (this.host.core.isTransferring())
      throw new LeadershipTransferError('a leadership transfer is in progress; restore on the new leader');
    this.running = true;
    this.holding = true;
    const done = this.restore(info, source, options, term);
    this.work = done.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await done;
    } finally {
      this.running = false;
      this.holding = false;
    }
  }

  private async restore(
    info: UserSnapshotInfo,
    source: AsyncIterable<Uint8Array>,
    options: WaitOptions,
    term: number,
  ): Promise<SnapshotMeta> {
    const { core, logger } = this.host;
    try {
      await this.host.proposeAndWait(LogType.Barrier, options);
    } catch (error) {
      throw abandoned(`the barrier before it failed (${describe(error)})`, error);
    }
    const before = this.refusal(term, options);
    if (before !== undefined) throw abandoned(before);
    const point: AppliedPoint = {
      index: Math.max(core.log.lastIndex(), info.index) + 1,
      term,
      configuration: core.configuration(),
      configurationIndex: core.configurationIndex(),
    };
    const meta = await this.write(point, info, source, options);
    // The point of no return, taken in the same turn as the last check of leadership.
    const refused = this.refusal(term, options) ?? core.restoreSnapshot(point);
    if (refused !== undefined) {
      const removed = await this.takeBack(meta).then(
        () => true,
        () => false,
      );
      if (removed) throw abandoned(refused);
      throw new RestoreFailedError(`restore abandoned (${refused}), but its snapshot ${meta.id} stayed; this node stopped`, 'unknown');
    }
    this.host.installed(point.index);
    // Queued now, before any entry after the restore index can be handed to the applier.
    const fsmRestored = this.host.applier.exclusive(() => this.restoreFsm(meta, point));
    this.holding = false;
    logger.info('restore installed', { index: point.index, term, size: meta.size, id: meta.id });
    try {
      await fsmRestored;
    } catch (error) {
      throw new RestoreFailedError(`restoring the FSM failed (${describe(error)}); this node stopped`, 'unknown', error);
    }
    try {
      await this.host.proposeAndWait(LogType.Barrier, options);
    } catch (error) {
      throw new RestoreFailedError(
        `the restore took effect on this node, but no entry after it committed (${describe(error)}): a quorum may not hold it`,
        'unknown',
        error,
      );
    }
    logger.info('restore committed', { index: point.index, term });
    return meta;
  }

  /** Copies the bytes into a durable snapshot at `point`; on any failure nothing of it stays. */
  private async write(
    point: AppliedPoint,
    info: UserSnapshotInfo,
    source: AsyncIterable<Uint8Array>,
    options: WaitOptions,
  ): Promise<SnapshotMeta> {
    const { store } = this.host;
    // Never deferred: the followers and a restart need the bytes, not the FSM's word for them.
    const sink = await store.create(point.index, point.term, point.configuration, point.configurationIndex);
    let closing = false;
    try {
      const { size, crc32 } = await copy(source, sink, () => this.refusal(point.term, options));
      if (info.size !== undefined && size !== info.size) throw abandoned(`the bytes are ${size} long, ${info.size} expected`);
      if (info.crc32 !== undefined && crc32 !== info.crc32) throw abandoned(`the bytes' CRC-32 is ${crc32}, ${info.crc32} expected`);
      const refused = this.refusal(point.term, options);
      if (refused !== undefined) throw abandoned(refused);
      closing = true;
      await sink.close();
      return { id: sink.id, ...point, size, crc32 };
    } catch (error) {
      if (!closing) await sink.cancel().catch(() => undefined);
      // A close that failed may or may not have published the snapshot.
      else await this.takeBack({ id: sink.id }).catch(() => undefined);
      throw error instanceof RestoreFailedError ? error : abandoned(`writing the snapshot failed (${describe(error)})`, error);
    }
  }

  /** Runs between apply batches: the FSM takes the stored copy, at the restore point. */
  private async restoreFsm(meta: SnapshotMeta, point: AppliedPoint): Promise<void> {
    const { store, fsm } = this.host;
    const opened = await store.open(meta.id);
    try {
      await fsm.restore(opened.chunks, { index: point.index, term: point.term });
    } catch (error) {
      // Stopped here, inside the task, so that no batch after the restore index reaches an FSM
      // that may be half-replaced. A restart restores it from the stored snapshot.
      this.host.fatal('restoring the FSM from a user snapshot failed', error);
      throw error;
    } finally {
      await opened.close?.().catch(() => undefined);
    }
    this.host.appliedPoint.reset(point);
    this.host.restored(point);
  }

  /**
   * A restore snapshot that never took effect must not stay: a restart would adopt it as the
   * newest snapshot, with a state the cluster never had. A store that cannot remove it leaves no
   * safe way on, so the node stops and says why.
   */
  private async takeBack(meta: Pick<SnapshotMeta, 'id'>): Promise<void> {
    const { store, logger } = this.host;
    try {
      if (store.remove === undefined) throw new Error('the snapshot store cannot remove snapshots');
      await store.remove(meta.id);
      logger.info('restore snapshot removed: it never took effect', { id: meta.id });
    } catch (error) {
      this.host.fatal(`restore snapshot ${meta.id} never took effect and could not be removed; remove it by hand before a restart`, error);
      throw error;
    }
  }

  private leaderTerm(): number | undefined {
    const { core } = this.host;
    return !this.host.stopped() && core.softState().role === 'leader' ? core.currentTerm() : undefined;
  }

  private refusal(term: number, options: WaitOptions): string | undefined {
    if (this.host.stopped()) return 'raft is shutting down';
    if (options.signal?.aborted === true) return 'aborted by the caller';
    if (this.leaderTerm() !== term) return 'leadership lost';
    return undefined;
  }
}

async function copy(
  source: AsyncIterable<Uint8Array>,
  sink: SnapshotSink,
  refusal: () => string | undefined,
): Promise<{ size: number; crc32: number }> {
  let size = 0;
  let crc = 0;
  for await (const chunk of source) {
    if (!(chunk instanceof Uint8Array)) throw abandoned('the source yielded something other than a Uint8Array');
    const refused = refusal();
    if (refused !== undefined) throw abandoned(refused);
    await sink.write(chunk);
    size += chunk.byteLength;
    crc = zlib.crc32(chunk, crc);
  }
  return { size, crc32: crc >>> 0 };
}

function infoProblem(info: UserSnapshotInfo): string | undefined {
  if (!Number.isSafeInteger(info.index) || info.index < 0) return `index must be an integer >= 0, got ${info.index}`;
  if (info.size !== undefined && (!Number.isSafeInteger(info.size) || info.size < 0))
    return `size must be an integer >= 0, got ${info.size}`;
  if (info.crc32 !== undefined && (!Number.isInteger(info.crc32) || info.crc32 < 0 || info.crc32 > 0xffffffff)) {
    return `crc32 must be an unsigned 32-bit integer, got ${info.crc32}`;
  }
  return undefined;
}

function abandoned(why: string, cause?: unknown): RestoreFailedError {
  return new RestoreFailedError(`restore abandoned, nothing changed: ${why}`, 'not-applied', cause);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
