/**
 * What etcd says of the DataServers (compat §4: `/dfs/dataServers/<id>`, put there by each
 * DataServer under a lease), beside what their heartbeats say. Fed by the etcd discovery on every
 * MetaServer (a follower that becomes leader knows it already); soft state like the rest of the
 * tracker: never replicated, never proposed to Raft. etcd's view differs between MetaServers and
 * over time, so nothing in the log may depend on it.
 *
 * What it is for:
 * - Visibility: a DataServer registered in etcd that the leader does not hear from (it cannot
 *   reach the MetaServers, or still heartbeats to an old leader) shows in the metrics.
 * - A leaving hint: a DELETE of a DataServer's key is a graceful deregistration (the DataServer
 *   deletes its key as it shuts down) or its lease running out (it died). Either way it should get
 *   no new blocks: the leader stops placing blocks and copies on it at once, instead of after
 *   heartbeat_timeout. Nothing else follows: its replicas still count and repairs still wait for
 *   the usual permanent-down threshold, because an etcd hiccup must never start re-replication.
 *   The hint ends when the DataServer registers again, or when it is still heartbeating longer
 *   than `holdLeavingMs` after the DELETE: then it did not leave (only its etcd lease lapsed), and
 *   keeping it off placements for good would silently shrink the cluster.
 * A key found missing when the discovery lists etcd again after losing it is dropped from the
 * registered set but is no hint: after a gap the cause is unknown (etcd restored from an old
 * backup, or replaced by an empty one), and taking every DataServer off placements on such a guess
 * would stop all writes.
 */
import type { Clock } from '../raft';

/** One DataServer's etcd registration, as the discovery parsed it. */
export interface DataServerRegistration {
  /** The id its heartbeats carry (the JSON's `id`, or the key after the prefix). */
  readonly id: string;
  /** The address as registered, e.g. "0.0.0.0:8001" (the Go DataServer's listen address). */
  readonly listen: string;
  /**
   * Whether a client could dial `listen` (its host is not a wildcard such as 0.0.0.0 or ::).
   * Informational only: the address clients get in block locations is the one the DataServer
   * heartbeats from and the leader registered through Raft, never etcd's.
   */
  readonly dialable: boolean;
  /** The JSON's `register_at`, when it carried a valid time. */
  readonly registeredAt?: string | undefined;
}

/** What the discovery reports to (tests record it). */
export interface RegistrationSink {
  registered(registration: DataServerRegistration): void;
  /** `leaving`: a DELETE was seen, not a key found missing after a gap in the watch. */
  deregistered(id: string, leaving: boolean): void;
  /** Whether the discovery currently holds a listing of etcd and watches it. */
  connected(up: boolean): void;
}

export class DataServerRegistrations implements RegistrationSink {
  private readonly byId = new Map<string, DataServerRegistration>();
  private readonly leavingSince = new Map<string, number>();
  private up = false;

  constructor(
    private readonly clock: Clock,
    /** How long a hint holds against heartbeats that keep coming (the tracker's heartbeat_timeout). */
    private readonly holdLeavingMs: number,
  ) {}

  registered(registration: DataServerRegistration): void {
    this.byId.set(registration.id, registration);
    this.leavingSince.delete(registration.id);
  }

  deregistered(id: string, leaving: boolean): void {
    this.byId.delete(id);
    if (leaving) this.leavingSince.set(id, this.clock.now());
  }

  connected(up: boolean): void {
    this.up = up;
  }

  /** Whether the etcd view is current (false before the first listing and while etcd is away). */
  get etcdConnected(): boolean {
    return this.up;
  }

  /** Every registered DataServer, in id order. */
  all(): DataServerRegistration[] {
    return [...this.byId.keys()].sort().map((id) => this.byId.get(id)!);
  }

  get(id: string): DataServerRegistration | undefined {
    return this.byId.get(id);
  }

  /** Whether `id` deregistered from etcd and should get no new blocks. */
  isLeaving(id: string): boolean {
    return this.leavingSince.has(id);
  }

  /** DataServers under a leaving hint, in id order. */
  leaving(): string[] {
    return [...this.leavingSince.keys()].sort();
  }

  /** A heartbeat from `id`: ends a leaving hint older than holdLeavingMs (see the file comment). */
  heard(id: string): void {
    const since = this.leavingSince.get(id);
    if (since !== undefined && this.clock.now() - since > this.holdLeavingMs) this.leavingSince.delete(id);
  }
}
