/**
 * Conformance with the existing Java easyClient: the exact call sequences of its operations
 * (../shared/minfs-compat.md §6.1), replayed over gRPC against a 3-node cluster, each starting at
 * the node the client's leader discovery picks (GetLeader on each registered address in turn).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { MetaCluster, STEADY_RAFT } from '../support/meta-cluster/meta-cluster';
import { MetaCallError, type MetaClient } from '../support/meta-cluster/meta-client';

const BLOCK = 4 * 1024 * 1024;
let cluster: MetaCluster;
let meta: MetaClient;

/** The client's discovery: GetLeader on each address in turn; the first reply naming a leader wins. */
async function discoverLeader(): Promise<MetaClient> {
  for (const node of cluster.nodes) {
    const reply = await cluster.client(node).call('GetLeader', {});
    if (reply.leader !== undefined && reply.leader !== null) {
      const address = `${reply.leader.host}:${reply.leader.port}`;
      const found = cluster.nodes.find((n) => n.grpc.address === address);
      assert.ok(found, `GetLeader named ${address}, which is no node`);
      return cluster.client(found);
    }
  }
  throw new Error('no node named a leader');
}

before(async () => {
  // The suite asks the leader it discovered first, as the client does; it tests no failover.
  cluster = await MetaCluster.start({ raft: STEADY_RAFT });
  meta = await discoverLeader();
  // Four DataServers, as start.sh runs them.
  for (let n = 1; n <= 4; n++) {
    await meta.call('Heartbeat', {
      dataServer_id: `dataServer-${n}`,
      dataServer_addr: `0.0.0.0:${8000 + n}`,
      block_count: 0,
      free_space: 1e12,
      total_capacity: 2e12,
      block_ids_report: [],
    });
  }
});
after(async () => {
  await cluster.stop();
});

async function statOrNull(path: string) {
  try {
    return (await meta.call('GetNodeInfo', { path })).statInfo ?? null;
  } catch (error: unknown) {
    if (error instanceof MetaCallError && error.code === status.NOT_FOUND) return null;
    throw error;
  }
}

/** EFileSystem.create(path) + write(bytes) + close(). */
async function writeFile(path: string, content: Buffer): Promise<void> {
  const existing = await statOrNull(path);
  if (existing?.type === 'File') await meta.call('DeleteNode', { path, recursive: false });
  await meta.call('CreateNode', { path, type: 'File' });
  if (content.length === 0) return; // the client never finalizes an empty file
  const md5 = createHash('md5').update(content).digest('hex');
  const located = await meta.call('GetBlockLocations', { path, size: content.length });
  assert.equal(located.block_locations.length, Math.ceil(content.length / BLOCK));
  for (const block of located.block_locations) assert.ok(block.locations.length >= 1);
  await meta.call('FinalizeWrite', { path, inode: located.inode, size: content.length, md5 });
}

/** EFileSystem.open(path): the block ids the client would read, one GetBlockLocations per block. */
async function readBlocks(path: string): Promise<string[]> {
  const stat = await statOrNull(path);
  assert.equal(stat?.type, 'File');
  const size = Number(stat.size);
  const ids: string[] = [];
  for (let offset = 0; offset < size; offset += BLOCK) {
    const located = await meta.call('GetBlockLocations', { path, size });
    ids.push(located.block_locations[Math.floor(offset / BLOCK)]!.block_id);
  }
  return ids;
}

test('write, then read back: size, md5, and the same blocks on every read call', async () => {
  const content = Buffer.alloc(10 * 1024 * 1024 + 123, 7);
  await writeFile('/file10m', content);
  const stat = await statOrNull('/file10m');
  assert.equal(stat?.size, String(content.length));
  assert.equal(stat?.md5, createHash('md5').update(content).digest('hex'));
  const first = await readBlocks('/file10m');
  assert.equal(first.length, 3);
  assert.deepEqual(await readBlocks('/file10m'), first);
});

test('rewriting an existing file: delete, create, new blocks', async () => {
  await writeFile('/again', Buffer.alloc(512 * 1024, 1));
  const before = await readBlocks('/again');
  await writeFile('/again', Buffer.alloc(512 * 1024, 2));
  const after = await readBlocks('/again');
  assert.equal(after.length, 1);
  assert.notDeepEqual(after, before);
});

test('an empty file exists with size 0 without FinalizeWrite', async () => {
  await writeFile('/empty', Buffer.alloc(0));
  const stat = await statOrNull('/empty');
  assert.equal(stat?.type, 'File');
  assert.equal(stat?.size, '0');
});

test('mkdir: GetNodeInfo says missing, then CreateNode(Directory); a second mkdir sees it exists', async () => {
  assert.equal(await statOrNull('/dir'), null);
  await meta.call('CreateNode', { path: '/dir', type: 'Directory' });
  assert.equal((await statOrNull('/dir'))?.type, 'Directory');
});

test('listFileStats, getFileStats (with replication info) and delete of a file and a directory', async () => {
  await meta.call('CreateNode', { path: '/tree', type: 'Directory' });
  await writeFile('/tree/a', Buffer.alloc(100, 1));
  await meta.call('CreateNode', { path: '/tree/sub', type: 'Directory' });
  await writeFile('/tree/sub/b', Buffer.alloc(200, 1));
  const listed = await meta.call('ListDirectory', { path: '/tree' });
  assert.deepEqual(
    listed.nodes.map((n) => [n.path, n.type, n.size]),
    [
      ['/tree/a', 'File', '100'],
      ['/tree/sub', 'Directory', '200'],
    ],
  );
  const stat = await statOrNull('/tree/a');
  assert.equal(stat?.size, '100');
  const replication = await meta.call('GetReplicationInfo', { path: '/tree/a' });
  assert.equal(replication.files[0]?.expected_replicas, 3);
  assert.equal(replication.files[0]?.blocks.length, 1);
  // delete: GetNodeInfo, then recursive=false for files, true for directories
  assert.equal((await statOrNull('/tree/a'))?.type, 'File');
  await meta.call('DeleteNode', { path: '/tree/a', recursive: false });
  assert.equal((await statOrNull('/tree/sub'))?.type, 'Directory');
  await meta.call('DeleteNode', { path: '/tree/sub', recursive: true });
  assert.deepEqual((await meta.call('ListDirectory', { path: '/tree' })).nodes, []);
  assert.equal((await statOrNull('/tree'))?.size, '0');
});

test('getClusterInfo names the leader, the other MetaServers and the DataServers', async () => {
  const info = (await meta.call('GetClusterInfo', {})).clusterInfo;
  assert.equal(`${info?.masterMetaServer?.host}:${info?.masterMetaServer?.port}`, meta.address);
  assert.equal(info?.slaveMetaServer.length, 2);
  assert.deepEqual(
    info?.dataServer.map((d) => `${d.host}:${d.port}`),
    ['0.0.0.0:8001', '0.0.0.0:8002', '0.0.0.0:8003', '0.0.0.0:8004'],
  );
});

test('errors are real codes, and the ones the client retries on (UNAVAILABLE) only mean "ask again"', async () => {
  const missing = await meta.failure('GetNodeInfo', { path: '/no/such' });
  assert.equal(missing.code, status.NOT_FOUND);
  const duplicate = await meta.failure('CreateNode', { path: '/dir', type: 'Directory' });
  assert.equal(duplicate.code, status.ALREADY_EXISTS);
});
