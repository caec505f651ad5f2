/**
 * The digests a replica took at checkpoint entries (CheckpointCommand), kept by checkpoint id for
 * the admin's `check` to collect. Only the newest few are kept: a check asks for its own
 * checkpoint within seconds of proposing it.
 */
/** The whole replicated state in one hash, with the index it is at. */
export interface MetaDigest {
  readonly appliedIndex: number;
  readonly records: number;
  /** sha256 over every database's records in order, and the applied index. */
  readonly hash: string;
}

const KEPT = 16;

export class CheckpointDigests {
  private readonly taken = new Map<string, Promise<MetaDigest>>();
  private readonly waiting = new Map<string, Set<(digest: Promise<MetaDigest>) => void>>();

  /** Records the digest being taken at checkpoint `id`. */
  add(id: string, digest: Promise<MetaDigest>): void {
    // The caller may never ask (its call timed out): a failed digest must not be an unhandled rejection.
    digest.catch(() => undefined);
    this.taken.set(id, digest);
    if (this.taken.size > KEPT) this.taken.delete(this.taken.keys().next().value as string);
    const waiters = this.waiting.get(id);
    this.waiting.delete(id);
    for (const w of waiters ?? []) w(digest);
  }

  /**
   * The digest of checkpoint `id`, once this replica has applied it. Rejects when `signal` aborts
   * first (a replica that installed a snapshot past the checkpoint never applies it).
   */
  get(id: string, signal: AbortSignal): Promise<MetaDigest> {
    const known = this.taken.get(id);
    if (known !== undefined) return known;
    return new Promise<MetaDigest>((resolve, reject) => {
      let set = this.waiting.get(id);
      if (set === undefined) this.waiting.set(id, (set = new Set()));
      const waiter = (digest: Promise<MetaDigest>): void => {
        signal.removeEventListener('abort', onAbort);
        digest.then(resolve, reject);
      };
      const onAbort = (): void => {
        set.delete(waiter);
        if (set.size === 0) this.waiting.delete(id);
        reject(signal.reason instanceof Error ? signal.reason : new Error(`checkpoint ${id} was not applied here in time`));
      };
      if (signal.aborted) return onAbort();
      set.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
