/** Status and Members: this node's view of Raft, for minfs-admin status and members. */
import type { MembersReply } from '../../generated/minfs/admin/MembersReply';
import type { NodeStatus } from '../../generated/minfs/admin/NodeStatus';
import type { MetaNode } from '../meta-node';

export function nodeStatus(node: MetaNode, version: string, grpcAddress: string): NodeStatus {
  const s = node.raft.stats();
  return {
    id: s.id,
    state: s.state,
    term: s.term,
    leader_id: s.leaderId ?? '',
    first_index: s.firstLogIndex,
    last_index: s.lastLogIndex,
    commit_index: s.commitIndex,
    applied_index: s.appliedIndex,
    snapshot_index: s.snapshotIndex,
    peers: node.raft.replication().map((p) => ({
      id: p.id,
      match_index: p.match,
      next_index: p.next,
      state: p.state,
      lag: Math.max(0, s.lastLogIndex - p.match),
    })),
    version,
    grpc_address: grpcAddress,
  };
}

export function members(node: MetaNode): MembersReply {
  const leader = node.raft.leader()?.id;
  return {
    members: node.raft.configuration().servers.map((server) => ({
      id: server.id,
      raft_address: server.address,
      suffrage: server.suffrage,
      grpc_address: node.members.grpcAddressOf(server.id) ?? '',
      leader: server.id === leader,
      promote: node.reader.member(server.id)?.promote === true && server.suffrage === 'nonvoter',
    })),
    configuration_index: node.raft.stats().configurationIndex,
  };
}
