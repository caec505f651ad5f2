/**
 * minfs-admin snapshot save: a point-in-time copy of the namespace, from the leader, after a
 * linearizable read point (so it holds every write acknowledged before the call), streamed in the
 * FSM's own snapshot format, the one snapshot restore takes back.
 */
import type * as grpc from '@grpc/grpc-js';
import type { SnapshotChunk } from '../../generated/minfs/admin/SnapshotChunk';
import type { SnapshotSaveRequest__Output } from '../../generated/minfs/admin/SnapshotSaveRequest';
import type { MetaNode } from '../meta-node';
import { requireLeader } from './leader-only';

export async function saveSnapshot(
  node: MetaNode,
  call: grpc.ServerWritableStream<SnapshotSaveRequest__Output, SnapshotChunk>,
): Promise<void> {
  requireLeader(node);
  await node.raft.readIndex();
  const view = await node.fsm.snapshot();
  try {
    await view.persist(async (chunk) => {
      if (call.cancelled) throw new Error('snapshot save cancelled by the caller');
      // Backpressure: a slow caller holds the copy back rather than the leader's memory.
      if (!call.write({ data: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) })) {
        await new Promise<void>((resolve) => call.once('drain', resolve));
      }
    });
  } finally {
    view.release();
  }
}
