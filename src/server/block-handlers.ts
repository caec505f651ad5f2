/** GetBlockLocations (reads and the write allocator) and FinalizeWrite. */
import { placeBlocks } from '../cluster/placement';
import type { FinalizeWriteRequest__Output } from '../generated/dfs_project/FinalizeWriteRequest';
import type { GetBlockLocationsRequest__Output } from '../generated/dfs_project/GetBlockLocationsRequest';
import type { GetBlockLocationsResponse } from '../generated/dfs_project/GetBlockLocationsResponse';
import type { SimpleResponse } from '../generated/dfs_project/SimpleResponse';
import { checkFileSize } from '../meta/apply-blocks';
import { DIRECTORY, blocksFor, type BlockMapping } from '../meta/node-types';
import type { CallRouting } from './call-routing';
import type { MetaNode } from './meta-node';
import { propose } from './propose';
import { optionalRequestId, requireCount, requirePath } from './request-fields';
import { ServiceError, invalidArgument, refusalError } from './service-error';
import { status } from '@grpc/grpc-js';

/** Block maps name DataServers by id; clients get the addresses those ids are registered at. */
function response(node: MetaNode, inode: number, blocks: readonly BlockMapping[]): GetBlockLocationsResponse {
  return { inode, block_locations: blocks.map((b) => ({ block_id: b.blockId, locations: b.locations.map((id) => node.reader.addressOf(id) ?? id) })) };
}

/** Seeds of placement draws: different for every allocation, reproducible from the log. */
let placementDraws = 0;

/**
 * Read mode (size 0, or the file's size when it has one) returns the file's blocks. Otherwise it
 * is a write: the leader places ceil(size / 4 MiB) blocks on healthy DataServers and maps them all
 * in one log entry (creating the file when missing), replacing whatever the file held before.
 */
export async function getBlockLocations(node: MetaNode, routing: CallRouting, request: GetBlockLocationsRequest__Output): Promise<GetBlockLocationsResponse> {
  const path = requirePath(request.path);
  const size = requireSize(request.size);
  const requestId = optionalRequestId(request.request_id);
  await routing.readBarrier();
  const found = node.reader.stat(path.path);
  if ('kind' in found) {
    if (found.kind !== 'not-found' || size === 0) throw refusalError(found.kind === 'not-found' ? { kind: 'not-found', message: `file not found: ${path.path}` } : found);
  } else {
    if (found.record.t === DIRECTORY) throw refusalError({ kind: 'is-a-directory', message: `cannot get block locations for directory: ${path.path}` });
    if (size === 0 || (size === found.record.s && size > 0)) return response(node, found.inode, node.reader.blocks(found));
  }
  routing.requireLeader();
  const replication = 'kind' in found ? node.settings.defaultReplication : found.record.r;
  const placed = placeBlocks(node.upkeep.placementCandidates(), blocksFor(size), replication, node.wallClockMs() + placementDraws++);
  if (!placed.ok) {
    // A new leader has not heard from every DataServer yet: that passes within a heartbeat, so
    // the client should retry (UNAVAILABLE) rather than give up (RESOURCE_EXHAUSTED).
    if (node.upkeep.status().safeMode) throw new ServiceError(status.UNAVAILABLE, `${placed.message} yet: this leader is still hearing from the DataServers; retry shortly`);
    throw new ServiceError(status.RESOURCE_EXHAUSTED, placed.message);
  }
  node.upkeep.notePlaced(placed.placements);
  const result = await propose(node, routing, {
    op: 'allocate',
    path: path.path,
    size,
    placements: placed.placements,
    create: true,
    replication,
    at: node.wallClockMs(),
    ...(requestId === undefined ? {} : { requestId }),
  });
  if (!('blocks' in result)) throw new Error('allocate gave no blocks');
  return response(node, result.inode, result.blocks);
}

export async function finalizeWrite(node: MetaNode, routing: CallRouting, request: FinalizeWriteRequest__Output): Promise<SimpleResponse> {
  const path = requirePath(request.path);
  const inode = requireCount(request.inode, 'inode');
  if (inode === 0) throw invalidArgument('invalid inode ID 0');
  const size = requireSize(request.size);
  const requestId = optionalRequestId(request.request_id);
  routing.requireLeader();
  await propose(node, routing, {
    op: 'finalize',
    path: path.path,
    inode,
    size,
    md5: request.md5.toLowerCase(),
    at: node.wallClockMs(),
    ...(requestId === undefined ? {} : { requestId }),
  });
  return { success: true, message: '' };
}

function requireSize(value: string): number {
  const size = Number(value);
  const bad = checkFileSize(size);
  if (bad !== undefined) throw invalidArgument(bad.message);
  return size;
}
