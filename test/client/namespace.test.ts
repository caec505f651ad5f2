/**
 * The namespace operations of the client library against a 3-node MetaServer cluster: mkdir (with
 * and without parents), ls through many pages, stat, rm (recursive or not), mv, and the cluster
 * and replication views.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { MinfsError } from '../../src/client';
import { ClientFixture } from './client-fixture';

let f: ClientFixture;
before(async () => {
  f = await ClientFixture.start();
});
after(async () => {
  await f.stop();
});

async function code(promise: Promise<unknown>): Promise<status> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof MinfsError) return error.code;
    throw error;
  }
  throw new Error('expected a MinfsError');
}

test('mkdir: missing parents need parents=true; with it an existing directory is fine', async () => {
  assert.equal(await code(f.client.mkdir('/a/b/c')), status.NOT_FOUND);
  await f.client.mkdir('/a/b/c', { parents: true });
  await f.client.mkdir('/a/b/c', { parents: true });
  assert.equal(await code(f.client.mkdir('/a/b')), status.ALREADY_EXISTS);
  assert.equal((await f.client.stat('/a/b/c')).type, 'Directory');
  assert.deepEqual(
    (await f.client.ls('/a')).map((e) => e.path),
    ['/a/b'],
  );
});

test('ls follows next_page_token through a directory larger than one page', async () => {
  await f.client.mkdir('/many');
  const names = Array.from({ length: 23 }, (_, i) => `f${String(i).padStart(2, '0')}`);
  for (const name of [...names].reverse()) await f.client.meta.mutate('CreateNode', { path: `/many/${name}`, type: 'File' });
  const pages: number[] = [];
  for await (const page of f.client.lsPages('/many', { pageSize: 5 })) pages.push(page.length);
  assert.deepEqual(pages, [5, 5, 5, 5, 3]);
  const listed = await f.client.ls('/many', { pageSize: 5 });
  assert.deepEqual(
    listed.map((e) => e.path),
    names.map((n) => `/many/${n}`),
  );
  assert.equal(listed[0]!.type, 'File');
  assert.equal(listed[0]!.size, 0);
  assert.ok(listed[0]!.mtimeMs > Date.now() - 60_000);
  assert.deepEqual(await f.client.ls('/many/f00'), [], 'a file lists as no children');
  assert.equal(await code(f.client.ls('/missing')), status.NOT_FOUND);
});

test('stat: NOT_FOUND for a missing path; a file has its replication; statIfExists gives undefined', async () => {
  assert.equal(await code(f.client.stat('/nothing')), status.NOT_FOUND);
  assert.equal(await f.client.statIfExists('/nothing'), undefined);
  const local = f.localFile('s.in', 10);
  await f.client.put(local.path, '/s');
  await f.heartbeat();
  const info = await f.client.stat('/s');
  assert.equal(info.md5, local.md5);
  assert.equal(info.replication?.status, 'healthy');
  assert.equal(info.replication?.blocks[0]?.replicaCount, 3);
  assert.equal(typeof info.inode, 'string');
  assert.equal((await f.client.stat('/')).replication, undefined);
});

test('rm: a non-empty directory needs recursive', async () => {
  await f.client.mkdir('/gone/deep/er', { parents: true });
  await f.client.meta.mutate('CreateNode', { path: '/gone/deep/er/x', type: 'File' });
  assert.equal(await code(f.client.rm('/gone')), status.FAILED_PRECONDITION);
  await f.client.rm('/gone', { recursive: true });
  assert.equal(await f.client.statIfExists('/gone'), undefined);
  await f.client.meta.mutate('CreateNode', { path: '/lone', type: 'File' });
  await f.client.rm('/lone');
  assert.equal(await code(f.client.rm('/lone')), status.NOT_FOUND);
});

test('mv renames files and directories; an existing destination is refused', async () => {
  await f.client.mkdir('/mv/src', { parents: true });
  const local = f.localFile('mv.in', 1234);
  await f.client.put(local.path, '/mv/src/file');
  await f.client.mv('/mv/src', '/mv/dst');
  assert.equal(await f.client.statIfExists('/mv/src'), undefined);
  await f.client.mv('/mv/dst/file', '/mv/renamed');
  assert.equal((await f.client.stat('/mv/renamed')).md5, local.md5);
  await f.client.mkdir('/mv/other');
  assert.equal(await code(f.client.mv('/mv/renamed', '/mv/other')), status.ALREADY_EXISTS);
});

test('cluster: the leader, the followers and the DataServers; replication of every file', async () => {
  const leader = await f.cluster.leader();
  const summary = await f.client.cluster();
  assert.equal(summary.leader, leader.grpc.address);
  assert.deepEqual([...summary.followers].sort(), f.metaAddresses.filter((a) => a !== leader.grpc.address).sort());
  assert.deepEqual(summary.dataServers.map((d) => d.address).sort(), f.fleet.servers.map((s) => s.address).sort());

  const local = f.localFile('r.in', 5);
  await f.client.put(local.path, '/r1');
  await f.heartbeat();
  const all = await f.client.replication();
  assert.ok(all.totalFiles >= 2);
  assert.equal(all.totalFiles, all.files.length);
  assert.equal(all.healthyFiles + all.underReplicatedFiles + all.overReplicatedFiles, all.totalFiles);
  const one = await f.client.replication('/r1');
  assert.deepEqual(
    one.files.map((x) => [x.path, x.status, x.expectedReplicas, x.actualReplicas]),
    [['/r1', 'healthy', 3, 3]],
  );
});
