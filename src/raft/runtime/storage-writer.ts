import type { BugSwitches } from '../bugs';
import type { HardState } from '../core/ready';
import type { LogWrite } from '../core/raft-log';
import type { LogEntry } from '../log';
import type { LogStore, StableStore } from '../log-store';
import type { RaftMessage } from '../messages';
import { HARD_STATE_KEY, encodeHardState } from './hard-state-codec';

/** One unit of durable work, with the messages that may go out only once it is on disk. */
export interface PersistBatch {
  hardState: HardState | undefined;
  log: LogWrite | undefined;
  after: RaftMessage[];
}

export interface PersistDone {
  /** The last entry made durable by this write, if it wrote entries. */
  lastEntry: { index: number; term: number } | undefined;
  after: RaftMessage[];
}

/**
 * Writes batches to the stores strictly in order, one write at a time. Batches that queue up
 * while a write is in flight are merged into the next write: that is group commit (one fsync for
 * everything that arrived meanwhile). Messages that speak for durable state are released only
 * after the write that covers them, and after every write issued before it.
 */
export class StorageWriter {
  private queue: PersistBatch[] = [];
  private writing = false;
  private stopped = false;
  private writtenLast: number;
  /** Compaction still to do: entries up to here go, a slice per write (see COMPACTION_SLICE). */
  private compactTarget = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly logs: LogStore,
    private readonly stable: StableStore,
    private readonly bugs: BugSwitches,
    private readonly onDone: (done: PersistDone) => void,
    private readonly onError: (error: unknown) => void,
  ) {
    this.writtenLast = logs.lastIndex();
  }

  enqueue(batch: PersistBatch): void {
    if (this.stopped) return;
    const nothingToWrite = batch.hardState === undefined && batch.log === undefined;
    if (this.bugs.ackBeforePersist) {
      // Test-only bug: acknowledge before the write is durable.
      this.onDone({ lastEntry: undefined, after: batch.after });
      batch = { ...batch, after: [] };
      if (nothingToWrite) return;
    } else if (nothingToWrite && !this.writing && this.queue.length === 0) {
      if (batch.after.length > 0) this.onDone({ lastEntry: undefined, after: batch.after });
      return;
    }
    this.queue.push(batch);
    if (!this.writing) void this.run();
  }

  /** Resolves once everything enqueued so far is durable (or the writer stopped). */
  whenIdle(): Promise<void> {
    if (!this.writing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.queue = [];
    if (!this.writing) this.releaseIdle();
  }

  private async run(): Promise<void> {
    this.writing = true;
    try {
      while ((this.queue.length > 0 || this.compactionLeft()) && !this.stopped) {
        const merged = this.queue.length > 0 ? mergeBatches(this.queue.splice(0)) : EMPTY_BATCH;
        await this.write(merged);
        if (this.stopped) break;
        const last = merged.log?.entries.at(-1);
        this.onDone({ lastEntry: last ? { index: last.index, term: last.term } : undefined, after: merged.after });
      }
    } catch (error) {
      this.stopped = true;
      this.onError(error);
    } finally {
      this.writing = false;
      this.releaseIdle();
    }
  }

  private async write(batch: PersistBatch): Promise<void> {
    if (batch.hardState && !this.bugs.skipHardStatePersist) {
      // The term and vote go first: a log entry of a term must never be durable without the term.
      await this.stable.set(HARD_STATE_KEY, encodeHardState(batch.hardState));
    }
    const log = batch.log;
    const writes: Promise<void>[] = [];
    if (log?.compactThrough !== undefined) this.compactTarget = Math.max(this.compactTarget, log.compactThrough);
    if (this.compactionLeft()) {
      // Compacted entries are never read again, so their deletion can trail behind: a slice per
      // write keeps a large compaction from blocking the loop for a second (and a leader from
      // missing its quorum check meanwhile). When everything stored goes (a snapshot installed
      // past the whole log) it goes in one call, which an LMDB store turns into a single drop:
      // slices of removes read and rewrote every leaf (800,000 entries: 0.4 s of a restoring
      // follower's CPU and a rewrite of its log file, both contending with the leader).
      const first = this.logs.firstIndex();
      const everything = this.compactTarget >= this.writtenLast;
      writes.push(this.logs.deleteRange(first, everything ? this.compactTarget : Math.min(this.compactTarget, first + COMPACTION_SLICE - 1)));
    }
    if (!log) {
      await Promise.all(writes);
      return;
    }
    if (log.truncateFrom !== undefined && log.truncateFrom <= this.writtenLast) {
      writes.push(this.logs.deleteRange(log.truncateFrom, this.writtenLast));
      this.writtenLast = log.truncateFrom - 1;
    }
    // Issued in the same turn as the delete: an LMDB store commits both in one transaction.
    if (log.entries.length > 0) {
      writes.push(this.logs.storeLogs(log.entries));
      this.writtenLast = log.entries.at(-1)!.index;
    }
    await Promise.all(writes);
  }

  private compactionLeft(): boolean {
    const first = this.logs.firstIndex();
    return first > 0 && first <= this.compactTarget;
  }

  private releaseIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** Entries deleted per write when compacting part of the log. */
export const COMPACTION_SLICE = 8192;

const EMPTY_BATCH: PersistBatch = { hardState: undefined, log: undefined, after: [] };

/** Folds queued batches into one write with the same end state. */
function mergeBatches(batches: PersistBatch[]): PersistBatch {
  if (batches.length === 1) return batches[0]!;
  let hardState: HardState | undefined;
  let truncateFrom: number | undefined;
  let compactThrough: number | undefined;
  let entries: LogEntry[] = [];
  let hasLog = false;
  const after: RaftMessage[] = [];
  for (const b of batches) {
    if (b.hardState) hardState = b.hardState;
    if (b.log) {
      hasLog = true;
      if (b.log.compactThrough !== undefined) compactThrough = Math.max(compactThrough ?? 0, b.log.compactThrough);
      if (b.log.truncateFrom !== undefined) {
        const cut = b.log.truncateFrom;
        entries = entries.filter((e) => e.index < cut);
        truncateFrom = Math.min(truncateFrom ?? Infinity, cut);
      }
      entries = entries.concat(b.log.entries);
    }
    after.push(...b.after);
  }
  return { hardState, log: hasLog ? { compactThrough, truncateFrom, entries } : undefined, after };
}
