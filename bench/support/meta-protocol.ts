/**
 * The IPC messages between a MetaServer benchmark (the parent, which is also the gRPC load
 * generator) and its node processes (support/meta-node-process). Plain JSON-able objects with a
 * `type`.
 *
 *   child  -> parent  listening   { raftAddress, grpcAddress, pid }  Raft transport and gRPC bound
 *   parent -> child   members     { members }                        every node's gRPC address (for forwarding)
 *   child  -> parent  members-set                                    the table is in place
 *   parent -> child   bootstrap   { servers }                        write the first configuration (one node)
 *   child  -> parent  role        { role, term }                     every Raft role change
 *   child  -> parent  leader      { term }                           leads, and a barrier of its term committed
 *   parent -> child   stats       { resetPeak }                      asks for NodeStats (peak window restarts if asked)
 *   child  -> parent  stats       { stats }
 *   child  -> parent  failed      { message }                        anything that went wrong (the parent aborts)
 *
 * Shutdown is SIGTERM (or the IPC channel closing): the node's stop(), then exit.
 */
import type { RaftState, Server } from '../../src/raft';
import type { MetaMember } from '../../src/server/members';
import { taggedMessageGuard } from '../../test/support/child-process/tagged-message';

export interface NodeStats {
  readonly state: RaftState;
  readonly term: number;
  readonly appliedIndex: number;
  readonly commitIndex: number;
  /** Resident set now, MiB; anonymous and file-backed (LMDB's mapped pages) apart when /proc tells. */
  readonly rssMb: number;
  readonly rssAnonMb: number | undefined;
  readonly rssFileMb: number | undefined;
  /** Peak resident set since the process started or the last `stats` with resetPeak, MiB. */
  readonly peakRssMb: number;
  readonly heapUsedMb: number;
  /** Snapshots this node has written since it started, and the newest one's size. */
  readonly snapshotsTaken: number;
  readonly lastSnapshotBytes: number;
  /** DataServer upkeep (meaningful on the leader): entries it proposed, copies in flight, blocks it found no good replica of. */
  readonly upkeepProposals: number;
  readonly repairsInFlight: number;
  readonly lostBlocks: number;
}

export type ParentMessage =
  | { readonly type: 'members'; readonly members: readonly MetaMember[] }
  | { readonly type: 'bootstrap'; readonly servers: readonly Server[] }
  | { readonly type: 'stats'; readonly resetPeak: boolean };

export type ChildMessage =
  | { readonly type: 'listening'; readonly id: string; readonly raftAddress: string; readonly grpcAddress: string; readonly pid: number }
  | { readonly type: 'members-set'; readonly id: string }
  | { readonly type: 'role'; readonly id: string; readonly role: RaftState; readonly term: number }
  | { readonly type: 'leader'; readonly id: string; readonly term: number }
  | { readonly type: 'stats'; readonly id: string; readonly stats: NodeStats }
  | { readonly type: 'failed'; readonly id: string; readonly message: string };

export const isChildMessage = taggedMessageGuard<ChildMessage>({
  listening: true,
  'members-set': true,
  role: true,
  leader: true,
  stats: true,
  failed: true,
});
export const isParentMessage = taggedMessageGuard<ParentMessage>({ members: true, bootstrap: true, stats: true });
