/**
 * minfs-admin check: the leader appends a checkpoint entry; every replica hashes its state at that
 * entry (MetaFsm.checkpointDigest), and the tool compares the hashes.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { CheckpointReply } from '../../generated/minfs/admin/CheckpointReply';
import type { Digest } from '../../generated/minfs/admin/Digest';
import type { MetaNode } from '../meta-node';
import { ServiceError } from '../service-error';
import { proposeOk, requireLeader } from './leader-only';

/** How long a replica waits for a checkpoint by default, and at most. */
const DEFAULT_WAIT_MS = 30_000;
const MAX_WAIT_MS = 10 * 60_000;

export async function checkpoint(node: MetaNode): Promise<CheckpointReply> {
  requireLeader(node);
  const id = randomUUID();
  await proposeOk(node, { op: 'checkpoint', at: node.wallClockMs(), id });
  return { checkpoint_id: id };
}

export async function checkpointDigest(node: MetaNode, id: string, timeoutMs: number): Promise<Digest> {
  const wait = Math.min(timeoutMs > 0 ? timeoutMs : DEFAULT_WAIT_MS, MAX_WAIT_MS);
  try {
    const digest = await node.fsm.checkpointDigest(id, AbortSignal.timeout(wait));
    return { node_id: node.settings.nodeId, applied_index: digest.appliedIndex, records: digest.records, hash: digest.hash };
  } catch (error: unknown) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new ServiceError(
        status.DEADLINE_EXCEEDED,
        `${node.settings.nodeId} did not apply checkpoint ${id} within ${wait} ms (behind, or it installed a snapshot past it: run check again)`,
      );
    }
    throw error;
  }
}
