import type { LogEntry, Raft } from '../../../src/raft/index';
import { fingerprint } from './chain-hash';

/** The slice of a node the checker reads: its log (entries below `first` are compacted away). */
export interface ObservedLog {
  readonly id: string;
  readonly raft: Raft<unknown>;
  readonly first: number;
  readonly last: number;
}

/**
 * Raft's safety properties (Figure 3), checked while the simulation runs:
 * election safety (one leader per term), leader completeness (a new leader holds every entry
 * known committed that it has not compacted into a snapshot), state machine safety (every
 * replica applies the same entry at an index, and a replica restored from a snapshot holds
 * exactly the history the others applied up to its index), and log matching.
 *
 * Log matching ("same index and term, same log up to there") is checked entry by entry: an
 * (index, term) must always carry the same content and follow the same previous term. By
 * induction that is the whole-prefix property, and it needs only two neighbouring entries, so it
 * still holds where the log before them was compacted away.
 */
export class SafetyChecker {
  readonly violations: string[] = [];
  private readonly leaders = new Map<number, string>();
  private readonly committed: string[] = [''];
  private readonly applied = new Map<number, string>();
  /** index -> hash chain of every entry applied up to it, as first seen on any replica. */
  private readonly appliedChains = new Map<number, string>();
  private readonly seenCommit = new Map<string, number>();
  /** Per node: the terms of its log as last seen (index 0 unused). */
  private readonly terms = new Map<string, number[]>();
  /** `index/term` -> content fingerprint and previous entry's term, as first seen on any node. */
  private readonly entryByKey = new Map<string, { fp: string; prevTerm: number | undefined }>();

  violation(text: string): void {
    if (this.violations.length < 20) this.violations.push(text);
  }

  onLeader(id: string, term: number, raft: Raft<unknown>): void {
    const previous = this.leaders.get(term);
    if (previous !== undefined && previous !== id) this.violation(`election safety: ${previous} and ${id} both led term ${term}`);
    this.leaders.set(term, id);
    const first = raft.stats().firstLogIndex;
    for (let i = Math.max(1, first); i < this.committed.length; i++) {
      const e = raft.logEntry(i);
      if (!e || fingerprint(e) !== this.committed[i]) {
        this.violation(`leader completeness: ${id} leads term ${term} without committed entry ${i}`);
        return;
      }
    }
  }

  onApply(id: string, entry: LogEntry, chain: string): void {
    const fp = fingerprint(entry);
    const other = this.applied.get(entry.index);
    if (other === undefined) this.applied.set(entry.index, fp);
    else if (other !== fp) this.violation(`state machine safety: ${id} applied a different entry at index ${entry.index}`);
    this.checkChain(id, entry.index, chain, 'applied');
  }

  /** A replica's FSM was replaced by a snapshot covering up to `index`. */
  onRestore(id: string, index: number, chain: string): void {
    this.checkChain(id, index, chain, 'restored a snapshot of');
  }

  private checkChain(id: string, index: number, chain: string, what: string): void {
    const seen = this.appliedChains.get(index);
    if (seen === undefined) this.appliedChains.set(index, chain);
    else if (seen !== chain)
      this.violation(`state machine safety: ${id} ${what} a history up to ${index} that differs from another replica's`);
  }

  /** Records entries newly committed on `id` and checks they agree with what others committed. */
  observeCommit(id: string, raft: Raft<unknown>, commitIndex: number, firstIndex: number): void {
    const from = Math.max((this.seenCommit.get(id) ?? 0) + 1, firstIndex);
    if (commitIndex < from) return;
    this.seenCommit.set(id, commitIndex);
    for (let i = from; i <= commitIndex; i++) {
      const e = raft.logEntry(i);
      if (!e) {
        this.violation(`commit beyond log: ${id} has commit ${commitIndex} but no entry ${i}`);
        return;
      }
      const fp = fingerprint(e);
      if (i < this.committed.length) {
        if (this.committed[i] !== fp) this.violation(`state machine safety: ${id} committed a different entry at index ${i}`);
      } else if (i === this.committed.length) {
        this.committed.push(fp);
      }
    }
  }

  /**
   * Log matching after every step, incrementally: whatever changed since the last step is found
   * by walking back from the end until the terms agree with what was seen before (or the log's
   * compacted start), and only that suffix is checked.
   */
  observeLog(log: ObservedLog): void {
    const { id, raft, first, last } = log;
    let terms = this.terms.get(id);
    if (!terms) this.terms.set(id, (terms = [0]));
    let from = Math.min(last, terms.length - 1);
    while (from >= first && from > 0 && raft.logEntry(from)?.term !== terms[from]) from--;
    if (from < first - 1) from = first - 1;
    terms.length = from + 1;
    for (let i = from + 1; i <= last; i++) {
      const e = raft.logEntry(i);
      if (!e) return;
      terms[i] = e.term;
      const prevTerm = i === 1 ? 0 : i > first ? terms[i - 1] : undefined;
      this.checkEntry(id, e, prevTerm);
    }
  }

  private checkEntry(id: string, e: LogEntry, prevTerm: number | undefined): void {
    const key = `${e.index}/${e.term}`;
    const fp = fingerprint(e);
    const seen = this.entryByKey.get(key);
    if (seen === undefined) {
      this.entryByKey.set(key, { fp, prevTerm });
      return;
    }
    if (seen.fp !== fp) this.violation(`log matching: ${id} holds entry ${key} with content that differs from another log's`);
    else if (seen.prevTerm !== undefined && prevTerm !== undefined && seen.prevTerm !== prevTerm) {
      this.violation(`log matching: ${id} holds entry ${key} after term ${prevTerm}, another log after term ${seen.prevTerm}`);
    } else if (seen.prevTerm === undefined && prevTerm !== undefined) {
      seen.prevTerm = prevTerm;
    }
  }

  /** A restarted node re-learns its commit index from scratch. */
  forgetCommit(id: string): void {
    this.seenCommit.delete(id);
  }

  /** Log matching over every pair of logs: same (index, term) implies identical entries down to where either was compacted. */
  checkLogMatching(logs: readonly ObservedLog[]): void {
    for (let a = 0; a < logs.length; a++) {
      for (let b = a + 1; b < logs.length; b++) {
        const x = logs[a]!;
        const y = logs[b]!;
        const floor = Math.max(x.first, y.first, 1);
        let i = Math.min(x.last, y.last);
        while (i >= floor && x.raft.logEntry(i)?.term !== y.raft.logEntry(i)?.term) i--;
        for (; i >= floor; i--) {
          const ex = x.raft.logEntry(i);
          const ey = y.raft.logEntry(i);
          if (!ex || !ey || fingerprint(ex) !== fingerprint(ey)) {
            this.violation(`log matching: ${x.id} and ${y.id} differ at index ${i} below a common entry`);
            return;
          }
        }
      }
    }
  }

  committedCount(): number {
    return this.committed.length - 1;
  }
}
