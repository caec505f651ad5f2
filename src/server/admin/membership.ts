/**
 * Membership changes an operator (or a joining node) asks the leader for. A member's gRPC
 * address goes through the log first, so that by the time it is in the configuration every
 * replica can route clients to it.
 */
import { status } from '@grpc/grpc-js';
import type { ChangeReply } from '../../generated/minfs/admin/ChangeReply';
import type { MetaNode } from '../meta-node';
import { ServiceError, invalidArgument } from '../service-error';
import { proposeOk, requireLeader } from './leader-only';

export interface NewServer {
  readonly id: string;
  readonly raftAddress: string;
  /** Empty: keep whatever address the member has (announced or from config.yaml). */
  readonly grpcAddress: string;
}

const HOST_PORT = /^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/;

function checkNewServer(s: NewServer, grpcRequired: boolean): void {
  const problems: string[] = [];
  if (s.id === '' || s.id.length > 256 || /\s/.test(s.id))
    problems.push(`id must be a non-empty name without spaces, got ${JSON.stringify(s.id)}`);
  if (!HOST_PORT.test(s.raftAddress)) problems.push(`raft_address must be host:port, got ${JSON.stringify(s.raftAddress)}`);
  if ((grpcRequired || s.grpcAddress !== '') && !HOST_PORT.test(s.grpcAddress)) {
    problems.push(`grpc_address must be host:port, got ${JSON.stringify(s.grpcAddress)}`);
  }
  if (problems.length > 0) throw invalidArgument(problems.join('; '));
}

async function announce(node: MetaNode, s: NewServer, promote: boolean): Promise<void> {
  if (s.grpcAddress === '') return;
  await proposeOk(node, { op: 'member', at: node.wallClockMs(), id: s.id, grpcAddress: s.grpcAddress, promote, remove: false });
}

/** A server already in the configuration at another Raft address: the operator must remove it first. */
function refuseAddressChange(node: MetaNode, s: NewServer): void {
  const existing = node.raft.configuration().servers.find((x) => x.id === s.id);
  if (existing !== undefined && existing.address !== s.raftAddress) {
    throw new ServiceError(
      status.ALREADY_EXISTS,
      `${s.id} is already a member at ${existing.address}; remove it first to move it to ${s.raftAddress}`,
    );
  }
}

export async function addServer(node: MetaNode, s: NewServer, suffrage: 'voter' | 'nonvoter'): Promise<ChangeReply> {
  checkNewServer(s, false);
  requireLeader(node);
  refuseAddressChange(node, s);
  await announce(node, s, false);
  if (suffrage === 'voter') await node.raft.addVoter(s.id, s.raftAddress);
  else await node.raft.addNonvoter(s.id, s.raftAddress);
  return { message: `${s.id} (${s.raftAddress}) is a ${suffrage}` };
}

/**
 * A new node joining: it becomes a non-voter at once and a voter once it has caught up (the
 * leader's NonvoterPromoter), so a node that is still copying the namespace never counts toward a
 * quorum. Asking again (a restart with the same --join) changes nothing.
 */
export async function join(node: MetaNode, s: NewServer): Promise<ChangeReply> {
  checkNewServer(s, true);
  requireLeader(node);
  refuseAddressChange(node, s);
  const existing = node.raft.configuration().servers.find((x) => x.id === s.id);
  if (existing?.suffrage === 'voter') return { message: `${s.id} is already a voter` };
  await announce(node, s, true);
  if (existing === undefined) await node.raft.addNonvoter(s.id, s.raftAddress);
  return { message: `${s.id} joined as a non-voter; it becomes a voter once it has caught up` };
}

export async function removeServer(node: MetaNode, id: string): Promise<ChangeReply> {
  if (id === '') throw invalidArgument('id is required');
  requireLeader(node);
  if (!node.raft.configuration().servers.some((x) => x.id === id)) throw new ServiceError(status.NOT_FOUND, `${id} is not a member`);
  await node.raft.removeServer(id);
  // Forgetting its address is tidiness, not safety: a leader that removed itself is no longer leader.
  if (node.raft.state() === 'leader') {
    await proposeOk(node, { op: 'member', at: node.wallClockMs(), id, grpcAddress: '', promote: false, remove: true }).catch(
      (error: unknown) => node.logger.warn('admin: removed member address not forgotten', { id, error: String(error) }),
    );
  }
  return { message: `${id} removed` };
}

export async function transferLeadership(node: MetaNode, target: string): Promise<ChangeReply> {
  requireLeader(node);
  await node.raft.transferLeadership(target === '' ? undefined : target);
  const leader = node.raft.leader();
  return { message: `leadership moved to ${leader?.id ?? 'another node'}` };
}
