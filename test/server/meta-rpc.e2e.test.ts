/**
 * Every RPC of MetaServerService over real gRPC on a 3-node in-process cluster, asked of the leader
 * and of a follower (which forwards), with the exact status codes of the error table.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { MetaCluster } from '../support/meta-cluster/meta-cluster';
import { staleRead, type MetaClient } from '../support/meta-cluster/meta-client';

let cluster: MetaCluster;
let leader: MetaClient;
let follower: MetaClient;

before(async () => {
  cluster = await MetaCluster.start();
  leader = cluster.client(await cluster.leader());
  follower = cluster.client((await cluster.followers())[0]!);
});
after(async () => {
  await cluster.stop();
});

const MiB = 1024 * 1024;

function heartbeatOf(n: number, blocks: number[] = []) {
  return {
    dataServer_id: `dataServer-${n}`,
    dataServer_addr: `127.0.0.1:${8000 + n}`,
    block_count: blocks.length,
    free_space: 100 * MiB * n,
    total_capacity: 1000 * MiB,
    block_ids_report: blocks,
  };
}

test('CreateNode and GetNodeInfo: on the leader and through a follower', async () => {
  assert.deepEqual(await leader.call('CreateNode', { path: '/docs', type: 'Directory' }), { success: true, message: '' });
  await follower.call('CreateNode', { path: '/docs/a.txt', type: 'File' });
  const info = await follower.call('GetNodeInfo', { path: '/docs/a.txt' });
  assert.equal(info.statInfo?.path, '/docs/a.txt');
  assert.equal(info.statInfo?.type, 'File');
  assert.equal(info.statInfo?.size, '0');
  assert.ok(Number(info.statInfo?.mtime) > Date.now() - 60_000, 'mtime is the leader wall clock in ms');
  const dir = await leader.call('GetNodeInfo', { path: '/docs/' });
  assert.equal(dir.statInfo?.type, 'Directory');
});

test('a follower serves linearizable reads itself: a write acknowledged by the leader is seen at once', async () => {
  for (let i = 0; i < 20; i++) {
    await leader.call('CreateNode', { path: `/seen-${i}`, type: 'File' });
    const info = await follower.call('GetNodeInfo', { path: `/seen-${i}` });
    assert.equal(info.statInfo?.path, `/seen-${i}`);
  }
  const followerNode = (await cluster.followers())[0]!;
  const before = followerNode.node.fsm.appliedIndex();
  await leader.call('CreateNode', { path: '/seen-last', type: 'File' });
  assert.equal((await follower.call('ListDirectory', { path: '/' })).nodes.some((n) => n.path === '/seen-last'), true);
  assert.ok(followerNode.node.fsm.appliedIndex() > before);
});

test('CreateNode refusals: exists, missing parent, under a file, root, bad types, bad paths', async () => {
  await leader.call('CreateNode', { path: '/r', type: 'Directory' });
  await leader.call('CreateNode', { path: '/r/f', type: 'File' });
  const cases: [Parameters<MetaClient['failure']>[1], status, RegExp][] = [
    [{ path: '/r', type: 'Directory' }, status.ALREADY_EXISTS, /already exists: \/r/],
    [{ path: '/missing/x', type: 'File' }, status.NOT_FOUND, /parent directory does not exist: \/missing/],
    [{ path: '/r/f/x', type: 'File' }, status.FAILED_PRECONDITION, /parent is not a directory: \/r\/f/],
    [{ path: '/', type: 'Directory' }, status.ALREADY_EXISTS, /root directory already exists/],
    [{ path: '/v', type: 'Volume' }, status.INVALID_ARGUMENT, /Volume is not supported/],
    [{ path: '/u', type: 'Unknown' }, status.INVALID_ARGUMENT, /Unknown/],
    [{ path: '', type: 'File' }, status.INVALID_ARGUMENT, /path is empty/],
    [{ path: 'rel/x', type: 'File' }, status.INVALID_ARGUMENT, /must be absolute/],
    [{ path: '/a\u0000b', type: 'File' }, status.INVALID_ARGUMENT, /NUL/],
    [{ path: '/' + 'x'.repeat(256), type: 'File' }, status.INVALID_ARGUMENT, /longer than 255 bytes/],
    [{ path: '/' + 'x/'.repeat(2100), type: 'File' }, status.INVALID_ARGUMENT, /longer than 4096 bytes/],
  ];
  for (const [request, code, message] of cases) {
    for (const client of [leader, follower]) {
      const error = await client.failure('CreateNode', request as never);
      assert.equal(error.code, code, `${JSON.stringify(request).slice(0, 60)}: ${error.message}`);
      assert.match(error.details, message);
    }
  }
});

test('mkdir -p, ListDirectory with full paths and pagination, stale reads', async () => {
  await follower.call('CreateNode', { path: '/p/q/r', type: 'Directory', parents: true });
  await follower.call('CreateNode', { path: '/p/q/r', type: 'Directory', parents: true });
  for (const name of ['c', 'a', 'b', 'd', 'e']) await leader.call('CreateNode', { path: `/p/q/r/${name}`, type: 'File' });
  const all = await follower.call('ListDirectory', { path: '/p/q/r' });
  assert.deepEqual(all.nodes.map((n) => n.path), ['/p/q/r/a', '/p/q/r/b', '/p/q/r/c', '/p/q/r/d', '/p/q/r/e']);
  const names: string[] = [];
  let token = '';
  for (;;) {
    const page = await follower.call('ListDirectory', { path: '/p/q/r', page_size: 2, page_token: token });
    names.push(...page.nodes.map((n) => n.path));
    assert.ok(page.nodes.length <= 2);
    if (page.next_page_token === '') break;
    token = page.next_page_token;
  }
  assert.deepEqual(names, all.nodes.map((n) => n.path));
  assert.deepEqual((await leader.call('ListDirectory', { path: '/p/q/r/a' })).nodes, [], 'listing a file is empty');
  assert.equal((await leader.failure('ListDirectory', { path: '/nope' })).code, status.NOT_FOUND);
  assert.equal((await leader.failure('ListDirectory', { path: '/p', page_token: '!!' })).code, status.INVALID_ARGUMENT);
  await cluster.converged();
  const stale = await follower.call('GetNodeInfo', { path: '/p/q/r/e' }, staleRead());
  assert.equal(stale.statInfo?.path, '/p/q/r/e');
});

test('write then read a file: GetBlockLocations (write and read mode), FinalizeWrite, directory sizes', async () => {
  const onFollower = await follower.failure('Heartbeat', heartbeatOf(1));
  assert.equal(onFollower.code, status.UNAVAILABLE, 'a follower sends DataServers to the leader');
  assert.match(onFollower.details, /is not the leader/);
  for (let n = 1; n <= 4; n++) await leader.call('Heartbeat', heartbeatOf(n));
  await leader.call('CreateNode', { path: '/w', type: 'Directory' });
  await leader.call('CreateNode', { path: '/w/f', type: 'File' });
  const size = 9 * MiB + 5;
  const written = await follower.call('GetBlockLocations', { path: '/w/f', size });
  assert.equal(written.block_locations.length, 3);
  for (const b of written.block_locations) assert.equal(new Set(b.locations).size, 3, 'three distinct DataServers');
  const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
  await follower.call('FinalizeWrite', { path: '/w/f', inode: written.inode, size, md5 });
  const info = await follower.call('GetNodeInfo', { path: '/w/f' });
  assert.equal(info.statInfo?.size, String(size));
  assert.equal(info.statInfo?.md5, md5);
  assert.equal((await leader.call('GetNodeInfo', { path: '/w' })).statInfo?.size, String(size), 'directory size is the recursive sum');
  const read = await follower.call('GetBlockLocations', { path: '/w/f', size });
  assert.deepEqual(read, written, 'read mode returns the same blocks');
  assert.deepEqual(await leader.call('GetBlockLocations', { path: '/w/f', size: 0 }), written);
  assert.equal((await leader.failure('FinalizeWrite', { path: '/w/f', inode: Number(written.inode) + 1000, size, md5 })).code, status.FAILED_PRECONDITION);
  assert.equal((await leader.failure('FinalizeWrite', { path: '/w/f', inode: written.inode, size: 20 * MiB, md5 })).code, status.FAILED_PRECONDITION);
  assert.equal((await leader.failure('FinalizeWrite', { path: '/w/f', inode: 0, size, md5 })).code, status.INVALID_ARGUMENT);
  assert.equal((await leader.failure('GetBlockLocations', { path: '/w', size: 10 })).code, status.FAILED_PRECONDITION);
  assert.equal((await leader.failure('GetBlockLocations', { path: '/w/none', size: 0 })).code, status.NOT_FOUND);
  assert.equal((await leader.failure('GetBlockLocations', { path: '/w/f', size: -1 })).code, status.INVALID_ARGUMENT);
  const created = await leader.call('GetBlockLocations', { path: '/w/new', size: 1 });
  assert.equal(created.block_locations.length, 1, 'write mode creates a missing file');
});

test('DeleteNode: file, non-empty directory, recursive; Rename', async () => {
  await leader.call('CreateNode', { path: '/d/e/f', type: 'Directory', parents: true });
  await leader.call('CreateNode', { path: '/d/e/f/g', type: 'File' });
  assert.equal((await follower.failure('DeleteNode', { path: '/d', recursive: false })).code, status.FAILED_PRECONDITION);
  assert.equal((await follower.failure('DeleteNode', { path: '/', recursive: true })).code, status.INVALID_ARGUMENT);
  assert.equal((await follower.failure('DeleteNode', { path: '/zz', recursive: true })).code, status.NOT_FOUND);
  await follower.call('Rename', { src_path: '/d/e', dst_path: '/d2' });
  assert.equal((await leader.failure('GetNodeInfo', { path: '/d/e' })).code, status.NOT_FOUND);
  assert.equal((await leader.call('GetNodeInfo', { path: '/d2/f/g' })).statInfo?.type, 'File');
  assert.equal((await leader.failure('Rename', { src_path: '/d2', dst_path: '/d2/f/x' })).code, status.INVALID_ARGUMENT);
  await follower.call('DeleteNode', { path: '/d2', recursive: true });
  assert.equal((await leader.failure('GetNodeInfo', { path: '/d2/f/g' })).code, status.NOT_FOUND);
  await follower.call('DeleteNode', { path: '/d', recursive: false });
});

test('GetClusterInfo, GetLeader, GetReplicationInfo, Heartbeat validation', async () => {
  for (let n = 1; n <= 3; n++) await leader.call('Heartbeat', heartbeatOf(n));
  const leaderInfo = await follower.call('GetLeader', {});
  const leaderNode = await cluster.leader();
  assert.equal(`${leaderInfo.leader?.host}:${leaderInfo.leader?.port}`, leaderNode.grpc.address);
  assert.equal(leaderInfo.followers.length, 2);
  const info = await follower.call('GetClusterInfo', {});
  assert.equal(`${info.clusterInfo?.masterMetaServer?.host}:${info.clusterInfo?.masterMetaServer?.port}`, leaderNode.grpc.address);
  assert.equal(info.clusterInfo?.slaveMetaServer.length, 2);
  assert.ok((info.clusterInfo?.dataServer.length ?? 0) >= 3);
  await leader.call('CreateNode', { path: '/rep', type: 'File' });
  const placed = await leader.call('GetBlockLocations', { path: '/rep', size: 10 });
  const blockId = Number(placed.block_locations[0]!.block_id);
  const holders = placed.block_locations[0]!.locations;
  for (let n = 1; n <= 4; n++) {
    const hb = heartbeatOf(n);
    await leader.call('Heartbeat', { ...hb, block_ids_report: holders.includes(hb.dataServer_addr) ? [blockId] : [] });
  }
  await leader.call('FinalizeWrite', { path: '/rep', inode: placed.inode, size: 10, md5: '' });
  const rep = await follower.call('GetReplicationInfo', { path: '/rep' });
  assert.equal(rep.files.length, 1);
  assert.equal(rep.files[0]!.status, 'healthy');
  assert.equal(rep.files[0]!.actual_replicas, 3);
  const everything = await follower.call('GetReplicationInfo', { path: '' });
  assert.ok(everything.total_files >= 1);
  assert.equal((await leader.failure('GetReplicationInfo', { path: '/p' })).code, status.FAILED_PRECONDITION);
  assert.equal((await leader.failure('Heartbeat', { dataServer_id: '', dataServer_addr: 'x:1' })).code, status.INVALID_ARGUMENT);
});

test('Heartbeat bad input is refused with INVALID_ARGUMENT and registers nothing', async () => {
  const good = heartbeatOf(7);
  const cases: [string, object, RegExp][] = [
    ['empty address', { ...good, dataServer_addr: '' }, /not host:port/],
    ['address without a port', { ...good, dataServer_addr: 'somewhere' }, /not host:port/],
    ['port out of range', { ...good, dataServer_addr: '127.0.0.1:70000' }, /not host:port/],
    ['free space above capacity', { ...good, free_space: 2000 * MiB, total_capacity: 1000 * MiB }, /exceeds total_capacity/],
    ['absurd capacity', { ...good, free_space: 0, total_capacity: '18446744073709551615' }, /total_capacity/],
    ['block 0 in the report', { ...good, block_ids_report: [0] }, /block 0/],
    ['id too long', { ...good, dataServer_id: 'd'.repeat(300) }, /longer than 256/],
  ];
  for (const [name, request, message] of cases) {
    const error = await leader.failure('Heartbeat', request as Parameters<MetaClient['call']>[1]);
    assert.equal(error.code, status.INVALID_ARGUMENT, name);
    assert.match(error.details, message, name);
  }
  const leaderNode = await cluster.leader();
  assert.equal(leaderNode.node.reader.addressOf('dataServer-7'), undefined, 'nothing registered');
  assert.equal(leaderNode.node.upkeep.tracker.get('dataServer-7'), undefined, 'nothing tracked');
});

test('SyncWAL answers OK with success=false; RequestWALSync is UNIMPLEMENTED', async () => {
  const response = await new Promise<{ success: boolean; message: string }>((resolve, reject) => {
    const stream = leader.raw.SyncWAL((error, r) => (error ? reject(error) : resolve(r!)));
    stream.end();
  });
  assert.equal(response.success, false);
  assert.match(response.message, /deprecated/);
  const code = await new Promise<number>((resolve) => {
    const stream = leader.raw.RequestWALSync({ node_id: 'x' });
    stream.on('data', () => {});
    stream.on('error', (e: { code: number }) => resolve(e.code));
  });
  assert.equal(code, status.UNIMPLEMENTED);
});

test('replicas agree after all of it', async () => {
  await (await cluster.leader()).grpc.purger.idle();
  const digests = await cluster.digests();
  assert.equal(new Set(digests).size, 1, digests.join(' '));
});
