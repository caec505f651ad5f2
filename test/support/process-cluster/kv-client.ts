/**
 * A client of a ProcessCluster's key-value store that finds the leader by itself: it sends to
 * the leader it believes in, follows a NotLeader error's hint to another live node, and
 * otherwise waits for the cluster to announce a leader. Every operation is bounded by a deadline.
 *
 * Retrying is safe here even when an attempt's outcome is unknown (leadership lost, the node
 * died, a timeout): `put(k, v)` and `del(k)` are idempotent as long as a key has one writer at a
 * time, which is the caller's business. A resolved put/del is an acknowledged write.
 */
import { NodeRequestError } from './node-process';
import type { ProcessCluster } from './process-cluster';
import type { NodeRequest, NodeResults } from './protocol';

/** Errors after which another attempt (perhaps on another node) may succeed. */
const RETRYABLE: ReadonlySet<string> = new Set([
  'not-leader',
  'leadership-lost',
  'leadership-transfer',
  'shutdown',
  'timeout',
  'overloaded',
  'node-exited',
  'ipc-timeout',
]);

/** Hops along NotLeader hints before falling back to the cluster's announcements. */
const MAX_HINT_HOPS = 3;

export interface KvClientOptions {
  /** Bound on one operation, all attempts included. Default 20 s. */
  readonly deadlineMs?: number;
  /** The node to try first (default: the announced leader). */
  readonly firstTarget?: string;
}

/** How an operation went: the node that acknowledged it and the attempts it took. */
export interface Ack<T> {
  readonly value: T;
  readonly node: string;
  readonly attempts: number;
  /** performance.now() when the acknowledgement arrived. */
  readonly at: number;
}

type KvOp = 'put' | 'del' | 'get';

export class KvClient {
  /** Failed attempts that were retried, by error code (diagnostics). */
  readonly retried = new Map<string, number>();
  private target: string | undefined;
  private readonly deadlineMs: number;

  constructor(
    private readonly cluster: ProcessCluster,
    options: KvClientOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 20_000;
    this.target = options.firstTarget;
  }

  put(key: string, value: string): Promise<Ack<null>> {
    return this.run<'put'>({ op: 'put', key, value }, `put ${key}`);
  }

  del(key: string): Promise<Ack<null>> {
    return this.run<'del'>({ op: 'del', key }, `del ${key}`);
  }

  /** A linearizable read on the leader (readIndex). */
  get(key: string): Promise<Ack<string | null>> {
    return this.run<'get'>({ op: 'get', key }, `get ${key}`);
  }

  private async run<K extends KvOp>(request: Extract<NodeRequest, { op: K }>, label: string): Promise<Ack<NodeResults[K]>> {
    const deadline = performance.now() + this.deadlineMs;
    const remaining = (): number => Math.max(1, deadline - performance.now());
    let hops = 0;
    let lastError: unknown;
    for (let attempts = 1; performance.now() < deadline; attempts++) {
      const target = await this.pickTarget(remaining());
      const version = this.cluster.eventVersion();
      try {
        const value = await this.cluster.request<K>(target, request, remaining());
        return { value, node: target, attempts, at: performance.now() };
      } catch (error) {
        if (!(error instanceof NodeRequestError) || !RETRYABLE.has(error.code)) throw error;
        lastError = error;
        this.retried.set(error.code, (this.retried.get(error.code) ?? 0) + 1);
        const hint = error.code === 'not-leader' ? error.leaderId : undefined;
        if (hint !== undefined && hint !== target && hops < MAX_HINT_HOPS && this.cluster.isAlive(hint)) {
          hops++;
          this.target = hint;
          continue;
        }
        hops = 0;
        this.target = undefined;
        // The node that refused may still be the announced leader if its role change is not in
        // yet: wait for news rather than spin on it.
        if (this.cluster.currentLeader() === target) await this.cluster.changedSince(version, remaining());
      }
    }
    throw new Error(`${label}: no success within ${this.deadlineMs} ms; last error: ${String(lastError)}`);
  }

  private async pickTarget(timeoutMs: number): Promise<string> {
    if (this.target !== undefined && this.cluster.isAlive(this.target)) return this.target;
    this.target = this.cluster.currentLeader() ?? (await this.cluster.leader(timeoutMs));
    return this.target;
  }
}
