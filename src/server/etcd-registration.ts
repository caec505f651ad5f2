/**
 * The MetaServer's entry in etcd, where the existing clients and DataServers look for the leader
 * (compat §4): `/minfs/metaServer/nodes/<id>` holding compact JSON
 * `{"addr","id","is_leader","register_at","role"}`, under a lease of a few seconds.
 *
 * - The flag follows Raft at once: on every role change the key is written again, so etcd shows a
 *   new leader (and a step-down) within one round trip, not after the original's 60 s lease.
 * - A new leader also clears the flag on any other node's key that still claims it (a crashed
 *   leader cannot clear its own), keeping that key's lease: readers that take the first key with
 *   `is_leader:true` find the right one at once, and the dead node's key still expires.
 * - etcd being down never stops the MetaServer: writes are retried with a capped backoff, and a lost
 *   lease (etcd away longer than its TTL) is replaced, so the key comes back when etcd does.
 * - stop() deletes the key and revokes the lease (bounded by the timeout, so a dead etcd cannot hold
 *   up a shutdown).
 */
import type { Etcd3, Lease } from 'etcd3';
import { etcdClient, type EtcdConnection } from './etcd-client';
import type { Logger, RaftState } from '../raft';

export const META_NODES_PREFIX = '/minfs/metaServer/nodes/';

/** The part of Raft the registration watches. */
export interface LeadershipSource {
  state(): RaftState;
  on(event: 'role-changed', listener: (e: { role: RaftState }) => void): () => void;
}

export type { EtcdTlsOptions } from './etcd-client';

export interface EtcdRegistrationOptions extends EtcdConnection {
  readonly nodeId: string;
  /** Where clients reach this node's MetaServerService. */
  readonly grpcAddress: string;
  /** The key of a node that died disappears this long after (default 10 s: the bound). */
  readonly leaseTtlSeconds?: number;
  /** Schedules a retry (default: an unref'd setTimeout); tests pass their own to watch the backoff. */
  readonly schedule?: (delayMs: number, retry: () => void) => void;
  readonly raft: LeadershipSource;
  readonly logger: Logger;
}

/** What a MetaServer writes under its key (the field order and compactness clients depend on). */
export interface MetaNodeRecord {
  readonly addr: string;
  readonly id: string;
  readonly is_leader: boolean;
  readonly register_at: string;
  readonly role: 'metaServer';
}

const MIN_RETRY_MS = 200;
const MAX_RETRY_MS = 5_000;

export class EtcdRegistration {
  private readonly client: Etcd3;
  private readonly key: string;
  private readonly registerAt = new Date().toISOString();
  private lease: Lease | undefined;
  private stopped = false;
  /** Writes run one at a time; a change meanwhile asks for one more. */
  private writing: Promise<void> | undefined;
  private again = false;
  private retryMs = MIN_RETRY_MS;
  /** A retry is scheduled: nothing else starts a write meanwhile (a lost lease included). */
  private retryPending = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failing = false;
  private tries = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: EtcdRegistrationOptions) {
    this.client = etcdClient(options);
    this.key = `${META_NODES_PREFIX}${options.nodeId}`;
  }

  start(): void {
    this.unsubscribe = this.options.raft.on('role-changed', () => this.publish());
    this.publish();
  }

  /** Writes tried so far (each a lease put): with etcd away, one per retry. */
  get attempts(): number {
    return this.tries;
  }

  /** The record as this node would write it now. */
  record(): MetaNodeRecord {
    return {
      addr: this.options.grpcAddress,
      id: this.options.nodeId,
      is_leader: this.options.raft.state() === 'leader',
      register_at: this.registerAt,
      role: 'metaServer',
    };
  }

  /** Deletes the key and revokes the lease; gives up after the timeout. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    await this.writing?.catch(() => undefined);
    const cleanup = (async (): Promise<void> => {
      await this.client.delete().key(this.key);
      await this.lease?.revoke();
    })();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.options.timeoutMs).unref());
    await Promise.race([
      cleanup.catch((error: unknown) => this.options.logger.warn('etcd: could not deregister', { error: String(error) })),
      timeout,
    ]);
    this.lease?.release();
    this.client.close();
  }

  /** Writes the record (again); a write already under way is followed by one more. */
  private publish(): void {
    if (this.stopped || this.retryPending) return;
    if (this.writing !== undefined) {
      this.again = true;
      return;
    }
    this.writing = this.write().finally(() => {
      this.writing = undefined;
      if (this.again) {
        this.again = false;
        this.publish();
      }
    });
  }

  private async write(): Promise<void> {
    this.tries++;
    const record = this.record();
    try {
      const lease = this.currentLease();
      await lease.put(this.key).value(JSON.stringify(record));
      if (record.is_leader) await this.clearOtherLeaders();
      if (this.failing) this.options.logger.info('etcd: registered again', { key: this.key });
      else this.options.logger.info('etcd: registered', { key: this.key, isLeader: record.is_leader });
      this.failing = false;
      this.retryMs = MIN_RETRY_MS;
    } catch (error) {
      if (this.stopped) return;
      if (!this.failing) this.options.logger.warn('etcd: cannot register; retrying', { key: this.key, error: String(error) });
      this.failing = true;
      // A lease that was never granted is no use; the retry asks for a new one.
      this.dropLease();
      this.scheduleRetry();
    }
  }

  /** One retry at a time, after a backoff that doubles up to MAX_RETRY_MS while etcd stays away. */
  private scheduleRetry(): void {
    if (this.stopped || this.retryPending) return;
    this.retryPending = true;
    this.again = false;
    const delay = this.retryMs;
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
    const retry = (): void => {
      this.retryTimer = undefined;
      this.retryPending = false;
      this.publish();
    };
    if (this.options.schedule !== undefined) {
      this.options.schedule(delay, retry);
    } else {
      this.retryTimer = setTimeout(retry, delay);
      this.retryTimer.unref();
    }
  }

  private dropLease(): void {
    const lease = this.lease;
    this.lease = undefined;
    lease?.release();
  }

  /** This node's lease, a new one when there is none or it was lost (etcd away longer than the TTL). */
  private currentLease(): Lease {
    if (this.lease !== undefined && !this.lease.revoked()) return this.lease;
    this.dropLease();
    const lease = this.client.lease(this.options.leaseTtlSeconds ?? 10, { autoKeepAlive: true });
    lease.on('lost', (error) => {
      if (this.lease !== lease || this.stopped) return;
      // Not a write at once: while etcd is away every new lease is lost too, and writing on each
      // loss kept the process so busy that no Raft election could run beside it (a three-node
      // cluster with etcd unreachable never elected a leader). The backoff paces the retries.
      this.options.logger.warn('etcd: lease lost; registering again', { error: String(error) });
      this.dropLease();
      // A write under way fails with it and schedules the retry itself.
      if (this.writing === undefined) this.scheduleRetry();
    });
    this.lease = lease;
    return lease;
  }

  /** Other nodes' keys that still say is_leader:true get false, under their own leases. */
  private async clearOtherLeaders(): Promise<void> {
    const all = await this.client.getAll().prefix(META_NODES_PREFIX).strings();
    for (const [key, value] of Object.entries(all)) {
      if (key === this.key) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        continue; // not ours to repair
      }
      if (typeof parsed !== 'object' || parsed === null || (parsed as { is_leader?: unknown }).is_leader !== true) continue;
      if (this.options.raft.state() !== 'leader') return;
      await this.client
        .put(key)
        .value(JSON.stringify({ ...parsed, is_leader: false }))
        .ignoreLease();
      this.options.logger.info('etcd: cleared a stale leader flag', { key });
    }
  }
}
