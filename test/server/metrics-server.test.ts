/**
 * The MetaServer's operator endpoints on a lone node: Prometheus metrics read from Raft and the
 * namespace at each scrape, /healthz, and /readyz (ready once a leader is known and the node has
 * applied up to its commit index; a node that knows no leader is not ready and says why), and the
 * under-replicated blocks the leader's last full block check counted (0 on a follower).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsServer } from '../../src/server/metrics-server';
import { loneMetaNode } from '../support/meta-cluster/lone-meta-node';
import { SETTINGS, beat, fileOn, report, tick, withUpkeep } from '../support/meta-cluster/upkeep-fixture';

async function get(address: string, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://${address}${path}`);
  return { status: response.status, body: await response.text() };
}

test('metrics, healthz and readyz on a leader', async (t) => {
  const lone = await loneMetaNode();
  t.after(() => lone.close());
  const server = await MetricsServer.start(lone.node, '127.0.0.1:0');
  t.after(() => server.stop());

  const metrics = await get(server.address, '/metrics');
  assert.equal(metrics.status, 200);
  const { term, appliedIndex, commitIndex } = lone.node.raft.stats();
  assert.match(metrics.body, new RegExp(`^minfs_raft_term ${term}$`, 'm'));
  assert.match(metrics.body, /^minfs_raft_state\{role="leader"\} 1$/m);
  assert.match(metrics.body, /^minfs_raft_state\{role="follower"\} 0$/m);
  assert.match(metrics.body, new RegExp(`^minfs_raft_commit_index ${commitIndex}$`, 'm'));
  assert.match(metrics.body, new RegExp(`^minfs_raft_applied_index ${appliedIndex}$`, 'm'));
  assert.match(metrics.body, /^minfs_blocks_pending_deletion 0$/m);
  assert.match(metrics.body, /^minfs_process_resident_memory_bytes \d+/m);

  assert.deepEqual(await get(server.address, '/healthz'), { status: 200, body: 'ok\n' });
  assert.deepEqual(await get(server.address, '/readyz'), { status: 200, body: 'ready\n' });
  assert.equal((await get(server.address, '/nope')).status, 404);
});

test('metrics while a restore swaps the namespace in: the page is served, the namespace gauges unknown (NaN)', async (t) => {
  const lone = await loneMetaNode();
  t.after(() => lone.close());
  const server = await MetricsServer.start(lone.node, '127.0.0.1:0');
  t.after(() => server.stop());
  const { state } = lone.node.fsm;
  const env = state.env;
  state.withdrawEnvironment(); // as environment-snapshots.ts does between closing and reopening
  try {
    const during = await get(server.address, '/metrics');
    assert.equal(during.status, 200, during.body);
    assert.match(during.body, /^minfs_raft_term \d+$/m, 'the Raft gauges are there');
    assert.match(
      during.body,
      /^minfs_blocks_pending_deletion NaN$/im,
      'a namespace gauge is unknown this time, not 0 (prom-client writes "Nan")',
    );
  } finally {
    state.replaceEnvironment(env);
  }
  assert.match((await get(server.address, '/metrics')).body, /^minfs_blocks_pending_deletion 0$/m, 'and is back on the next scrape');
});

test('readyz: a node that knows no leader is not ready, and says why', async (t) => {
  const lone = await loneMetaNode({ follower: true });
  t.after(() => lone.close());
  const server = await MetricsServer.start(lone.node, '127.0.0.1:0');
  t.after(() => server.stop());
  assert.deepEqual(await get(server.address, '/readyz'), { status: 503, body: 'not ready: no leader known\n' });
  assert.deepEqual(await get(server.address, '/healthz'), { status: 200, body: 'ok\n' });
  const metrics = (await get(server.address, '/metrics')).body;
  assert.match(metrics, /^minfs_blocks_under_replicated 0$/m, 'leader only');
  assert.match(metrics, /^minfs_block_check_last_pass_timestamp_seconds 0$/m);
});

test('metrics: the under-replicated blocks of the last full block check, and when it finished', async () => {
  await withUpkeep(
    async (f) => {
      for (let n = 1; n <= 4; n++) await beat(f, report(n));
      const [block] = await fileOn(f, '/f', [['ds-1', 'ds-2', 'ds-3']]);
      for (let n = 1; n <= 3; n++) await beat(f, report(n, [block!]));
      // The metrics read the node's upkeep: here the fixture's, on the test's manual clock.
      const server = await MetricsServer.start({ ...f.lone.node, upkeep: f.upkeep }, '127.0.0.1:0');
      try {
        let metrics = (await get(server.address, '/metrics')).body;
        assert.match(metrics, /^minfs_blocks_under_replicated 0$/m);
        assert.match(metrics, /^minfs_block_check_last_pass_timestamp_seconds 0$/m, 'no pass yet');
        f.clock.advance(3_001); // ds-1 dead
        f.wall = 1_800_000_100_000;
        for (const n of [2, 3, 4]) await beat(f, report(n, n === 4 ? [] : [block!]));
        await tick(f);
        metrics = (await get(server.address, '/metrics')).body;
        assert.match(metrics, /^minfs_blocks_under_replicated 1$/m);
        assert.match(metrics, /^minfs_blocks_without_live_replica 0$/m);
        assert.match(metrics, /^minfs_block_check_last_pass_timestamp_seconds 1800000100$/m);
      } finally {
        await server.stop();
      }
    },
    { ...SETTINGS, fullCheckMs: 0 },
  );
});
