import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RaftEvents } from '../../src/raft/index';
import { runHistory } from '../support/sim/run-history';
import { SimCluster } from '../support/sim/sim-cluster';

test('typed events: roles, leaders, peers added and removed, heartbeats failing and resuming', async () => {
  const cluster = new SimCluster({ seed: 11, size: 3 });
  await cluster.start();
  const seen: { node: string; event: keyof RaftEvents; payload: unknown }[] = [];
  for (const n of cluster.nodes) {
    for (const event of [
      'role-changed',
      'leader-changed',
      'peer-added',
      'peer-removed',
      'heartbeat-failed',
      'heartbeat-resumed',
    ] as const) {
      n.raft!.on(event, (payload: unknown) => seen.push({ node: n.id, event, payload }));
    }
  }
  assert.ok(await cluster.runUntil(() => cluster.leader() !== undefined, 20_000));
  const leader = cluster.leader()!;
  const follower = cluster.nodes.find((n) => n !== leader)!;
  assert.ok(seen.some((e) => e.node === leader.id && e.event === 'role-changed' && (e.payload as { role: string }).role === 'leader'));
  await cluster.runUntil(() => seen.some((e) => e.node === follower.id && e.event === 'leader-changed'), 5_000);
  assert.equal(
    (seen.find((e) => e.node === follower.id && e.event === 'leader-changed')!.payload as { leaderId: string }).leaderId,
    leader.id,
  );

  // A follower cut off: the leader reports failing heartbeats, then their return.
  cluster.network.cutOneWay(follower.address, leader.address);
  await cluster.runUntil(() => seen.some((e) => e.event === 'heartbeat-failed'), 5_000);
  assert.equal((seen.find((e) => e.event === 'heartbeat-failed')!.payload as { peer: string }).peer, follower.id);
  cluster.network.heal();
  await cluster.runUntil(() => seen.some((e) => e.event === 'heartbeat-resumed'), 5_000);

  // Membership: a non-voter added, then removed.
  let done = false;
  void leader.raft!.addNonvoter('n9', 'addr-n9').then(() => (done = true));
  await cluster.runUntil(() => done, 5_000);
  assert.ok(
    seen.some((e) => e.node === leader.id && e.event === 'peer-added' && (e.payload as { server: { id: string } }).server.id === 'n9'),
  );
  done = false;
  void leader.raft!.removeServer('n9').then(() => (done = true));
  await cluster.runUntil(() => done, 5_000);
  assert.ok(seen.some((e) => e.node === leader.id && e.event === 'peer-removed' && (e.payload as { id: string }).id === 'n9'));
  for (const n of cluster.alive()) void n.raft!.shutdown();
});

test('damaged messages are dropped and counted; the cluster stays safe, live and linearizable', async () => {
  const r = await runHistory({ seed: 5, size: 3, corruptRate: 0.02 });
  assert.ok(r.undecodableMessages > 0, 'some messages were damaged');
  assert.deepEqual(r.problems, []);
  assert.equal(r.linearizability.result, 'ok');
});
