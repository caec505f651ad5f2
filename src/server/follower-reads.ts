/**
 * Linearizable reads served by a follower: it asks the leader for a read index (the ReadIndex
 * RPC; the leader confirms its leadership with a quorum first) and answers from its own state once
 * it has applied that index. Spreads the per-call cost of reads over every MetaServer.
 *
 * Batching: while one request to the leader is on its way, reads arriving meanwhile wait for the
 * next one, which leaves when the current one is answered and serves all of them. A read must
 * never use an index asked for before it arrived: that index may miss a write acknowledged
 * between the question and the read's arrival.
 */
import { unavailable } from './service-error';

export interface FollowerReadsOptions {
  /** Asks the current leader for a read index. */
  readonly askLeader: () => Promise<number>;
  readonly appliedIndex: () => number;
  /** Subscribes to applied-index changes; returns the unsubscribe. */
  readonly onApplied: (listener: (index: number) => void) => () => void;
  /** A follower further behind than this (in time) answers UNAVAILABLE instead of waiting. */
  readonly maxApplyWaitMs: number;
}

export class FollowerReads {
  private current: Promise<number> | undefined;
  private queued: Promise<number> | undefined;

  constructor(private readonly options: FollowerReadsOptions) {}

  /** Resolves once this node has applied a read index obtained after the call. */
  async barrier(): Promise<void> {
    await this.appliedAtLeast(await this.readIndex());
  }

  private readIndex(): Promise<number> {
    if (this.current === undefined) return (this.current = this.send());
    const sentBefore = this.current;
    this.queued ??= sentBefore.then(
      () => this.sendQueued(),
      () => this.sendQueued(),
    );
    return this.queued;
  }

  private sendQueued(): Promise<number> {
    this.queued = undefined;
    return (this.current = this.send());
  }

  private send(): Promise<number> {
    const asked = this.options.askLeader();
    const clear = (): void => {
      if (this.current === asked) this.current = undefined;
    };
    asked.then(clear, clear);
    return asked;
  }

  private appliedAtLeast(index: number): Promise<void> {
    if (this.options.appliedIndex() >= index) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(unavailable(`this MetaServer is behind the leader (applied ${this.options.appliedIndex()}, needs ${index}); ask again or ask the leader`));
      }, this.options.maxApplyWaitMs);
      const off = this.options.onApplied((applied) => {
        if (applied < index) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }
}
