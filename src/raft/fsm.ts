import type { LogEntry } from './log';

/** The log position a restored state stands for: the entries after `index` come next. */
export interface RestorePoint {
  readonly index: number;
  readonly term: number;
}

/** A point-in-time view of the FSM, written out while applies continue. */
export interface FSMSnapshot {
  /** Writes the snapshot's bytes. */
  persist(write: (chunk: Uint8Array) => Promise<void>): Promise<void>;
  /** Frees whatever the snapshot held (for example a read transaction). */
  release(): void;
}

/**
 * The replicated state machine. `apply` must be deterministic: the same entries in the same
 * order give the same state and results on every replica. A refusal (e.g. "already exists")
 * is an ordinary result `R`, never a thrown error; a throw is treated as a fatal fault.
 */
export interface FSM<R = unknown> {
  /** Applies one committed `Command` entry and returns its result. */
  apply(entry: LogEntry): R | Promise<R>;
  /**
   * Optional batch form: receives consecutive committed entries of every type (so that a
   * persistent FSM can record its applied index) and returns one result per entry; results
   * for non-Command entries are ignored. Used instead of `apply` when present.
   */
  applyBatch?(entries: readonly LogEntry[]): readonly R[] | Promise<readonly R[]>;
  /**
   * Optional: a persistent FSM reports the last index whose changes it has committed, recorded in
   * the same transaction as those changes, so that a restart resumes after it instead of
   * replaying. (It may lag what the FSM has been handed; Raft never compacts the log past it.)
   */
  appliedIndex?(): number;
  /**
   * A view of the state as of every entry handed over so far. With Config.deferSnapshotCopies a
   * snapshot stores only its label when appliedIndex() has reached its index once this resolved,
   * so a persistent FSM resolves only once that state is on disk (not merely committed).
   */
  snapshot(): FSMSnapshot | Promise<FSMSnapshot>;
  /**
   * Replaces the whole state with the snapshot's. `at` is where that state sits in the log: the
   * next entry handed over is `at.index + 1`. A persistent FSM records max(the index its bytes
   * hold, at.index) as its applied index: a user restore (Raft.restore) stores bytes taken at an
   * earlier index, or in another cluster, under a new index past the log, so the bytes alone
   * would leave a gap before the next entry.
   */
  restore(chunks: AsyncIterable<Uint8Array>, at?: RestorePoint): Promise<void>;
}
