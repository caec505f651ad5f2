/**
 * Heartbeats against fake MetaServers (GetLeader + Heartbeat on real gRPC): leader discovery past a
 * follower that answers UNAVAILABLE, the content of a heartbeat, rediscovery after failover, and the
 * DELETE_BLOCK / COPY_BLOCK commands of the replies carried out and reflected in the next report.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { DataServerOptions } from '../../src/dataserver';
import { patternBytes } from '../support/dataserver/data-client';
import { startDataServer } from '../support/dataserver/dataserver-fleet';
import { FakeMetaServer } from '../support/dataserver/fake-metaserver';

const FAST: Partial<DataServerOptions> = {
  heartbeatIntervalMs: 30,
  metaRpcTimeoutMs: 2000,
  rediscoveryBackoff: { initialMs: 5, maxMs: 40 },
};

async function fakeMetaServers(t: TestContext, count: number): Promise<FakeMetaServer[]> {
  const fakes: FakeMetaServer[] = [];
  for (let i = 0; i < count; i++) fakes.push(await FakeMetaServer.start());
  t.after(() => fakes.forEach((f) => f.stop()));
  return fakes;
}

test('a follower that believes itself leader answers UNAVAILABLE; the DataServer rediscovers and heartbeats the real leader', async (t) => {
  const [follower, leader] = (await fakeMetaServers(t, 2)) as [FakeMetaServer, FakeMetaServer];
  follower.believedLeader = follower.address; // stale: it thinks it still leads
  leader.role = 'leader';
  leader.believedLeader = leader.address;
  const ds = await startDataServer(t, 'dataServer-1', { ...FAST, metaServers: [follower.address, leader.address] });
  const failed = ds.server.waitFor('heartbeat-failed');
  const first = await ds.server.waitFor('heartbeat');
  assert.equal(first.sequence, 1);
  assert.equal(first.leader, leader.address);
  assert.equal((await failed).leader, follower.address);
  assert.match((await failed).error, /UNAVAILABLE: not the leader/);
  assert.equal(follower.refusedHeartbeats, 1);
  assert.equal(ds.server.metaLeader, leader.address);
  // It stays with the leader: heartbeat 3 goes there too, without asking GetLeader again.
  const calls = follower.getLeaderCalls + leader.getLeaderCalls;
  assert.equal((await ds.server.waitFor('heartbeat', (h) => h.sequence >= 3)).leader, leader.address);
  assert.equal(follower.getLeaderCalls + leader.getLeaderCalls, calls);
  assert.equal(follower.refusedHeartbeats, 1);
});

test('a heartbeat carries id, advertised address, space and the full block report', async (t) => {
  const [meta] = (await fakeMetaServers(t, 1)) as [FakeMetaServer];
  meta.role = 'leader';
  meta.believedLeader = `0.0.0.0:${meta.address.split(':')[1]}`; // a wildcard host means "the host you asked"
  const capacity = 64 * 1024 * 1024;
  const ds = await startDataServer(t, 'dataServer-7', { ...FAST, metaServers: [meta.address], capacityBytes: capacity });
  await ds.client.writeBlock(1_700_000_000_000_001, [ds.address], patternBytes(1000, 1));
  await ds.client.writeBlock(3, [ds.address], patternBytes(500, 2));
  const seen = await meta.nextHeartbeat((h) => h.block_ids_report.length === 2);
  assert.equal(seen.dataServer_id, 'dataServer-7');
  assert.equal(seen.dataServer_addr, ds.address);
  assert.match(seen.dataServer_addr, /^127\.0\.0\.1:\d+$/);
  assert.deepEqual(seen.block_ids_report, ['3', '1700000000000001']);
  assert.equal(seen.block_count, '2');
  assert.equal(seen.total_capacity, String(capacity));
  assert.equal(seen.free_space, String(capacity - 1500));
  assert.equal(ds.server.metaLeader, meta.address);
});

test('without a capacity override the figures come from the filesystem', async (t) => {
  const [meta] = (await fakeMetaServers(t, 1)) as [FakeMetaServer];
  meta.role = 'leader';
  meta.believedLeader = meta.address;
  const ds = await startDataServer(t, 'dataServer-1', { ...FAST, metaServers: [meta.address] });
  const { request } = await ds.server.waitFor('heartbeat');
  assert.ok(Number(request.total_capacity) > 0);
  assert.ok(Number(request.free_space) <= Number(request.total_capacity));
});

test('no MetaServer knows a leader: failures back off and repeat until one does; then leader failover is followed', async (t) => {
  const [m1, m2, m3] = (await fakeMetaServers(t, 3)) as [FakeMetaServer, FakeMetaServer, FakeMetaServer];
  const ds = await startDataServer(t, 'dataServer-1', { ...FAST, metaServers: [m1.address, m2.address, m3.address] });
  const third = await ds.server.waitFor('heartbeat-failed', (f) => f.consecutiveFailures >= 3);
  assert.equal(third.leader, undefined);
  assert.match(third.error, /no MetaServer named a leader/);

  for (const m of [m1, m2, m3]) m.believedLeader = m2.address;
  m2.role = 'leader';
  assert.equal((await ds.server.waitFor('heartbeat')).leader, m2.address);

  // Failover: m2 steps down, m3 takes over.
  m2.role = 'follower';
  for (const m of [m1, m2, m3]) m.believedLeader = m3.address;
  m3.role = 'leader';
  const changed = ds.server.waitFor('leader-changed', (e) => e.leader === m3.address);
  const after = await ds.server.waitFor('heartbeat', (h) => h.leader === m3.address);
  assert.equal((await changed).leader, m3.address);
  assert.ok(after.sequence >= 2);
});

test('a dead leader: the DataServer finds the next one', async (t) => {
  const [m1, m2] = (await fakeMetaServers(t, 2)) as [FakeMetaServer, FakeMetaServer];
  m1.role = 'leader';
  m1.believedLeader = m1.address;
  m2.believedLeader = m1.address;
  const ds = await startDataServer(t, 'dataServer-1', { ...FAST, metaServers: [m1.address, m2.address] });
  await ds.server.waitFor('heartbeat', (h) => h.leader === m1.address);
  m1.stop();
  m2.role = 'leader';
  m2.believedLeader = m2.address;
  const failure = await ds.server.waitFor('heartbeat-failed');
  assert.equal(failure.leader, m1.address);
  await ds.server.waitFor('heartbeat', (h) => h.leader === m2.address);
});

test('DELETE_BLOCK and COPY_BLOCK commands are carried out, idempotently, and show in the next block report', async (t) => {
  const [meta] = (await fakeMetaServers(t, 1)) as [FakeMetaServer];
  meta.role = 'leader';
  meta.believedLeader = meta.address;
  const source = await startDataServer(t, 'dataServer-source');
  const copied = patternBytes(200_000, 3);
  await source.client.writeBlock(700, [source.address], copied);
  const ds = await startDataServer(t, 'dataServer-1', { ...FAST, metaServers: [meta.address] });
  await ds.client.writeBlock(500, [ds.address], patternBytes(100, 4));
  await ds.client.writeBlock(501, [ds.address], patternBytes(100, 5));
  await meta.nextHeartbeat((h) => h.block_ids_report.includes('500'));

  // The MetaServer re-sends commands until a report confirms them: here, with every heartbeat.
  meta.commands.set('dataServer-1', [
    { action: 'DELETE_BLOCK', block_id: '500', targets: [ds.address, '127.0.0.1:9'] },
    { action: 'COPY_BLOCK', block_id: '700', targets: [source.address] },
    { action: 7 as never, block_id: '501', targets: [] }, // an action from the future
  ]);
  const deletedAgain = ds.server.waitFor('command-settled', (e) => e.blockId === '500' && e.outcome === 'absent');
  const copiedAgain = ds.server.waitFor('command-settled', (e) => e.blockId === '700' && e.outcome === 'already-present');
  const ignored = ds.server.waitFor('command-settled', (e) => e.outcome === 'ignored');
  const report = await meta.nextHeartbeat((h) => h.block_ids_report.includes('700') && !h.block_ids_report.includes('500'));
  assert.deepEqual(report.block_ids_report, ['501', '700']);
  assert.ok((await ds.client.readBlock(700)).bytes.equals(copied));
  await deletedAgain;
  await copiedAgain;
  assert.equal((await ignored).blockId, '501');
  assert.deepEqual(ds.server.blockIds(), [501, 700], 'the unknown action touched nothing');
});

test('a COPY_BLOCK whose source fails is reported as failed and retried when re-sent', async (t) => {
  const [meta] = (await fakeMetaServers(t, 1)) as [FakeMetaServer];
  meta.role = 'leader';
  meta.believedLeader = meta.address;
  const source = await startDataServer(t, 'dataServer-source');
  const ds = await startDataServer(t, 'dataServer-1', { ...FAST, metaServers: [meta.address] });
  meta.commands.set('dataServer-1', [{ action: 'COPY_BLOCK', block_id: '800', targets: [source.address] }]);
  const failed = await ds.server.waitFor('command-settled', (e) => e.blockId === '800' && e.outcome === 'failed');
  assert.match(failed.error ?? '', /NOT_FOUND: copy of block 800/);
  const bytes = patternBytes(1000, 6);
  await source.client.writeBlock(800, [source.address], bytes);
  await ds.server.waitFor('command-settled', (e) => e.blockId === '800' && e.outcome === 'copied');
  assert.ok((await ds.client.readBlock(800)).bytes.equals(bytes));
});

test('stop() ends the heartbeats', async (t) => {
  const [meta] = (await fakeMetaServers(t, 1)) as [FakeMetaServer];
  meta.role = 'leader';
  meta.believedLeader = meta.address;
  const ds = await startDataServer(t, 'dataServer-1', { ...FAST, metaServers: [meta.address] });
  await ds.server.waitFor('heartbeat', (h) => h.sequence >= 2);
  await ds.server.stop();
  const count = meta.heartbeats.length;
  // A heartbeat that would still come has to go through the MetaServer's event loop: give it one round trip.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(meta.heartbeats.length, count);
  assert.equal(ds.server.metaLeader, undefined);
});
