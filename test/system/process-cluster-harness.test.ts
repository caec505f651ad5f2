/**
 * Checks of the process-cluster harness itself (test/support/process-cluster), on a real
 * three-process cluster: NotLeader errors carry the leader hint and the client follows it, a bad
 * request is not retried, SIGTERM stops a node cleanly and it restarts on the same port, and a
 * node dying behind the harness's back fails every wait instead of hanging it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KvClient } from '../support/process-cluster/kv-client';
import { NodeRequestError } from '../support/process-cluster/node-process';
import { ProcessCluster } from '../support/process-cluster/process-cluster';
import { assertReplicasMatch, waitForConvergence } from '../support/process-cluster/workload';

const seed = Number(process.env['SYSTEM_SEED'] ?? Math.floor(Math.random() * 0x7fff_ffff));

test('process cluster harness: hints, SIGTERM restart, unexpected exits', { timeout: 60_000 }, async (t) => {
  t.diagnostic(`SYSTEM_SEED=${seed}`);
  const cluster = await ProcessCluster.start({ size: 3, seed });
  try {
    const leader = await cluster.leader();
    const follower = cluster.ids.find((id) => id !== leader)!;
    const model = new Map<string, string>();
    // A follower names the leader once it has heard from it (its first AppendEntries), which can
    // come after the leader reported itself (seen on a loaded machine: the hint was undefined).
    await cluster.waitUntil((stats) => stats.get(follower)?.leaderId === leader, {
      timeoutMs: 10_000,
      what: `${follower} knows the leader`,
    });

    // A follower refuses writes and linearizable reads, naming the leader.
    const refused = await cluster.request(follower, { op: 'put', key: 'k', value: 'v' }).then(
      () => assert.fail('a follower accepted a write'),
      (error: unknown) => error,
    );
    assert.ok(refused instanceof NodeRequestError);
    assert.equal(refused.code, 'not-leader');
    assert.equal(refused.leaderId, leader);
    await assert.rejects(cluster.request(follower, { op: 'get', key: 'k' }), { code: 'not-leader' });

    // The client follows the hint: two attempts, acknowledged by the leader.
    const client = new KvClient(cluster, { firstTarget: follower });
    const ack = await client.put('k', 'v1');
    model.set('k', 'v1');
    assert.deepEqual([ack.node, ack.attempts], [leader, 2]);
    assert.equal((await client.get('k')).value, 'v1');

    // A bad request is the caller's error: not retried.
    await assert.rejects(client.put('bad=key', 'x'), { code: 'error' });

    // SIGTERM: a clean exit; the restart listens on the same port and catches up.
    const port = cluster.port(follower);
    const before = await cluster.stats(follower);
    const exit = await cluster.kill(follower, 'SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null });
    await client.put('k2', 'v2');
    model.set('k2', 'v2');
    await cluster.restart(follower);
    assert.equal(cluster.port(follower), port);
    // Everything it had made durable before the SIGTERM is still in its log.
    assert.ok(
      (cluster.startupStats(follower)?.lastLogIndex ?? -1) >= before.persistedIndex,
      'restored log is shorter than the durable one',
    );
    const index = await waitForConvergence(cluster, 3, 20_000);
    await assertReplicasMatch(cluster, index, model);

    // A node killed behind the harness's back fails the waits at once (no hang until a timeout).
    const victim = cluster.ids.find((id) => id !== leader)!;
    const pid = cluster.pid(victim);
    assert.ok(pid !== undefined);
    const version = cluster.eventVersion();
    process.kill(pid, 'SIGKILL');
    await assert.rejects(
      cluster.changedSince(version, 10_000).then(() => cluster.leader(10_000)),
      /exited unexpectedly/,
    );
  } finally {
    await cluster.close();
  }
});
