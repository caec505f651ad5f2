/** GetClusterInfo, GetLeader, GetReplicationInfo and Heartbeat. */
import type { GetClusterInfoResponse } from '../generated/dfs_project/GetClusterInfoResponse';
import type { GetLeaderResponse } from '../generated/dfs_project/GetLeaderResponse';
import type { GetReplicationInfoRequest__Output } from '../generated/dfs_project/GetReplicationInfoRequest';
import type { GetReplicationInfoResponse } from '../generated/dfs_project/GetReplicationInfoResponse';
import type { HeartbeatResponse } from '../generated/dfs_project/HeartbeatResponse';
import type { MetaServerMsg } from '../generated/dfs_project/MetaServerMsg';
import type { ReplicationStatus } from '../generated/dfs_project/ReplicationStatus';
import type { NodeAt } from '../meta/namespace-reader';
import { FILE } from '../meta/node-types';
import type { CallRouting } from './call-routing';
import { statForRead } from './namespace-handlers';
import type { MetaNode } from './meta-node';
import { splitHostPort } from './members';
import { invalidArgument, refusalError, unavailable } from './service-error';
import { MAX_DATASERVER_NAME } from '../meta/apply-upkeep';
import type { DecodedHeartbeat } from './heartbeat-decoder';
import { sortedBlockIds } from '../cluster/dataserver-tracker';
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

/**
 * MetaServers as GetLeader sees them, and the DataServers the leader hears from, dead ones left
 * out. Usage is what each server's latest heartbeat says of its disk (total - free).
 */
export function getClusterInfo(node: MetaNode, routing: CallRouting): GetClusterInfoResponse {
  routing.requireLeader();
  const { leader, followers } = getLeader(node);
  const alive = node.upkeep.tracker.all().filter((s) => s.liveness !== 'dead');
  const dataServer = alive.map((s) => ({
    ...splitHostPort(s.address),
    fileTotal: clampInt32(s.blockCount),
    capacity: clampInt32(Math.floor(s.capacityBytes / MiB)),
    useCapacity: clampInt32(Math.floor(Math.max(0, s.capacityBytes - s.freeBytes) / MiB)),
  }));
  return { clusterInfo: { ...(leader === undefined ? {} : { masterMetaServer: leader }), slaveMetaServer: followers, dataServer } };
}

/**
 * Replication of one file, or of every file for an empty path. A replica counts when a DataServer
 * the block map names, not dead, reported the block in its latest heartbeat. A file's
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
  const addressOf = (id: string): string => node.reader.addressOf(id) ?? id;
  const blocks = node.reader.blocks(file).map((b) => {
    const holding = b.locations.filter((id) => node.upkeep.tracker.holds(id, b.blockId));
    least = Math.min(least, holding.length);
    return { block_id: b.blockId, locations: holding.map(addressOf), expected_locations: b.locations.map(addressOf), replica_count: holding.length };
  });
  const actual = blocks.length === 0 ? expected : least;
  const status = actual < expected ? 'under_replicated' : actual > expected ? 'over_replicated' : 'healthy';
  return { path: file.path, inode: file.inode, size: file.record.s, expected_replicas: expected, actual_replicas: actual, blocks, status };
}

/** A decoded uint64 (NaN when it was beyond 2^53). */
function requireWhole(value: number, field: string): number {
  if (!Number.isSafeInteger(value)) throw invalidArgument(`${field} is beyond ${Number.MAX_SAFE_INTEGER}`);
  return value;
}

/** The largest capacity a heartbeat may claim: 1 EiB (anything above is a broken report). */
const MAX_CAPACITY_BYTES = 2 ** 60;
const ADDRESS = /^[^\s]+:(\d{1,5})$/;

/**
 * A DataServer's heartbeat, on the leader only: followers answer UNAVAILABLE so the DataServer
 * finds the leader (a heartbeat kept on an ex-leader would be lost to the cluster). The reply
 * carries the DataServer's commands.
 */
export async function heartbeat(node: MetaNode, request: DecodedHeartbeat): Promise<HeartbeatResponse> {
  const id = request.dataServer_id;
  const address = request.dataServer_addr;
  if (id === '') throw invalidArgument('dataServer_id is empty');
  if (id.length > MAX_DATASERVER_NAME) throw invalidArgument(`dataServer_id is longer than ${MAX_DATASERVER_NAME} characters`);
  const port = ADDRESS.exec(address)?.[1];
  if (address.length > MAX_DATASERVER_NAME || port === undefined || Number(port) < 1 || Number(port) > 65535) {
    throw invalidArgument(`dataServer_addr ${JSON.stringify(address.slice(0, 80))} is not host:port`);
  }
  const capacityBytes = requireWhole(request.total_capacity, 'total_capacity');
  const freeBytes = requireWhole(request.free_space, 'free_space');
  const blockCount = requireWhole(request.block_count, 'block_count');
  if (capacityBytes > MAX_CAPACITY_BYTES) throw invalidArgument(`total_capacity ${capacityBytes} is beyond 1 EiB`);
  if (freeBytes > capacityBytes) throw invalidArgument(`free_space ${freeBytes} exceeds total_capacity ${capacityBytes}`);
  const report = request.block_ids_report;
  for (let i = 0; i < report.length; i++) {
    const blockId = report[i]!;
    if (!(blockId >= 1)) throw invalidArgument(blockId === 0 ? 'block_ids_report names block 0, which never exists' : `block_ids_report names a block id beyond ${Number.MAX_SAFE_INTEGER}`);
  }
  if (node.raft.state() !== 'leader') throw unavailable(`${node.settings.nodeId} is not the leader: send heartbeats to the leader (GetLeader names it)`);
  const { commands, registered } = node.upkeep.heartbeat({
    id,
    address,
    blockCount,
    freeBytes,
    capacityBytes,
    blocks: sortedBlockIds(request.block_ids_report),
  });
  if (registered !== undefined) await registered;
  return { commands };
}

function clampInt32(n: number): number {
  return Math.min(n, 0x7fffffff);
}
