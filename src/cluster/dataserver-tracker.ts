/**
 * The DataServers this MetaServer hears from: what each reported in its latest heartbeat. Kept in
 * memory on purpose: it is rebuilt within one heartbeat interval on any new leader, and nothing in
 * it is namespace state (placement decisions made from it travel in the Raft log).
 */
import type { Clock } from '../raft';

export interface DataServerReport {
  readonly id: string;
  /** "host:port" that clients dial for blocks. */
  readonly address: string;
  readonly blockCount: number;
  readonly freeBytes: number;
  readonly capacityBytes: number;
  /** Block ids of the latest full block report. */
  readonly blocks: ReadonlySet<number>;
}

export interface DataServerStatus extends DataServerReport {
  readonly lastHeartbeatMs: number;
  readonly healthy: boolean;
}

export interface DataServerTrackerOptions {
  readonly clock: Clock;
  /** A DataServer silent for longer than this is unhealthy and gets no new blocks. */
  readonly heartbeatTimeoutMs: number;
}

export class DataServerTracker {
  private readonly servers = new Map<string, { report: DataServerReport; lastHeartbeatMs: number }>();

  constructor(private readonly options: DataServerTrackerOptions) {}

  /** Records a heartbeat: the report replaces the previous one (block reports are full every time). */
  heartbeat(report: DataServerReport): void {
    this.servers.set(report.id, { report, lastHeartbeatMs: this.options.clock.now() });
  }

  /** Every known DataServer, healthy or not, in id order (stable answers for GetClusterInfo). */
  all(): DataServerStatus[] {
    const now = this.options.clock.now();
    return [...this.servers.values()]
      .map(({ report, lastHeartbeatMs }) => ({ ...report, lastHeartbeatMs, healthy: now - lastHeartbeatMs <= this.options.heartbeatTimeoutMs }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  healthy(): DataServerStatus[] {
    return this.all().filter((s) => s.healthy);
  }

  /** Whether a healthy DataServer at `address` reported `blockId` in its latest heartbeat. */
  holds(address: string, blockId: number): boolean {
    const now = this.options.clock.now();
    for (const { report, lastHeartbeatMs } of this.servers.values()) {
      if (report.address === address && now - lastHeartbeatMs <= this.options.heartbeatTimeoutMs && report.blocks.has(blockId)) return true;
    }
    return false;
  }
}
