import type { ReadFailure, ReadState } from '../core/ready';
import type { RaftError } from '../errors';
import type { Waiter } from './waiters';

interface PendingRead {
  readonly waitForApply: boolean;
  readonly waiter: Waiter<number>;
}

/**
 * Callers waiting on read index: settled once a quorum confirmed leadership and (for readIndex)
 * the FSM has applied the read's index, so a read of the FSM then sees every earlier write.
 */
export class PendingReads {
  private readonly pending = new Map<number, PendingRead>();
  private waitingForApply: ReadState[] = [];

  get size(): number {
    return this.pending.size;
  }

  add(requestId: number, waitForApply: boolean, waiter: Waiter<number>): void {
    this.pending.set(requestId, { waitForApply, waiter });
  }

  forget(requestId: number): void {
    this.pending.delete(requestId);
  }

  confirmed(states: readonly ReadState[], appliedIndex: number): void {
    for (const r of states) {
      const read = this.pending.get(r.requestId);
      if (!read) continue;
      if (!read.waitForApply || appliedIndex >= r.index) this.settle(r);
      else this.waitingForApply.push(r);
    }
  }

  failed(failures: readonly ReadFailure[], errorFor: (reason: ReadFailure['reason']) => RaftError): void {
    for (const f of failures) {
      const read = this.pending.get(f.requestId);
      if (!read) continue;
      this.pending.delete(f.requestId);
      read.waiter.fail(errorFor(f.reason));
    }
  }

  applied(appliedIndex: number): void {
    if (this.waitingForApply.length === 0) return;
    const still: ReadState[] = [];
    for (const r of this.waitingForApply) {
      if (!this.pending.has(r.requestId)) continue;
      if (r.index <= appliedIndex) this.settle(r);
      else still.push(r);
    }
    this.waitingForApply = still;
  }

  failAll(error: RaftError): void {
    for (const [, read] of this.pending) read.waiter.fail(error);
    this.pending.clear();
    this.waitingForApply = [];
  }

  private settle(r: ReadState): void {
    const read = this.pending.get(r.requestId)!;
    this.pending.delete(r.requestId);
    read.waiter.settle(r.index);
  }
}
