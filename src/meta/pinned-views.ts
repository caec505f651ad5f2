/**
 * The read transactions an LMDB FSM has pinned for snapshots still being written. A snapshot's
 * release() ends its transaction once; close() ends whatever Raft never released, so the
 * environment can close.
 */
export interface Pinnable {
  done(): void;
}

export class PinnedViews {
  private readonly open = new Set<() => void>();

  /** Remembers `transaction` and returns its idempotent release. */
  pin(transaction: Pinnable): () => void {
    const release = (): void => {
      if (!this.open.delete(release)) return;
      transaction.done();
    };
    this.open.add(release);
    return release;
  }

  releaseAll(): void {
    for (const release of [...this.open]) release();
  }
}
