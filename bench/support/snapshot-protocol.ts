/**
 * The IPC messages between bench/snapshot-memory (the parent) and its node processes
 * (support/snapshot-node). Plain JSON-able objects with a `type`; times are wall-clock
 * milliseconds (performance.timeOrigin + performance.now()), comparable across the processes of
 * one machine.
 *
 *   child  -> parent  listening { id, address, pid }  transport bound; Raft running
 *   parent -> child   configure { servers }            bootstrap this configuration (the first node only)
 *   child  -> parent  leader    { id, term }           this node leads and its first barrier committed
 *   parent -> child   fill      { entries }            leader: apply entries, snapshot, compact the log
 *   child  -> parent  filled    { ... }                the snapshot taken, and the leader's RSS meanwhile
 *   parent -> child   add       { id, address }        leader: new RSS window, then addNonvoter
 *   child  -> parent  added     { id, at }             the configuration change committed
 *   child  -> parent  installed { ... }                a received snapshot was restored into the FSM
 *   parent -> child   report    {}                     any node: its RSS window and timings so far
 *   child  -> parent  report    { ... }
 *   child  -> parent  failed    { message }            anything that went wrong (the parent aborts)
 */
import type { Server } from '../../src/raft';
import type { PeakRssReading } from './peak-rss';
import type { IoCounters } from './proc-io';
import type { StreamDigest } from './synthetic-snapshot-fsm';
import { taggedMessageGuard } from '../../test/support/child-process/tagged-message';

export type ParentMessage =
  | { readonly type: 'configure'; readonly servers: readonly Server[] }
  | { readonly type: 'fill'; readonly entries: number }
  | { readonly type: 'add'; readonly id: string; readonly address: string }
  | { readonly type: 'report' };

export interface SnapshotTaken {
  readonly index: number;
  readonly size: number;
  /** CRC-32 the snapshot store recorded for the file. */
  readonly crc32: number;
  readonly firstLogIndex: number;
  readonly takeMs: number;
}

/** When a log message was seen first and last (wall-clock ms), and how many times. */
export interface LogMark {
  readonly first: number;
  readonly last: number;
  readonly count: number;
}

export interface NodeReport {
  /** The RSS window: since the process started, or since the last `add` on the leader. */
  readonly rss: PeakRssReading;
  /** When this node (as leader) first and last saw a snapshot transfer under way, if it did. */
  readonly sendingStartedAt: number | undefined;
  readonly sendingEndedAt: number | undefined;
  /** Each library log message seen: a timeline of the transfer's phases. */
  readonly logged: Readonly<Record<string, LogMark>>;
  /** Transport bytes since the window began. */
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Messages the transport dropped (send queue full, among others). */
  readonly dropped: number;
  /** Bytes this process read and wrote through system calls (page cache included) since its window began. */
  readonly io: IoCounters | undefined;
}

export type ChildMessage =
  | { readonly type: 'listening'; readonly id: string; readonly address: string; readonly pid: number }
  | { readonly type: 'leader'; readonly id: string; readonly term: number }
  | {
      readonly type: 'filled';
      readonly id: string;
      readonly snapshot: SnapshotTaken;
      readonly persisted: StreamDigest;
      readonly rss: PeakRssReading;
    }
  | { readonly type: 'added'; readonly id: string; readonly at: number }
  | {
      readonly type: 'installed';
      readonly id: string;
      readonly index: number;
      readonly size: number;
      readonly at: number;
      readonly restored: StreamDigest;
    }
  | { readonly type: 'report'; readonly id: string; readonly report: NodeReport }
  | { readonly type: 'failed'; readonly id: string; readonly message: string };

/** Both ends are our own code: checking the tag is enough. */
export const isChildMessage = taggedMessageGuard<ChildMessage>({
  listening: true,
  leader: true,
  filled: true,
  added: true,
  installed: true,
  report: true,
  failed: true,
});
export const isParentMessage = taggedMessageGuard<ParentMessage>({ configure: true, fill: true, add: true, report: true });

/** Wall-clock ms with sub-ms precision, comparable across processes. */
export const wallNow = (): number => performance.timeOrigin + performance.now();
