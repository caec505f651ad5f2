/**
 * The DataServers the leader hears from: each one's latest heartbeat and full block report, and
 * its liveness. Kept in memory on purpose: a new leader rebuilds it from the next round of
 * heartbeats (reset()), and nothing in it is namespace state; what the leader decides from it
 * (registrations, repairs, deletions, placements) travels in the Raft log.
 *
 * Liveness counts silence from the last heartbeat, or, for a DataServer not heard from since this
 * node became leader, from then: a new leader never declares servers dead that it simply has not
 * had time to hear from.
 *
 * Beside the heartbeats it holds what etcd says of the DataServers (`registrations`, fed by the etcd
 * discovery on every node and kept across reset(): see dataserver-registrations.ts); a DataServer
 * that deregistered from etcd gets no new blocks (placeable()).
 *
 * Block reports are kept as sorted Float64Arrays (8 bytes per block, outside the JS object heap):
 * 1,000 DataServers with 10,000 blocks each take 80 MB, and a lookup is a binary search.
 */
import type { Clock } from '../raft';
import { DataServerRegistrations } from './dataserver-registrations';

export type Liveness = 'live' | 'stale' | 'dead';

export interface DataServerReport {
  readonly id: string;
  /** "host:port" that clients dial for blocks. */
  readonly address: string;
  readonly blockCount: number;
  readonly freeBytes: number;
  readonly capacityBytes: number;
  /** Block ids of this heartbeat's full block report, ascending, without duplicates. */
  readonly blocks: Float64Array;
}

export interface DataServerStatus extends DataServerReport {
  readonly lastHeartbeatMs: number;
  /** Wall-clock ms (the clock file mtimes are in) when the latest report arrived. */
  readonly reportedAtWallMs: number;
  readonly liveness: Liveness;
}

/** What a heartbeat changed in a DataServer's block report. */
export interface ReportChange {
  /** The first report from this DataServer since this node became leader (compare it whole). */
  readonly first: boolean;
  readonly added: readonly number[];
  readonly removed: readonly number[];
}

export interface DataServerTrackerOptions {
  readonly clock: Clock;
  /** Silent longer than this: stale, gets no new blocks and is no copy source or target. */
  readonly staleAfterMs: number;
  /** Silent longer than this: dead, its replicas count as lost and are repaired elsewhere. */
  readonly deadAfterMs: number;
  /** Wall-clock ms, to date reports against file mtimes. */
  readonly wallClockMs: () => number;
}

interface Tracked {
  report: DataServerReport;
  lastHeartbeatMs: number;
  reportedAtWallMs: number;
  /** When the report before the latest arrived (-Infinity: the latest is the first since the reset). */
  previousReportedAtWallMs: number;
}

export class DataServerTracker {
  private readonly servers = new Map<string, Tracked>();
  private epochMs: number;
  /** etcd's view; not cleared by reset(): it does not come from heartbeats. */
  readonly registrations: DataServerRegistrations;

  constructor(private readonly options: DataServerTrackerOptions) {
    this.epochMs = options.clock.now();
    this.registrations = new DataServerRegistrations(options.clock, options.staleAfterMs);
  }

  /** Forgets every report: a new leadership starts from the next round of heartbeats. */
  reset(): void {
    this.servers.clear();
    this.epochMs = this.options.clock.now();
  }

  /** When the current view started (the last reset). */
  get since(): number {
    return this.epochMs;
  }

  /** Records a heartbeat (its report replaces the previous one) and says what changed. */
  heartbeat(report: DataServerReport): ReportChange {
    const previous = this.servers.get(report.id);
    const now = this.options.clock.now();
    this.registrations.heard(report.id);
    const reportedAtWallMs = this.options.wallClockMs();
    if (previous === undefined) {
      this.servers.set(report.id, { report, lastHeartbeatMs: now, reportedAtWallMs, previousReportedAtWallMs: Number.NEGATIVE_INFINITY });
      return { first: true, added: [...report.blocks], removed: [] };
    }
    const change = sortedDifference(previous.report.blocks, report.blocks);
    // An unchanged report keeps the array already held: the new one dies young instead of
    // replacing an old-generation one every round (80 MB of reports for 1,000 servers).
    const blocks = change.added.length === 0 && change.removed.length === 0 ? previous.report.blocks : report.blocks;
    this.servers.set(report.id, {
      report: { ...report, blocks },
      lastHeartbeatMs: now,
      reportedAtWallMs,
      previousReportedAtWallMs: previous.reportedAtWallMs,
    });
    return { first: false, ...change };
  }

  /** Liveness of a DataServer id (one never heard from counts its silence from the last reset). */
  liveness(id: string): Liveness {
    const silentMs = this.options.clock.now() - (this.servers.get(id)?.lastHeartbeatMs ?? this.epochMs);
    return silentMs > this.options.deadAfterMs ? 'dead' : silentMs > this.options.staleAfterMs ? 'stale' : 'live';
  }

  /** Whether this DataServer has been heard from since the last reset. */
  heard(id: string): boolean {
    return this.servers.has(id);
  }

  get(id: string): DataServerStatus | undefined {
    const tracked = this.servers.get(id);
    return tracked === undefined
      ? undefined
      : {
          ...tracked.report,
          lastHeartbeatMs: tracked.lastHeartbeatMs,
          reportedAtWallMs: tracked.reportedAtWallMs,
          liveness: this.liveness(id),
        };
  }

  /** Wall-clock ms when `id`'s latest report arrived (-Infinity: none since the last reset). */
  reportedAtWallMs(id: string): number {
    return this.servers.get(id)?.reportedAtWallMs ?? Number.NEGATIVE_INFINITY;
  }

  /** Wall-clock ms when the report before `id`'s latest arrived (-Infinity: none since the last reset). */
  previousReportedAtWallMs(id: string): number {
    return this.servers.get(id)?.previousReportedAtWallMs ?? Number.NEGATIVE_INFINITY;
  }

  /** Every DataServer heard from, in id order (stable answers). */
  all(): DataServerStatus[] {
    return [...this.servers.keys()].sort().map((id) => this.get(id)!);
  }

  /** DataServers that may take new blocks and copies: heard from recently. */
  live(): DataServerStatus[] {
    return this.all().filter((s) => s.liveness === 'live');
  }

  /** Live DataServers that did not deregister from etcd: where new blocks and copies may go. */
  placeable(): DataServerStatus[] {
    return this.live().filter((s) => !this.registrations.isLeaving(s.id));
  }

  /** Whether DataServer `id`, not dead, listed `blockId` in its latest block report. */
  holds(id: string, blockId: number): boolean {
    const tracked = this.servers.get(id);
    if (tracked === undefined || this.liveness(id) === 'dead') return false;
    return sortedIncludes(tracked.report.blocks, blockId);
  }
}

/**
 * `ids` ascending and without duplicates. A Float64Array that already is (every report a
 * DataServer sends) is returned itself, not copied: the caller hands over a fresh array it does
 * not touch again. Anything else is copied and sorted.
 */
export function sortedBlockIds(ids: ArrayLike<number>): Float64Array {
  if (ids instanceof Float64Array && isStrictlyAscending(ids)) return ids;
  const out = Float64Array.from(ids);
  if (isStrictlyAscending(out)) return out;
  out.sort();
  let n = 0;
  for (let i = 0; i < out.length; i++) if (n === 0 || out[i] !== out[n - 1]) out[n++] = out[i]!;
  return out.subarray(0, n);
}

function isStrictlyAscending(ids: Float64Array): boolean {
  for (let i = 1; i < ids.length; i++) if (!(ids[i - 1]! < ids[i]!)) return false;
  return true;
}

function sortedIncludes(sorted: Float64Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Elements only in `after` (added) and only in `before` (removed), by one merge of two sorted arrays. */
function sortedDifference(before: Float64Array, after: Float64Array): { added: number[]; removed: number[] } {
  const added: number[] = [];
  const removed: number[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (j === after.length || (i < before.length && before[i]! < after[j]!)) removed.push(before[i++]!);
    else if (i === before.length || after[j]! < before[i]!) added.push(after[j++]!);
    else {
      i++;
      j++;
    }
  }
  return { added, removed };
}
