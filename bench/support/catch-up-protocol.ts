/**
 * The IPC messages between bench/catch-up (the parent) and its node processes
 * (support/catch-up-node). Each request is answered by one message of its own type, except
 * `writes-start` (the writers run until `writes-stop`) and `catch-up` (answered once the node's
 * applied index reaches the target). Times are wall-clock ms (wallNow), comparable across
 * processes.
 */
import type { RaftStats, Server } from '../../src/raft';
import type { KvDigest } from '../../test/support/lmdb-kv/lmdb-kv-fsm';
import type { LoopDelayReading } from './loop-delay';
import type { PeakRssReading } from './peak-rss';
import type { LogMark } from './snapshot-protocol';
import { taggedMessageGuard } from '../../test/support/child-process/tagged-message';

export type ParentMessage =
  | { readonly type: 'configure'; readonly servers: readonly Server[] }
  /** Put keys first..first+count-1 through raft.apply, `concurrency` appliers in closed loop. */
  | { readonly type: 'load'; readonly first: number; readonly count: number; readonly concurrency: number }
  | { readonly type: 'snapshot' }
  | { readonly type: 'stats' }
  /** Closed-loop overwrites of random keys among the first `keys`, until `writes-stop`. */
  | { readonly type: 'writes-start'; readonly concurrency: number; readonly keys: number; readonly seed: number }
  | { readonly type: 'writes-stop'; readonly windows: readonly TimeWindow[] }
  /** Leader: start a new RSS window and watch for the next snapshot transfer. */
  | { readonly type: 'watch-transfer' }
  /** Answer `caught-up` once the applied index is at least `target`. */
  | { readonly type: 'catch-up'; readonly target: number }
  | { readonly type: 'report' }
  | { readonly type: 'digest' };

export interface TimeWindow {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

/** Latency of the applies that completed inside one window. */
export interface WindowLatency {
  readonly name: string;
  readonly ms: number;
  readonly count: number;
  readonly ops_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  /** The slowest operations as [ms from the window's start to their completion, latency ms], slowest first. */
  readonly slowest: readonly (readonly [number, number])[];
}

export interface LoadResult {
  readonly ms: number;
  readonly ops_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  /** Failed applies by error name (each retried until it succeeded). */
  readonly errors: Readonly<Record<string, number>>;
  readonly commitIndex: number;
}

export interface SnapshotTaken {
  readonly index: number;
  readonly size: number;
  readonly takeMs: number;
  readonly firstLogIndex: number;
  /** The node's event loop while it took the snapshot. */
  readonly loopDelay: LoopDelayReading;
}

export interface NodeReport {
  /** Since the process started, or since the last `watch-transfer`. */
  readonly rss: PeakRssReading;
  /** The event loop's lateness over the same window. */
  readonly loopDelay: LoopDelayReading;
  readonly sendingStartedAt: number | undefined;
  readonly sendingEndedAt: number | undefined;
  /** Each library log message seen (first, last, count): the transfer's phases. */
  readonly logged: Readonly<Record<string, LogMark>>;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly dropped: number;
}

export type ChildMessage =
  | { readonly type: 'listening'; readonly id: string; readonly address: string; readonly pid: number; readonly startup: RaftStats }
  | { readonly type: 'leader'; readonly id: string; readonly term: number }
  | { readonly type: 'loaded'; readonly id: string; readonly result: LoadResult }
  | { readonly type: 'snapshotted'; readonly id: string; readonly snapshot: SnapshotTaken }
  | { readonly type: 'stats'; readonly id: string; readonly stats: RaftStats }
  | {
      readonly type: 'writes-stopped';
      readonly id: string;
      readonly windows: readonly WindowLatency[];
      readonly errors: Record<string, number>;
    }
  | { readonly type: 'watching'; readonly id: string }
  | { readonly type: 'installed'; readonly id: string; readonly index: number; readonly size: number; readonly at: number }
  | { readonly type: 'caught-up'; readonly id: string; readonly index: number; readonly at: number }
  | { readonly type: 'report'; readonly id: string; readonly report: NodeReport }
  | { readonly type: 'digest'; readonly id: string; readonly digest: KvDigest }
  | { readonly type: 'failed'; readonly id: string; readonly message: string };

/** Both ends are our own code: checking the tag is enough. */
export const isChildMessage = taggedMessageGuard<ChildMessage>({
  listening: true,
  leader: true,
  loaded: true,
  snapshotted: true,
  stats: true,
  'writes-stopped': true,
  watching: true,
  installed: true,
  'caught-up': true,
  report: true,
  digest: true,
  failed: true,
});
export const isParentMessage = taggedMessageGuard<ParentMessage>({
  configure: true,
  load: true,
  snapshot: true,
  stats: true,
  'writes-start': true,
  'writes-stop': true,
  'watch-transfer': true,
  'catch-up': true,
  report: true,
  digest: true,
});
