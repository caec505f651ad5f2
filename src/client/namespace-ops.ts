/**
 * The namespace calls: list, stat, mkdir, rm, mv, and the cluster's view of DataServers and
 * replication. Each is one MetaServer call (or a short sequence), retried by MetaConnection.
 */
import { status } from '@grpc/grpc-js';
import { MinfsError } from './errors';
import type { MetaConnection } from './meta-connection';
import {
  clusterSummaryOf,
  fileReplicationOf,
  fileStatOf,
  replicationReportOf,
  type ClusterSummary,
  type FileStat,
  type ReplicationReport,
  type StatResult,
} from './results';

/** Entries per ListDirectory page: big enough to be few calls, small enough to keep answers light. */
export const DEFAULT_PAGE_SIZE = 1_000;

/** The node at `path`, or undefined when there is none (any other failure is thrown). */
export async function statOrUndefined(meta: MetaConnection, path: string): Promise<FileStat | undefined> {
  try {
    const answer = await meta.call('GetNodeInfo', { path });
    if (answer.statInfo === null) throw new MinfsError(status.INTERNAL, `GetNodeInfo ${path}: the answer has no statInfo`);
    return fileStatOf(answer.statInfo);
  } catch (error: unknown) {
    if (error instanceof MinfsError && error.code === status.NOT_FOUND) return undefined;
    throw error;
  }
}

export async function stat(meta: MetaConnection, path: string): Promise<StatResult> {
  const found = await statOrUndefined(meta, path);
  if (found === undefined) throw new MinfsError(status.NOT_FOUND, `no such file or directory: ${path}`);
  if (found.type !== 'File') return found;
  const replication = await meta.call('GetReplicationInfo', { path: found.path });
  const file = replication.files[0];
  return file === undefined ? found : { ...found, replication: fileReplicationOf(file) };
}

/**
 * The children of a directory, one page at a time (a page per ListDirectory call, following
 * next_page_token), so a huge directory can be printed as it arrives. A file lists as no children.
 */
export async function* listPages(meta: MetaConnection, path: string, pageSize = DEFAULT_PAGE_SIZE): AsyncGenerator<FileStat[]> {
  let token = '';
  do {
    const page = await meta.call('ListDirectory', { path, page_size: pageSize, page_token: token });
    yield page.nodes.map(fileStatOf);
    token = page.next_page_token;
  } while (token !== '');
}

export async function list(meta: MetaConnection, path: string, pageSize = DEFAULT_PAGE_SIZE): Promise<FileStat[]> {
  const all: FileStat[] = [];
  for await (const page of listPages(meta, path, pageSize)) all.push(...page);
  return all;
}

export async function mkdir(meta: MetaConnection, path: string, parents: boolean): Promise<void> {
  await meta.mutate('CreateNode', { path, type: 'Directory', parents });
}

export async function remove(meta: MetaConnection, path: string, recursive: boolean): Promise<void> {
  await meta.mutate('DeleteNode', { path, recursive });
}

export async function rename(meta: MetaConnection, from: string, to: string): Promise<void> {
  await meta.mutate('Rename', { src_path: from, dst_path: to });
}

export async function clusterInfo(meta: MetaConnection): Promise<ClusterSummary> {
  return clusterSummaryOf(await meta.call('GetClusterInfo', {}));
}

/** Replication of one file, or of every file when `path` is empty. */
export async function replication(meta: MetaConnection, path: string): Promise<ReplicationReport> {
  return replicationReportOf(await meta.call('GetReplicationInfo', { path }));
}
