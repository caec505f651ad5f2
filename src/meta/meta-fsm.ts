/**
 * The namespace FSM: Raft's state machine for minfs, on its own LMDB environment.
 *
 * - Each apply batch is one LMDB write transaction holding every change of the batch and the
 *   index of its last entry, so appliedIndex() is exactly what is committed with the data.
 * - Applies are pipelined: applyBatch resolves with the results as soon as its transaction's
 *   callback has run, without waiting for the commit, so Raft hands over the next batch at once and
 *   lmdb-js commits the queued batches together. (Waiting for each commit tied every batch to the
 *   previous commit's fsync: 5-8 ms per batch under load.) Nothing acknowledged can be lost by it:
 *   the entries are already committed in the Raft log, and appliedIndex() reports only what LMDB
 *   has committed, so Raft neither compacts past it nor skips replaying it after a restart. Readers
 *   that must see a batch wait for committedAtLeast(index) (or settled()).
 * - The entry at index 1 (the cluster's bootstrap configuration, whatever its type) creates the
 *   root directory: every replica makes it at the same point of the log, none outside it.
 * - Snapshots are LMDB's copy of the environment, made on a worker thread and
 *   streamed as a file (environment-copy.ts); restore() receives the file, checks it opens as a
 *   namespace, and swaps it in for the data file by one rename. A restore cut short or damaged
 *   changes nothing. A copy may hold batches committed after the index Raft labels it with, so
 *   the FSM skips the entries Raft then hands over that the state already holds (only those: any
 *   other gap or repeat is a Raft bug and stops the node).
 * - Reads (the NamespaceReader) come from LMDB read transactions; nothing of the namespace lives
 *   in the JS heap.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { LogType, type FSM, type FSMSnapshot, type LogEntry, type RestorePoint } from '../raft';
import type { Transaction } from 'lmdb';
import { CheckpointDigests, type MetaDigest } from './checkpoint-digests';
import { applyEncodedCommand } from './command-applier';
import { isCheckpointCommand } from './commands';
import { EnvironmentSnapshots, UPLOAD_SCRATCH, heldEntries } from './environment-snapshots';
import { APPLIED_KEY, DATABASE_NAMES, openMetaEnvironment, type MetaEnvironment, type MetaEnvironmentOptions } from './meta-environment';
import { NamespaceState } from './namespace-state';
import type { MetaResult } from './results';
import { WorkTracker } from './work-tracker';

const MiB = 1 << 20;
/** Records hashed between two yields of digest(). */
const DIGEST_YIELD_EVERY = 20_000;
function isCheckpointEntry(entry: LogEntry): boolean {
  return entry.type === LogType.Command && isCheckpointCommand(entry.data);
}

/** The result of an entry skipped because the state already holds it (no client waits for it). */
const ALREADY_HELD: MetaResult = { ok: true };

export interface MetaFsmOptions extends MetaEnvironmentOptions {
  /** Size of the chunks persist() writes. Default 1 MiB. */
  readonly snapshotChunkBytes?: number;
  /** How fast restore() writes the received copy to disk. Default 64 MiB/s (Raft's transfer default). */
  readonly restoreBytesPerSec?: number;
}

export type { MetaDigest } from './checkpoint-digests';

export class MetaFsm implements FSM<MetaResult> {
  readonly state: NamespaceState;
  /** Index of the last entry committed to LMDB with its changes. */
  private applied: number;
  /** Index of the last entry whose transaction callback has run (committed or about to be). */
  private handed: number;
  /** The newest batch's commit (resolves when everything handed so far is committed). */
  private lastCommit: Promise<void> = Promise.resolve();
  /** A failed commit: the state on disk misses handed entries, so nothing may be applied after it. */
  private commitFailure: Error | undefined;
  /**
   * Entries up to this index may be handed over again and are skipped: the index the environment
   * held when opened or restored, which may be past where Raft resumes (see the header).
   */
  private heldThrough: number;
  private readonly work = new WorkTracker('meta-fsm');
  private readonly snapshots: EnvironmentSnapshots<MetaEnvironment>;
  private readonly appliedListeners = new Set<(index: number) => void>();
  private readonly checkpoints = new CheckpointDigests();
  /** Set while a batch cut at a checkpoint is being worked through (see applyFresh). */
  private afterCut: Promise<void> | undefined;
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly dir: string,
    env: MetaEnvironment,
    options: MetaFsmOptions,
  ) {
    this.state = new NamespaceState(env);
    this.snapshots = new EnvironmentSnapshots({
      dir,
      chunkBytes: options.snapshotChunkBytes ?? MiB,
      ...(options.restoreBytesPerSec === undefined ? {} : { restoreBytesPerSec: options.restoreBytesPerSec }),
      work: this.work,
      current: () => this.state.env,
      root: (e) => e.root,
      withdraw: () => this.state.withdrawEnvironment(),
      reopen: () => openMetaEnvironment(dir, options),
      replaced: (e) => this.state.replaceEnvironment(e),
      openCopy: (copy) => openMetaEnvironment(copy, { readOnly: true }),
      appliedIndex: (e) => e.state.get(APPLIED_KEY),
    });
    this.applied = this.state.appliedIndex();
    this.handed = this.applied;
    this.heldThrough = this.applied;
  }

  /** Opens (creating if needed) the namespace environment in `dir`. */
  static open(dir: string, options: MetaFsmOptions = {}): MetaFsm {
    EnvironmentSnapshots.removeScratch(dir);
    return new MetaFsm(dir, openMetaEnvironment(dir, options), options);
  }

  private get env(): MetaEnvironment {
    return this.state.env;
  }

  appliedIndex(): number {
    return this.applied;
  }

  /** Calls `listener` with the applied index after every batch and restore; returns the unsubscribe. */
  onApplied(listener: (index: number) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  applyBatch(entries: readonly LogEntry[]): Promise<MetaResult[]> {
    return this.work.run('applyBatch', () => this.applyInOneTransaction(entries));
  }

  /** Resolves once every batch handed over so far is committed. */
  settled(): Promise<void> {
    if (this.afterCut !== undefined) return this.afterCut.then(() => this.settled());
    return this.lastCommit;
  }

  /** Resolves once the entries up to `index` are committed (at once if they already are). */
  committedAtLeast(index: number): Promise<void> {
    if (this.applied >= index) return Promise.resolve();
    if (this.afterCut !== undefined) return this.afterCut.then(() => this.committedAtLeast(index));
    if (this.handed >= index) return this.lastCommit;
    return new Promise<void>((resolve) => {
      const off = this.onApplied((applied) => {
        if (applied < index) return;
        off();
        resolve();
      });
    });
  }

  async apply(entry: LogEntry): Promise<MetaResult> {
    return (await this.applyBatch([entry]))[0]!;
  }

  private applyInOneTransaction(entries: readonly LogEntry[]): Promise<MetaResult[]> {
    if (this.commitFailure !== undefined) return Promise.reject(this.commitFailure);
    if (entries.length === 0) return Promise.resolve([]);
    const first = entries[0]!.index;
    const last = entries.at(-1)!.index;
    // Raft hands every entry after the applied index over exactly once, except the ones a restored
    // copy or the environment at open already held; anything else would skew the state silently,
    // so it stops the node (a throw is fatal to Raft).
    const held = heldEntries(first, last, entries.length, this.handed, this.heldThrough);
    if (held === undefined) {
      return Promise.reject(
        new Error(`meta-fsm: batch ${first}..${last} (${entries.length} entries) does not continue applied index ${this.handed}`),
      );
    }
    if (held === 0) return this.applyFresh(entries);
    const skipped = entries.slice(0, held).map(() => ALREADY_HELD);
    if (held === entries.length) return Promise.resolve(skipped);
    return this.applyFresh(entries.slice(held)).then((results) => [...skipped, ...results]);
  }

  /**
   * Applies `entries` in one transaction, except that a checkpoint entry ends its transaction:
   * once that commits, and before anything after it is applied, the state is pinned in a read
   * transaction and hashed (off the apply path). Every replica thus hashes the state at exactly
   * the checkpoint's index, whatever its batches were. Checkpoints are told apart by their first
   * byte (encodeCommand), so batches without one pay nothing. Batches handed over while a cut is
   * being worked through wait for it, in order.
   */
  private applyFresh(entries: readonly LogEntry[]): Promise<MetaResult[]> {
    this.handed = entries.at(-1)!.index;
    if (this.afterCut === undefined) return this.applyWithCuts(entries);
    const applied = this.afterCut.then(() => this.applyWithCuts(entries));
    this.gateOn(applied);
    return applied;
  }

  private applyWithCuts(entries: readonly LogEntry[]): Promise<MetaResult[]> {
    const cut = entries.findIndex(isCheckpointEntry);
    if (cut < 0) return this.commitBatch(entries);
    const rest = entries.slice(cut + 1);
    const applied = this.commitBatch(entries.slice(0, cut + 1)).then(async (results) => {
      await this.lastCommit;
      // The head did not reach the disk: nothing may be applied on top of the state that lacks it.
      if (this.commitFailure !== undefined) throw this.commitFailure;
      const result = results[cut]!;
      if ('checkpoint' in result) this.checkpoints.add(result.checkpoint, this.digestPinned());
      return rest.length === 0 ? results : [...results, ...(await this.applyWithCuts(rest))];
    });
    this.gateOn(applied);
    return applied;
  }

  /** Later batches, and readers waiting for commits, wait for `work` (a cut being worked through). */
  private gateOn(work: Promise<unknown>): void {
    const gate = work.then(
      () => undefined,
      () => undefined,
    );
    this.afterCut = gate;
    void gate.then(() => {
      if (this.afterCut === gate) this.afterCut = undefined;
    });
  }

  private commitBatch(entries: readonly LogEntry[]): Promise<MetaResult[]> {
    const first = entries[0]!.index;
    const last = entries.at(-1)!.index;
    return new Promise<MetaResult[]>((resolve, reject) => {
      const commit = this.env.root.transaction(() => {
        try {
          if (first === 1) this.state.ensureRootSync();
          const out = entries.map((e): MetaResult => (e.type === LogType.Command ? applyEncodedCommand(this.state, e.data) : { ok: true }));
          this.state.setAppliedIndexSync(last);
          resolve(out);
        } catch (error: unknown) {
          reject(error instanceof Error ? error : new Error(String(error)));
          throw error;
        }
      });
      this.lastCommit = this.work.run('commit', () =>
        commit.then(
          () => this.setApplied(last),
          (error: unknown) => {
            this.commitFailure = new Error(`meta-fsm: commit of batch ${first}..${last} failed: ${String(error)}`);
            reject(this.commitFailure);
          },
        ),
      );
    });
  }

  /**
   * Raft takes it between two batches. It lets the batches handed over so far commit, so the copy
   * persist() makes (on a worker thread, while applies continue) is never behind Raft's label, and
   * reach the disk (lmdb-js's overlapping sync flushes after the commit): a deferred snapshot, one
   * that stores only its label (Config.deferSnapshotCopies), stands for this state after a crash
   * of the machine too.
   */
  async snapshot(): Promise<FSMSnapshot> {
    this.work.check('snapshot');
    await this.settled();
    await this.state.env.root.flushed;
    this.work.check('snapshot');
    return this.snapshots.snapshot();
  }

  /**
   * Receives the copy into a scratch file, checks that it opens as a namespace, then swaps it in.
   * Anything wrong with the stream throws before the state is touched (CorruptionError for a
   * damaged one).
   *
   * `at` is the log position the state now stands for. A copy from Raft's own snapshots holds an
   * applied index at or past it (a copy may hold batches committed after its label), and the
   * entries up to that index are skipped when Raft hands them over. A user restore (an operator's
   * saved snapshot) places the state past the whole log: the copy's own index is behind `at`, and
   * the state records `at`, so the next entry continues it here and after a restart.
   */
  restore(chunks: AsyncIterable<Uint8Array>, at?: RestorePoint): Promise<void> {
    return this.work.run('restore', async () => {
      await this.settled();
      let applied = await this.snapshots.restore(chunks, () => this.settled());
      if (at !== undefined && at.index > applied) {
        await this.env.root.transaction(() => this.state.setAppliedIndexSync(at.index));
        await this.env.root.flushed;
        applied = at.index;
      }
      this.heldThrough = applied;
      this.handed = applied;
      this.setApplied(applied);
    });
  }

  /** A scratch file beside the state for an operator's snapshot being restored (removed at the next open if left). */
  uploadPath(): string {
    return join(this.dir, UPLOAD_SCRATCH);
  }

  /** The applied index held by `chunks`, a snapshot in this FSM's format; CorruptionError when it is not one. Changes nothing. */
  inspectSnapshot(chunks: AsyncIterable<Uint8Array>): Promise<number> {
    return this.work.run('inspect', () => this.snapshots.inspect(chunks));
  }

  /** Hashes every database in order, from one read transaction, with the applied index. */
  digest(): Promise<MetaDigest> {
    return this.work.run('digest', () =>
      this.snapshots.reading(
        (async () => {
          await this.settled();
          return this.hashState(this.env.root.useReadTransaction());
        })(),
      ),
    );
  }

  /**
   * The digest taken at checkpoint `id` (CheckpointCommand), once this replica has applied it;
   * rejects when `signal` aborts first.
   */
  checkpointDigest(id: string, signal: AbortSignal): Promise<MetaDigest> {
    return this.checkpoints.get(id, signal);
  }

  /** Pins the state as it is now (synchronously) and hashes it. */
  private digestPinned(): Promise<MetaDigest> {
    const transaction = this.env.root.useReadTransaction();
    return this.work.run('digest', () => this.snapshots.reading(this.hashState(transaction)));
  }

  private hashState(transaction: Transaction): Promise<MetaDigest> {
    return (async () => {
      try {
        const hash = createHash('sha256');
        const appliedIndex = this.env.state.get('applied', { transaction }) ?? 0;
        let records = 0;
        const lengths = Buffer.alloc(9);
        for (let d = 0; d < DATABASE_NAMES.length; d++) {
          for (const { key, value } of this.env.raw[DATABASE_NAMES[d]!].getRange({ transaction })) {
            lengths.writeUInt8(d, 0);
            lengths.writeUInt32BE(key.length, 1);
            lengths.writeUInt32BE(value.length, 5);
            hash.update(lengths);
            hash.update(key);
            hash.update(value);
            if (++records % DIGEST_YIELD_EVERY === 0) {
              await new Promise((resolve) => setImmediate(resolve));
              this.work.check('digest');
            }
          }
        }
        hash.update(String(appliedIndex));
        return { appliedIndex, records, hash: hash.digest('hex') };
      } finally {
        transaction.done();
      }
    })();
  }

  /** Refuses new work, lets work under way settle, closes the environment. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.work.close();
      await this.env.root.close();
    })();
    return this.closed;
  }

  private setApplied(index: number): void {
    this.applied = index;
    if (this.handed < index) this.handed = index;
    for (const listener of this.appliedListeners) listener(index);
  }
}
