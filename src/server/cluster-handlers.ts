/** GetClusterInfo, GetLeader, GetReplicationInfo and Heartbeat. */
import type { GetClusterInfoResponse } from '../generated/dfs_project/GetClusterInfoResponse';
import type { GetLeaderResponse } from '../generated/dfs_project/GetLeaderResponse';
import type { GetReplicationInfoRequest__Output } from '../generated/dfs_project/GetReplicationInfoRequest';
import type { GetReplicationInfoResponse } from '../generated/dfs_project/GetReplicationInfoResponse';
import type { HeartbeatRequest__Output } from '../generated/dfs_project/HeartbeatRequest';
import type { HeartbeatResponse } from '../generated/dfs_project/HeartbeatResponse';
import type { MetaServerMsg } from '../generated/dfs_project/MetaServerMsg';
import type { ReplicationStatus } from '../generated/dfs_project/ReplicationStatus';
import type { NodeAt } from '../meta/namespace-reader';
import { FILE } from '../meta/node-types';
import type { CallRouting } from './call-routing';
import { statForRead } from './namespace-handlers';
import type { MetaNode } from './meta-node';
import { splitHostPort } from './members';
import { requireCount } from './request-fields';
import { invalidArgument, refusalError } from './service-error';
import { heavyReads } from './turn-taking';

const MiB = 1024 * 1024;
/** Files examined per event-loop turn by a GetReplicationInfo of every file. */
const FILES_PER_TURN = 500;

/** The leader and the other voters, as this node knows them (no quorum round: it is discovery). */
export function getLeader(node: MetaNode): GetLeaderResponse {
  const leaderId = node.raft.leader()?.id;
  const followers: MetaServerMsg[] = [];
  let leader: MetaServerMsg | undefined;
  for (const server of node.raft.configuration().servers) {
    const address = node.members.grpcAddressOf(server.id);
    if (address === undefined) continue;
    if (server.id === leaderId) leader = splitHostPort(address);
    else if (server.suffrage === 'voter') followers.push(splitHostPort(address));
  }
  return leader === undefined ? { followers } : { leader, followers };
}

/** MetaServers as GetLeader sees them, and the healthy DataServers the leader hears from. */
export function getClusterInfo(node: MetaNode, routing: CallRouting): GetClusterInfoResponse {
  routing.requireLeader();
  const { leader, followers } = getLeader(node);
  const dataServer = node.dataServers.healthy().map((s) => ({
    ...splitHostPort(s.address),
    fileTotal: clampInt32(s.blockCount),
    capacity: clampInt32(Math.floor(s.capacityBytes / MiB)),
    useCapacity: clampInt32(Math.floor(Math.max(0, s.capacityBytes - s.freeBytes) / MiB)),
  }));
  return { clusterInfo: { ...(leader === undefined ? {} : { masterMetaServer: leader }), slaveMetaServer: followers, dataServer } };
}

/**
 * Replication of one file, or of every file for an empty path. A replica counts when a healthy
 * DataServer at one of the block's locations reported the block in its latest heartbeat. A file's
 * status and actual_replicas come from its least-replicated block; a file without blocks is healthy.
 */
export async function getReplicationInfo(node: MetaNode, routing: CallRouting, request: GetReplicationInfoRequest__Output): Promise<GetReplicationInfoResponse> {
  routing.requireLeader();
  let files: Iterable<NodeAt>;
  if (request.path === '') {
    await routing.readBarrier();
    files = node.reader.files();
  } else {
    const found = await statForRead(node, routing, request.path);
    if (found.record.t !== FILE) throw refusalError({ kind: 'is-a-directory', message: `path is not a file: ${found.path}` });
    files = [found];
  }
  const out: ReplicationStatus[] = [];
  const counts = { healthy: 0, under: 0, over: 0 };
  const iterator = files[Symbol.iterator]();
  // A scan of every file runs in slices, one per event-loop turn (see turn-taking.ts).
  for (let done = false; !done; ) {
    done = await heavyReads.run(() => {
      for (let n = 0; n < FILES_PER_TURN; n++) {
        const next = iterator.next();
        if (next.done === true) return true;
        const file = replicationOf(node, next.value);
        counts[file.status === 'healthy' ? 'healthy' : file.status === 'under_replicated' ? 'under' : 'over']++;
        out.push(file);
      }
      return false;
    });
  }
  return { files: out, total_files: out.length, healthy_files: counts.healthy, under_replicated_files: counts.under, over_replicated_files: counts.over };
}

function replicationOf(node: MetaNode, file: NodeAt): ReplicationStatus & { status: string } {
  const expected = file.record.r;
  let least = Number.POSITIVE_INFINITY;
  const blocks = node.reader.blocks(file).map((b) => {
    const locations = b.locations.filter((address) => node.dataServers.holds(address, b.blockId));
    least = Math.min(least, locations.length);
    return { block_id: b.blockId, locations, expected_locations: [...b.locations], replica_count: locations.length };
  });
  const actual = blocks.length === 0 ? expected : least;
  const status = actual < expected ? 'under_replicated' : actual > expected ? 'over_replicated' : 'healthy';
  return { path: file.path, inode: file.inode, size: file.record.s, expected_replicas: expected, actual_replicas: actual, blocks, status };
}

/** Records a DataServer's heartbeat on the leader (followers forward it). Commands arrive with the next issue. */
export function heartbeat(node: MetaNode, routing: CallRouting, request: HeartbeatRequest__Output): HeartbeatResponse {
  if (request.dataServer_id === '') throw invalidArgument('dataServer_id is empty');
  if (request.dataServer_addr === '') throw invalidArgument('dataServer_addr is empty');
  const blocks = new Set<number>();
  for (const id of request.block_ids_report) blocks.add(requireCount(id, 'block_ids_report entry'));
  routing.requireLeader();
  node.dataServers.heartbeat({
    id: request.dataServer_id,
    address: request.dataServer_addr,
    blockCount: requireCount(request.block_count, 'block_count'),
    freeBytes: requireCount(request.free_space, 'free_space'),
    capacityBytes: requireCount(request.total_capacity, 'total_capacity'),
    blocks,
  });
  return { commands: [] };
}

function clampInt32(n: number): number {
  return Math.min(n, 0x7fffffff);
}
