/**
 * The snapshot side of an FSM kept in one LMDB environment, shared by the namespace FSM and the
 * benchmarks' key-value FSM: snapshots are copies of the environment file (environment-copy.ts),
 * and a restore swaps the received file in for the environment's.
 *
 * The FSM owns the environment; this class reaches it through `current()` and hands a reopened
 * one to `replaced()`. It keeps what a swap must wait for (copies being streamed, digests being
 * hashed) and which snapshots a swap made stale, and it cleans the scratch a crash left behind.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptionError, type FSMSnapshot } from '../raft';
import { installEnvironmentCopy, receiveEnvironmentCopy, writeEnvironmentCopy } from './environment-copy';
import type { WorkTracker } from './work-tracker';

/** Scratch directories inside the environment's: copies being streamed, and a restore's file. */
const COPY_SCRATCH_PREFIX = 'snapshot-copy-';
const RESTORE_SCRATCH = 'incoming';
/** Where a snapshot offered by an operator is unpacked to be checked (inspect()). */
const INSPECT_SCRATCH = 'inspecting';
/** Where an operator's snapshot is kept while it is checked and restored (see uploadPath()). */
export const UPLOAD_SCRATCH = 'uploaded.snapshot';

export interface CopyableRoot {
  close(): Promise<void>;
}

export interface EnvironmentSnapshotsHost<E> {
  /** The environment's directory (LMDB's `path`). */
  readonly dir: string;
  readonly chunkBytes: number;
  /** How fast a restore writes the received file (receiveEnvironmentCopy's default when absent). */
  readonly restoreBytesPerSec?: number;
  /** The FSM's work: persist and restore run under it, and stop when it closes. */
  readonly work: WorkTracker;
  current(): E;
  root(env: E): CopyableRoot;
  /** The environment is about to close for the swap (readers should fail cleanly until replaced()). */
  withdraw(): void;
  /** Opens the environment in `dir` again (after the swap). */
  reopen(): E;
  replaced(env: E): void;
  /** Opens the environment in `dir` read-only (a received copy being checked). */
  openCopy(dir: string): E;
  /** The applied index an environment records (anything but a positive integer: it holds no state of this FSM). */
  appliedIndex(env: E): unknown;
}

export class EnvironmentSnapshots<E> {
  private readonly readers = new Set<Promise<unknown>>();
  private copyCount = 0;
  /** Counts restores: a snapshot taken before one must not copy the state that replaced its own. */
  private generation = 0;

  constructor(private readonly host: EnvironmentSnapshotsHost<E>) {}

  /** Call before opening the environment: scratch a crash left (a copy half streamed, a restore not swapped in) is no state. */
  static removeScratch(dir: string): void {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name === RESTORE_SCRATCH || name === INSPECT_SCRATCH || name === UPLOAD_SCRATCH || name.startsWith(COPY_SCRATCH_PREFIX)) rmSync(join(dir, name), { recursive: true, force: true });
    }
  }

  /**
   * A snapshot of the environment as it is when persist() starts its copy. The FSM calls this once
   * every batch handed over so far has committed, so the copy is never behind Raft's label.
   */
  snapshot(): FSMSnapshot {
    const generation = this.generation;
    const { host } = this;
    const persist = (write: (chunk: Uint8Array) => Promise<void>): Promise<void> =>
      host.work.run('persist', () => {
        if (generation !== this.generation) return Promise.reject(new Error(`${host.dir}: a restore replaced the state this snapshot was taken of`));
        const scratch = join(host.dir, `${COPY_SCRATCH_PREFIX}${++this.copyCount}`);
        return this.reading(writeEnvironmentCopy(host.dir, scratch, write, host.chunkBytes, () => host.work.check('persist')));
      });
    return { persist, release: () => undefined };
  }

  /**
   * Receives a copy and swaps it in; resolves with its applied index. A damaged stream throws
   * (CorruptionError) before anything changes. `quiesce` runs right before the environment is
   * closed (the FSM lets its own writes settle).
   */
  async restore(chunks: AsyncIterable<Uint8Array>, quiesce: () => Promise<void>): Promise<number> {
    const { host } = this;
    const incoming = join(host.dir, RESTORE_SCRATCH);
    await receiveEnvironmentCopy(chunks, incoming, () => host.work.check('restore'), host.restoreBytesPerSec);
    let applied: number;
    try {
      applied = await this.appliedIndexOfCopy(incoming);
    } catch (error) {
      rmSync(incoming, { recursive: true, force: true });
      throw error;
    }
    this.generation++;
    await Promise.allSettled([...this.readers]);
    await quiesce();
    const root = host.root(host.current());
    host.withdraw();
    await root.close();
    try {
      await installEnvironmentCopy(incoming, host.dir);
    } finally {
      // Whichever data file is in place now: the new one, unless the rename failed.
      host.replaced(host.reopen());
    }
    return applied;
  }

  /**
   * Unpacks `chunks` (a snapshot in this format) into scratch, checks that it opens as this FSM's
   * state and returns its applied index; changes nothing (CorruptionError for what is not one).
   */
  async inspect(chunks: AsyncIterable<Uint8Array>): Promise<number> {
    const scratch = join(this.host.dir, INSPECT_SCRATCH);
    try {
      await receiveEnvironmentCopy(chunks, scratch, () => this.host.work.check('inspect'), Number.MAX_SAFE_INTEGER);
      return await this.appliedIndexOfCopy(scratch);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  /** Opens a received copy read-only and reads its applied index: what is not a state of this FSM is corrupt. */
  private async appliedIndexOfCopy(dir: string): Promise<number> {
    const { host } = this;
    let env: E;
    try {
      env = host.openCopy(dir);
    } catch (error) {
      throw new CorruptionError(`environment copy does not open as this FSM's state: ${String(error)}`);
    }
    try {
      const applied = host.appliedIndex(env);
      if (typeof applied !== 'number' || !Number.isSafeInteger(applied) || applied < 1) {
        throw new CorruptionError(`environment copy holds no state (applied index ${String(applied)})`);
      }
      return applied;
    } catch (error) {
      throw error instanceof CorruptionError ? error : new CorruptionError(`environment copy does not read as this FSM's state: ${String(error)}`);
    } finally {
      await host.root(env).close();
    }
  }

  /** Remembers `work`, which reads the environment across awaits, so a swap waits for it. */
  reading<T>(work: Promise<T>): Promise<T> {
    this.readers.add(work);
    const forget = (): void => {
      this.readers.delete(work);
    };
    work.then(forget, forget);
    return work;
  }
}

/**
 * How many leading entries of the batch `first..last` to skip as already held, or undefined when
 * the batch neither continues `handed` nor only repeats entries up to `heldThrough` (the index the
 * environment held when opened or restored, which may be past where Raft resumes).
 */
export function heldEntries(first: number, last: number, count: number, handed: number, heldThrough: number): number | undefined {
  if (last !== first + count - 1 || first < 1) return undefined;
  if (first === handed + 1) return 0;
  if (first <= handed && Math.min(last, handed) <= heldThrough) return Math.min(last, handed) - first + 1;
  return undefined;
}
