import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConfigValidationError,
  EntryTooLargeError,
  NotLeaderError,
  OverloadedError,
  RaftError,
  ShutdownError,
  defaultConfig,
  validateConfig,
} from '../../src/raft/index';
import { encodeKvCommand } from '../support/sim/kv-fsm';
import { SimCluster } from '../support/sim/sim-cluster';

async function electedCluster(seed: number): Promise<SimCluster> {
  const cluster = new SimCluster({ seed, size: 3 });
  await cluster.start();
  assert.ok(await cluster.runUntil(() => cluster.leader() !== undefined, 20_000), 'a leader is elected');
  return cluster;
}

test('invalid config values are rejected, naming every bad field', () => {
  const bad = { ...defaultConfig(''), heartbeatTimeoutMs: 0, maxAppendEntries: 1.5, preVote: 'yes' as unknown as boolean };
  assert.throws(
    () => validateConfig(bad),
    (e: unknown) =>
      e instanceof ConfigValidationError &&
      ['localId', 'heartbeatTimeoutMs', 'maxAppendEntries', 'preVote'].every((f) => e.problems.some((p) => p.startsWith(f))),
  );
});

test('apply on a follower rejects with the leader id and address', async () => {
  const cluster = await electedCluster(7);
  const leader = cluster.leader()!;
  const follower = cluster.alive().find((n) => n !== leader)!;
  await cluster.runUntil(() => follower.raft!.leader()?.id === leader.id, 5_000);
  await assert.rejects(follower.raft!.apply(encodeKvCommand({ key: 'a', value: '1' })), (e: unknown) => {
    return e instanceof NotLeaderError && e.leaderId === leader.id && e.leaderAddress === leader.address && e.outcome === 'not-applied';
  });
});

test('oversize entries and overload are refused at once; abort and shutdown reject', async () => {
  const cluster = await electedCluster(8);
  const raft = cluster.leader()!.raft!;
  await assert.rejects(raft.apply(new Uint8Array(defaultConfig('x').maxEntryBytes + 1)), EntryTooLargeError);

  const controller = new AbortController();
  const aborted = raft.apply(encodeKvCommand({ key: 'b', value: '1' }), { signal: controller.signal });
  controller.abort();
  await assert.rejects(aborted, (e: unknown) => e instanceof RaftError && e.code === 'aborted');

  // Fill the pending window (maxPendingApplies) without letting the loop run: the next is refused.
  const max = defaultConfig('x').maxPendingApplies;
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < max; i++) pending.push(raft.apply(encodeKvCommand({ key: 'k', value: String(i) })).catch(() => undefined));
  await assert.rejects(raft.apply(encodeKvCommand({ key: 'k', value: 'over' })), OverloadedError);

  void raft.shutdown();
  await Promise.all(pending);
  await assert.rejects(raft.apply(encodeKvCommand({ key: 'c', value: '1' })), ShutdownError);
});

test('bootstrap on a node with state reports it and changes nothing', async () => {
  const cluster = await electedCluster(9);
  const node = cluster.alive()[0]!;
  const before = node.raft!.stats().lastLogIndex;
  const result = await node.raft!.bootstrapCluster(cluster.configuration());
  assert.equal(result.bootstrapped, false);
  assert.match(result.reason ?? '', /already has state/);
  assert.equal(node.raft!.stats().lastLogIndex, before);
});
