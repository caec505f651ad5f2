/**
 * minfs-admin rebuild: brings back a member whose data directory is damaged (or lost), from the
 * others, in one command. The node must be stopped. Through the leader it is removed from the
 * membership and added again as a non-voter that the leader promotes once it has caught up; its
 * directory is moved aside (kept for inspection, never deleted) and replaced by an empty one
 * carrying a marker, so that its usual command line (--bootstrap included) starts it as a blank
 * member waiting for the leader's snapshot rather than founding a cluster of its own.
 *
 * Why remove and re-add rather than just empty the directory: a voter that lost its log and its
 * vote could vote again in a term it already voted in, or help elect a leader that lacks entries
 * it had acknowledged (its acknowledgement counted towards their commit). As a non-voter it
 * counts in no quorum until it holds everything again (etcd asks for the same: member remove,
 * then member add with an empty data directory).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminClient } from './admin-client';
import { dataDirHolder } from './data-dir-lock';

/** In an emptied data directory: who the node is and where the cluster was, until it has state again. */
export const REBUILD_MARKER = 'rebuilding.json';

interface RebuildMarker {
  readonly nodeId: string;
  readonly raftAddress: string;
  readonly grpcAddress: string;
  readonly damagedCopy: string;
}

/** The marker in `dataDir`, when a rebuild left one there. */
export function readRebuildMarker(dataDir: string): RebuildMarker | undefined {
  const file = join(dataDir, REBUILD_MARKER);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as RebuildMarker;
}

export function clearRebuildMarker(dataDir: string): void {
  rmSync(join(dataDir, REBUILD_MARKER), { force: true });
}

export async function runRebuild(leader: AdminClient, dataDir: string, nodeId: string, now: Date = new Date()): Promise<string> {
  const holder = dataDirHolder(dataDir);
  if (holder !== undefined) throw new Error(`${dataDir} is in use by process ${holder}: stop that metaServer first`);
  const members = (await leader.members()).members;
  const member = members.find((m) => m.id === nodeId);
  // A marker left by an earlier rebuild that stopped half-way: the directory is already aside.
  let marker = readRebuildMarker(dataDir);
  if (marker !== undefined && marker.nodeId !== nodeId) throw new Error(`${dataDir} was being rebuilt as ${marker.nodeId}, not ${nodeId}`);
  if (marker === undefined) {
    if (member === undefined) throw new Error(`${nodeId} is not a member (members: ${members.map((m) => m.id).join(', ')})`);
    if (member.leader) throw new Error(`${nodeId} is the leader: a running node cannot be rebuilt`);
    if (member.grpc_address === '') throw new Error(`${nodeId} has no gRPC address in the membership; cannot re-add it`);
    // The directory goes aside first: if anything after fails, running this again resumes here.
    const damagedCopy = `${dataDir}.damaged-${now.toISOString().replaceAll(':', '')}`;
    if (existsSync(dataDir)) renameSync(dataDir, damagedCopy);
    mkdirSync(dataDir, { recursive: true });
    marker = { nodeId, raftAddress: member.raft_address, grpcAddress: member.grpc_address, damagedCopy };
    writeFileSync(join(dataDir, REBUILD_MARKER), `${JSON.stringify(marker, null, 1)}\n`);
  }
  if (member !== undefined) await leader.remove(nodeId);
  await leader.join(nodeId, marker.raftAddress, marker.grpcAddress);
  return (
    `rebuilt ${nodeId}: removed and added back as a non-voter (promoted to voter once caught up); ` +
    `damaged data kept in ${marker.damagedCopy}; start the node with its usual command line`
  );
}
