/**
 * The IPC messages between bench/raft-tcp (the parent) and its node processes
 * (support/raft-tcp-node). Every message is a plain JSON-able object with a `type`.
 *
 *   child  -> parent  listening { id, address }        transport bound; Raft running
 *   parent -> child   configure { servers, bootstrap } the full configuration; one child bootstraps it
 *   child  -> parent  leader    { id, term }           this node leads and its first barrier committed
 *   parent -> child   load      { LoadSpec }           run closed-loop appliers (leader only)
 *   child  -> parent  result    { LoadResult }         the load's figures
 *   child  -> parent  failed    { message }            anything that went wrong (the parent aborts)
 *
 * Shutdown is SIGTERM (or the IPC channel closing): raft.shutdown(), transport.close(), stores.close().
 */
import type { Server } from '../../src/raft';
import { taggedMessageGuard } from '../../test/support/child-process/tagged-message';

export interface LoadSpec {
  readonly concurrency: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly payloadBytes: number;
}

export interface LoadResult {
  readonly ops_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly rss_mb: number;
  /** Applies completed inside the measured window. */
  readonly measured: number;
  /** Failed applies by error name (empty on a clean run). */
  readonly errors: Readonly<Record<string, number>>;
  readonly commitIndex: number;
  readonly term: number;
}

/** The leader process's costs over the whole load (warm-up included), for the notes on stderr. */
export interface LoadCosts {
  /** CPU of the process, all threads (LMDB's writer thread included), per second of load. */
  readonly cpu_ms_per_s: number;
  /** Share of wall time the main thread's event loop was busy. */
  readonly event_loop_utilization: number;
  /** Main-thread garbage collection pauses, per second of load. */
  readonly gc_ms_per_s: number;
  /** V8 heap in use when the load ended. */
  readonly heap_used_mb: number;
  readonly frames_sent: number;
  readonly frames_received: number;
  readonly bytes_sent: number;
}

export type ParentMessage =
  | { readonly type: 'configure'; readonly servers: readonly Server[]; readonly bootstrap: boolean }
  | { readonly type: 'load'; readonly spec: LoadSpec };

export type ChildMessage =
  | { readonly type: 'listening'; readonly id: string; readonly address: string }
  | { readonly type: 'leader'; readonly id: string; readonly term: number }
  | { readonly type: 'result'; readonly id: string; readonly result: LoadResult; readonly costs: LoadCosts }
  | { readonly type: 'failed'; readonly id: string; readonly message: string };

/** Both ends are our own code: checking the tag is enough. */
export const isChildMessage = taggedMessageGuard<ChildMessage>({ listening: true, leader: true, result: true, failed: true });
export const isParentMessage = taggedMessageGuard<ParentMessage>({ configure: true, load: true });
