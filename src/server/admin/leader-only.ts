/**
 * Admin calls that change the cluster run on the leader. A follower does not forward them (an
 * operator's change should go where the operator can see it go): it refuses with
 * FAILED_PRECONDITION naming the leader, and minfs-admin sends its calls to the leader it found.
 */
import { status } from '@grpc/grpc-js';
import { encodeCommand, type MetaCommand } from '../../meta/commands';
import type { MetaResult } from '../../meta/results';
import type { MetaNode } from '../meta-node';
import { ServiceError, refusalError } from '../service-error';

export function requireLeader(node: MetaNode): void {
  if (node.raft.state() === 'leader') return;
  const leader = node.raft.leader();
  const where =
    leader === undefined
      ? 'no leader is known'
      : `the leader is ${leader.id} at ${node.members.grpcAddressOf(leader.id) ?? 'an unknown gRPC address'}`;
  throw new ServiceError(status.FAILED_PRECONDITION, `${node.settings.nodeId} is not the leader; ${where}`);
}

/** Proposes a cluster bookkeeping command (member, checkpoint); a refusal becomes its ServiceError. */
export async function proposeOk(node: MetaNode, command: MetaCommand): Promise<Exclude<MetaResult, { ok: false }>> {
  const result = await node.raft.apply(encodeCommand(command));
  if (!result.ok) throw refusalError(result);
  return result;
}
