/**
 * The metrics recorded as a node works, read through /metrics: gRPC calls per method and status
 * code (unary, client- and server-streaming) with their handling time, Raft commit and apply
 * latency growing with writes, snapshots counted with size and duration, and each node's metrics
 * kept to itself.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { RaftEventEmitter } from '../../src/raft';
import { MetaGrpcServer } from '../../src/server/meta-grpc-server';
import { MetricsServer, metaMetrics } from '../../src/server/metrics-server';
import { RaftMetrics } from '../../src/server/metrics/raft-metrics';
import { MetaClient } from '../support/meta-cluster/meta-client';
import { loneMetaNode, type LoneMetaNode } from '../support/meta-cluster/lone-meta-node';

/** A lone leader with its gRPC service, metrics endpoint and a client; all closed after the test. */
async function served(t: TestContext): Promise<{ lone: LoneMetaNode; client: MetaClient; scrape: () => Promise<string> }> {
  const lone = await loneMetaNode();
  t.after(() => lone.close());
  const grpcServer = await MetaGrpcServer.start(lone.node, '127.0.0.1:0');
  t.after(() => grpcServer.stop(0));
  const metrics = await MetricsServer.start(lone.node, '127.0.0.1:0');
  t.after(() => metrics.stop());
  const client = new MetaClient(grpcServer.address);
  t.after(() => client.close());
  const scrape = async (): Promise<string> => {
    const response = await fetch(`http://${metrics.address}/metrics`);
    assert.equal(response.status, 200);
    return response.text();
  };
  return { lone, client, scrape };
}

/** The value of one series (name with its labels, exactly as exposed); undefined when absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function handled(body: string, method: string, code: string): number | undefined {
  return sample(body, `minfs_grpc_server_handled_total{method="${method}",code="${code}"}`);
}

function timed(body: string, method: string): number | undefined {
  return sample(body, `minfs_grpc_server_handling_seconds_count{method="${method}"}`);
}

test('gRPC calls are counted per method and the status code the client got, and timed per method', async (t) => {
  const { client, scrape } = await served(t);
  const before = await scrape();
  // Every method is there from the start, at 0.
  assert.equal(handled(before, 'CreateNode', 'OK'), 0);
  assert.equal(timed(before, 'Rename'), 0);
  assert.equal(handled(before, 'GetNodeInfo', 'NOT_FOUND'), undefined);

  await client.call('CreateNode', { path: '/a', type: 'File' });
  await client.call('CreateNode', { path: '/b', type: 'File' });
  await client.call('GetNodeInfo', { path: '/a' });
  const missing = await client.failure('GetNodeInfo', { path: '/missing' });
  assert.equal(missing.code, grpc.status.NOT_FOUND);
  const exists = await client.failure('CreateNode', { path: '/a', type: 'File' });
  assert.equal(exists.code, grpc.status.ALREADY_EXISTS);
  const invalid = await client.failure('CreateNode', { path: 'relative', type: 'File' });
  assert.equal(invalid.code, grpc.status.INVALID_ARGUMENT);

  const after = await scrape();
  assert.equal(handled(after, 'CreateNode', 'OK'), 2);
  assert.equal(handled(after, 'CreateNode', 'ALREADY_EXISTS'), 1);
  assert.equal(handled(after, 'CreateNode', 'INVALID_ARGUMENT'), 1);
  assert.equal(handled(after, 'GetNodeInfo', 'OK'), 1);
  assert.equal(handled(after, 'GetNodeInfo', 'NOT_FOUND'), 1);
  assert.equal(timed(after, 'CreateNode'), 4, 'failed calls are timed too');
  assert.equal(timed(after, 'GetNodeInfo'), 2);
  assert.ok(sample(after, 'minfs_grpc_server_handling_seconds_sum{method="CreateNode"}')! > 0);
  assert.equal(sample(after, 'minfs_grpc_server_handling_seconds_bucket{le="+Inf",method="CreateNode"}'), 4);
  assert.equal(timed(after, 'ListDirectory'), 0, 'a method not called stays at 0');
});

test('streaming calls are counted with their ending status: client streaming OK, server streaming UNIMPLEMENTED', async (t) => {
  const { client, scrape } = await served(t);
  const walSync = await new Promise<{ success: boolean }>((resolve, reject) => {
    const stream = client.raw.SyncWAL((error, response) => (error ? reject(error) : resolve(response!)));
    stream.end();
  });
  assert.equal(walSync.success, false);
  const code = await new Promise<number>((resolve) => {
    const stream = client.raw.RequestWALSync({});
    stream.on('data', () => {});
    stream.on('error', (error: grpc.ServiceError) => resolve(error.code));
  });
  assert.equal(code, grpc.status.UNIMPLEMENTED);

  const body = await scrape();
  assert.equal(handled(body, 'SyncWAL', 'OK'), 1);
  assert.equal(handled(body, 'RequestWALSync', 'UNIMPLEMENTED'), 1);
  assert.equal(handled(body, 'RequestWALSync', 'OK'), 0);
  assert.equal(timed(body, 'RequestWALSync'), 1);
});

test('commit and apply latency: one apply sample per write, commit samples grow with them', async (t) => {
  const { client, scrape } = await served(t);
  const before = await scrape();
  const applies = sample(before, 'minfs_raft_apply_duration_seconds_count')!;
  const commits = sample(before, 'minfs_raft_commit_duration_seconds_count')!;
  const writes = 5;
  // One at a time: each write is a commit batch of its own.
  for (let i = 0; i < writes; i++) await client.call('CreateNode', { path: `/w${i}`, type: 'File' });
  await client.failure('CreateNode', { path: '/w0', type: 'File' }); // a refusal is applied too
  await client.call('GetNodeInfo', { path: '/w0' }); // a read proposes nothing

  const after = await scrape();
  assert.equal(sample(after, 'minfs_raft_apply_duration_seconds_count'), applies + writes + 1);
  assert.equal(sample(after, 'minfs_raft_commit_duration_seconds_count'), commits + writes + 1);
  assert.ok(sample(after, 'minfs_raft_apply_duration_seconds_sum')! > sample(before, 'minfs_raft_apply_duration_seconds_sum')!);
  assert.ok(sample(after, 'minfs_raft_commit_duration_seconds_sum')! > 0);
});

test('a snapshot taken is counted with its size and duration', async (t) => {
  const { lone, client, scrape } = await served(t);
  const before = await scrape();
  assert.equal(sample(before, 'minfs_raft_snapshots_total{kind="taken"}'), 0);
  assert.equal(sample(before, 'minfs_raft_snapshot_duration_seconds_count{kind="installed"}'), 0);
  await client.call('CreateNode', { path: '/s', type: 'File' });
  const meta = await lone.node.raft.snapshot();
  assert.ok(meta !== undefined && meta.size > 0);

  const after = await scrape();
  assert.equal(sample(after, 'minfs_raft_snapshots_total{kind="taken"}'), 1);
  assert.equal(sample(after, 'minfs_raft_snapshot_size_bytes{kind="taken"}'), meta.size);
  assert.equal(sample(after, 'minfs_raft_snapshot_duration_seconds_count{kind="taken"}'), 1);
  assert.equal(sample(after, 'minfs_raft_snapshots_total{kind="installed"}'), 0);
});

test('a snapshot installed is counted from its event, duration in seconds', async () => {
  const registry = new Registry();
  const events = new RaftEventEmitter();
  new RaftMetrics(registry, events);
  events.emit('snapshot-installed', { index: 10, term: 2, size: 4096, durationMs: 1500 });
  const body = await registry.metrics();
  assert.equal(sample(body, 'minfs_raft_snapshots_total{kind="installed"}'), 1);
  assert.equal(sample(body, 'minfs_raft_snapshot_size_bytes{kind="installed"}'), 4096);
  assert.equal(sample(body, 'minfs_raft_snapshot_duration_seconds_sum{kind="installed"}'), 1.5);
  assert.equal(sample(body, 'minfs_raft_snapshot_duration_seconds_bucket{le="1",kind="installed"}'), 0);
  assert.equal(sample(body, 'minfs_raft_snapshot_duration_seconds_bucket{le="2.5",kind="installed"}'), 1);
  assert.equal(sample(body, 'minfs_raft_snapshots_total{kind="taken"}'), 0);
});

test('each node has its own metrics, and asking for them twice gives the same registry', async (t) => {
  const first = await served(t);
  const other = await loneMetaNode();
  t.after(() => other.close());
  await first.client.call('CreateNode', { path: '/only-here', type: 'File' });
  assert.equal(metaMetrics(first.lone.node), metaMetrics(first.lone.node));
  const mine = await metaMetrics(first.lone.node).metrics();
  const theirs = await metaMetrics(other.node).metrics();
  assert.equal(handled(mine, 'CreateNode', 'OK'), 1);
  assert.equal(handled(theirs, 'CreateNode', 'OK'), undefined, 'the other node serves no gRPC here');
  assert.equal(sample(theirs, 'minfs_raft_apply_duration_seconds_count'), 0);
  assert.equal(sample(mine, 'minfs_blocks_suspect'), 0);
});
