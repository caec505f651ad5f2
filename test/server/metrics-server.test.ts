/**
 * The MetaServer's operator endpoints on a lone node: Prometheus metrics read from Raft and the
 * namespace at each scrape, /healthz, and /readyz (ready once a leader is known and the node has
 * applied up to its commit index; a node that knows no leader is not ready and says why).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsServer } from '../../src/server/metrics-server';
import { loneMetaNode } from '../support/meta-cluster/lone-meta-node';

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

test('readyz: a node that knows no leader is not ready, and says why', async (t) => {
  const lone = await loneMetaNode({ follower: true });
  t.after(() => lone.close());
  const server = await MetricsServer.start(lone.node, '127.0.0.1:0');
  t.after(() => server.stop());
  assert.deepEqual(await get(server.address, '/readyz'), { status: 503, body: 'not ready: no leader known\n' });
  assert.deepEqual(await get(server.address, '/healthz'), { status: 200, body: 'ok\n' });
});
