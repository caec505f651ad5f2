/** CreateNode, DeleteNode, Rename, GetNodeInfo and ListDirectory. */
import type { CreateNodeRequest__Output } from '../generated/dfs_project/CreateNodeRequest';
import type { DeleteNodeRequest__Output } from '../generated/dfs_project/DeleteNodeRequest';
import type { GetNodeInfoRequest__Output } from '../generated/dfs_project/GetNodeInfoRequest';
import type { GetNodeInfoResponse } from '../generated/dfs_project/GetNodeInfoResponse';
import type { ListDirectoryRequest__Output } from '../generated/dfs_project/ListDirectoryRequest';
import type { ListDirectoryResponse } from '../generated/dfs_project/ListDirectoryResponse';
import type { RenameRequest__Output } from '../generated/dfs_project/RenameRequest';
import type { SimpleResponse } from '../generated/dfs_project/SimpleResponse';
import type { NodeAt } from '../meta/namespace-reader';
import { DIRECTORY } from '../meta/node-types';
import type { CallRouting } from './call-routing';
import type { MetaNode } from './meta-node';
import { propose } from './propose';
import { optionalRequestId, requireNodeType, requirePath } from './request-fields';
import { invalidArgument, refusalError } from './service-error';
import { statInfo } from './stat-info';
import type { TrashPurger } from './trash-purger';
import { heavyReads } from './turn-taking';

const OK: SimpleResponse = { success: true, message: '' };
/** Largest page a paginated listing returns (page_size above it is lowered to it). */
export const MAX_PAGE_SIZE = 10_000;

export async function createNode(node: MetaNode, routing: CallRouting, request: CreateNodeRequest__Output): Promise<SimpleResponse> {
  const path = requirePath(request.path);
  const type = requireNodeType(request.type);
  const requestId = optionalRequestId(request.request_id);
  if (path.names.length === 0 && !(request.parents && type === DIRECTORY)) throw refusalError({ kind: 'already-exists', message: 'the root directory already exists' });
  routing.requireLeader();
  await propose(node, routing, {
    op: 'create',
    path: path.path,
    type,
    parents: request.parents,
    replication: node.settings.defaultReplication,
    at: node.wallClockMs(),
    ...(requestId === undefined ? {} : { requestId }),
  });
  return OK;
}

export async function deleteNode(node: MetaNode, routing: CallRouting, request: DeleteNodeRequest__Output, purger: TrashPurger): Promise<SimpleResponse> {
  const path = requirePath(request.path);
  if (path.names.length === 0) throw invalidArgument('the root directory cannot be deleted');
  const requestId = optionalRequestId(request.request_id);
  routing.requireLeader();
  const result = await propose(node, routing, {
    op: 'delete',
    path: path.path,
    recursive: request.recursive,
    at: node.wallClockMs(),
    ...(requestId === undefined ? {} : { requestId }),
  });
  if ('purgePending' in result && result.purgePending) purger.kick();
  return OK;
}

export async function rename(node: MetaNode, routing: CallRouting, request: RenameRequest__Output): Promise<SimpleResponse> {
  const from = requirePath(request.src_path, 'src_path');
  const to = requirePath(request.dst_path, 'dst_path');
  const requestId = optionalRequestId(request.request_id);
  routing.requireLeader();
  await propose(node, routing, { op: 'rename', from: from.path, to: to.path, at: node.wallClockMs(), ...(requestId === undefined ? {} : { requestId }) });
  return OK;
}

/** The node at a request's path after the read barrier, or the refusal's ServiceError. */
export async function statForRead(node: MetaNode, routing: CallRouting, rawPath: string): Promise<NodeAt> {
  const path = requirePath(rawPath);
  await routing.readBarrier();
  const found = node.reader.stat(path.path);
  if ('kind' in found) throw refusalError(found);
  return found;
}

export async function getNodeInfo(node: MetaNode, routing: CallRouting, request: GetNodeInfoRequest__Output): Promise<GetNodeInfoResponse> {
  return { statInfo: statInfo(await statForRead(node, routing, request.path)) };
}

/**
 * Lists a directory in byte order of names. Without page_size the whole directory comes back (what
 * the existing client expects); with it, at most that many entries and a next_page_token to pass
 * back. Listing a file gives an empty list, as the existing client expects.
 */
export async function listDirectory(node: MetaNode, routing: CallRouting, request: ListDirectoryRequest__Output): Promise<ListDirectoryResponse> {
  const after = request.page_token === '' ? undefined : decodePageToken(request.page_token);
  const dir = await statForRead(node, routing, request.path);
  if (dir.record.t !== DIRECTORY) return { nodes: [], next_page_token: '' };
  const limit = request.page_size === 0 ? Number.MAX_SAFE_INTEGER : Math.min(request.page_size, MAX_PAGE_SIZE);
  return heavyReads.run(() => {
    const page = node.reader.list(dir, after, limit);
    return { nodes: page.entries.map(statInfo), next_page_token: page.next === undefined ? '' : encodePageToken(page.next) };
  });
}

function encodePageToken(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

function decodePageToken(token: string): string {
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (name === '' || encodePageToken(name) !== token) throw invalidArgument('page_token is not one this server handed out');
  return name;
}
