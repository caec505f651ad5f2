import type { LogEntry, Raft } from '../../../src/raft/index';

/** A short, well-mixed hash of (previous prefix hash, entry): FNV-1a over both, 2 x 32 bits. */
function chainHash(previous: string, entry: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const text = previous + '|' + entry;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(36) + '.' + b.toString(36);
}

function fingerprint(e: LogEntry): string {
  return `${e.type}/${e.term}/${Buffer.from(e.data).toString('latin1')}`;
}

/**
 * Raft's safety properties (Figure 3), checked while the simulation runs:
 * election safety (one leader per term), leader completeness (a new leader holds every entry
 * known committed), state machine safety (every replica applies the same entry at an index),
 * and log matching (logs that agree on an entry's term agree on everything before it).
 */
export class SafetyChecker {
  readonly violations: string[] = [];
  private readonly leaders = new Map<number, string>();
  private readonly committed: string[] = [''];
  private readonly applied = new Map<number, string>();
  private readonly seenCommit = new Map<string, number>();
  /** Per node: the terms and prefix hashes of its log as last seen (index 0 unused). */
  private readonly chains = new Map<string, { terms: number[]; hashes: string[] }>();
  /** (index, term) -> hash of the whole log prefix ending there, as first seen on any node. */
  private readonly prefixByEntry = new Map<string, string>();

  private violation(text: string): void {
    if (this.violations.length < 20) this.violations.push(text);
  }

  onLeader(id: string, term: number, raft: Raft<unknown>): void {
    const previous = this.leaders.get(term);
    if (previous !== undefined && previous !== id) this.violation(`election safety: ${previous} and ${id} both led term ${term}`);
    this.leaders.set(term, id);
    for (let i = 1; i < this.committed.length; i++) {
      const e = raft.logEntry(i);
      if (!e || fingerprint(e) !== this.committed[i]) {
        this.violation(`leader completeness: ${id} leads term ${term} without committed entry ${i}`);
        return;
      }
    }
  }

  onApply(id: string, entry: LogEntry): void {
    const fp = fingerprint(entry);
    const other = this.applied.get(entry.index);
    if (other === undefined) this.applied.set(entry.index, fp);
    else if (other !== fp) this.violation(`state machine safety: ${id} applied a different entry at index ${entry.index}`);
  }

  /** Records entries newly committed on `id` and checks they agree with what others committed. */
  observeCommit(id: string, raft: Raft<unknown>, commitIndex: number): void {
    const from = (this.seenCommit.get(id) ?? 0) + 1;
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
   * Log matching after every step, incrementally: each node's log is summarised by a hash chain
   * (prefix hash at every index). Whatever changed since the last step is found by walking back
   * from the end until the terms agree with what was seen before, and only that suffix is
   * re-hashed. Two logs holding the same (index, term) must have the same prefix hash there.
   */
  observeLog(id: string, raft: Raft<unknown>, lastIndex: number): void {
    let chain = this.chains.get(id);
    if (!chain) this.chains.set(id, (chain = { terms: [0], hashes: [''] }));
    let from = Math.min(lastIndex, chain.terms.length - 1);
    while (from > 0 && raft.logEntry(from)?.term !== chain.terms[from]) from--;
    chain.terms.length = from + 1;
    chain.hashes.length = from + 1;
    for (let i = from + 1; i <= lastIndex; i++) {
      const e = raft.logEntry(i);
      if (!e) return;
      const hash = chainHash(chain.hashes[i - 1]!, fingerprint(e));
      chain.terms.push(e.term);
      chain.hashes.push(hash);
      const key = `${i}/${e.term}`;
      const seen = this.prefixByEntry.get(key);
      if (seen === undefined) this.prefixByEntry.set(key, hash);
      else if (seen !== hash) this.violation(`log matching: ${id} holds entry ${key} with a prefix that differs from another log's`);
    }
  }

  /** A restarted node re-learns its commit index from scratch. */
  forgetCommit(id: string): void {
    this.seenCommit.delete(id);
  }

  /** Log matching over every pair of logs: same (index, term) implies identical prefixes. */
  checkLogMatching(logs: { id: string; raft: Raft<unknown>; last: number }[]): void {
    for (let a = 0; a < logs.length; a++) {
      for (let b = a + 1; b < logs.length; b++) {
        const x = logs[a]!;
        const y = logs[b]!;
        let i = Math.min(x.last, y.last);
        while (i > 0 && x.raft.logEntry(i)?.term !== y.raft.logEntry(i)?.term) i--;
        for (; i > 0; i--) {
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
