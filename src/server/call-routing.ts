/**
 * Where a call is served. Handlers ask for what they need:
 * - `requireLeader()` for writes (and anything needing the leader's DataServer view): on a
 *   follower it throws NeedsLeader, and the service forwards the whole call to the leader;
 * - `readBarrier()` before reading the namespace: linearizable by default (the leader confirms
 *   its leadership with a quorum and waits until it has applied the read index; a follower gets
 *   a read index from the leader and waits until it has applied it, see follower-reads.ts, or
 *   forwards the call when it has no FollowerReads), or nothing when the caller asked for a stale
 *   read with the metadata header `x-minfs-read-consistency: stale`.
 */
import type * as grpc from '@grpc/grpc-js';
import type { FollowerReads } from './follower-reads';
import { FORWARDED_BY_HEADER } from './forwarder';
import type { MetaNode } from './meta-node';
import { unavailable } from './service-error';

export const READ_CONSISTENCY_HEADER = 'x-minfs-read-consistency';

/** Thrown by a handler on a follower: the service forwards the call to the leader. */
export class NeedsLeader extends Error {
  constructor() {
    super('this call must be served by the leader');
    this.name = 'NeedsLeader';
  }
}

export class CallRouting {
  constructor(
    private readonly node: MetaNode,
    private readonly metadata: grpc.Metadata,
    private readonly followerReads?: FollowerReads,
  ) {}

  get forwarded(): boolean {
    return this.metadata.get(FORWARDED_BY_HEADER).length > 0;
  }

  get staleReadAllowed(): boolean {
    return this.metadata.get(READ_CONSISTENCY_HEADER)[0] === 'stale';
  }

  requireLeader(): void {
    if (this.node.raft.state() === 'leader') return;
    if (this.forwarded) throw unavailable(`${this.node.settings.nodeId} is not the leader (any more); ask again`);
    throw new NeedsLeader();
  }

  async readBarrier(): Promise<void> {
    if (this.staleReadAllowed) return;
    if (this.node.raft.state() === 'leader' || this.followerReads === undefined) {
      this.requireLeader();
      // Raft's applied index counts batches handed to the FSM; reads need them committed to LMDB.
      await this.node.fsm.committedAtLeast(await this.node.raft.readIndex());
      return;
    }
    await this.followerReads.barrier();
  }
}
