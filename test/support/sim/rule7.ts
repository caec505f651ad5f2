import assert from 'node:assert/strict';
import type { BugSwitches } from '../../../src/raft/index';
import { encodeKvCommand } from './kv-fsm';
import { SimCluster, type SimNode } from './sim-cluster';

/**
 * Figure 13 rule 7 of the Raft paper, scripted on three nodes: a follower whose log conflicts
 * with a snapshot's last entry must discard its whole log when it installs the snapshot.
 * 1. leader A is cut off and appends entries of its term that nobody else gets;
 * 2. B or C leads a newer term, commits fewer entries than A appended (so A holds a conflicting
 *    entry at every index up to the new leader's last), snapshots and compacts its whole log;
 * 3. the network heals: A's next entries exist only in the snapshot, so it must install it.
 * With rule 7, A's stale entries are gone and A converges; keeping them (the bug) leaves
 * uncommitted entries of the old term under A's new commit index.
 * Returns the safety violations seen (and convergence failures).
 */
export async function runRule7(seed: number, bugs: BugSwitches = {}): Promise<string[]> {
  const cluster = new SimCluster({ seed, size: 3, bugs, trailingLogs: 0, snapshotThreshold: 1_000_000 });
  const settle = async (promise: Promise<unknown>, what: string): Promise<void> => {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    assert.ok(await cluster.runUntil(() => settled, 10_000), what);
  };
  await cluster.start();
  assert.ok(await cluster.runUntil(() => cluster.leader() !== undefined, 20_000), 'first leader');
  const a = cluster.leader()!;
  for (let i = 0; i < 3; i++) await settle(a.raft!.apply(encodeKvCommand({ key: `k${i}`, value: 'committed' })), 'initial write');
  const synced = a.raft!.stats().commitIndex;
  assert.ok(await cluster.runUntil(() => cluster.nodes.every((n) => n.raft!.stats().appliedIndex >= synced), 5_000), 'all in sync');

  // 1. A alone appends entries of its term.
  cluster.network.isolate(a.address);
  for (let i = 0; i < 20; i++) a.raft!.apply(encodeKvCommand({ key: `stale${i}`, value: 'lost' })).catch(() => {});
  const staleLast = a.raft!.stats().lastLogIndex;
  assert.ok(await cluster.runUntil(() => a.raft!.stats().persistedIndex >= staleLast, 5_000), 'stale entries durable on A');

  // 2. A newer leader commits a few entries, then snapshots and compacts everything.
  const others = cluster.nodes.filter((n) => n !== a);
  const newLeader = (): SimNode | undefined => others.find((n) => n.raft?.state() === 'leader');
  assert.ok(await cluster.runUntil(() => newLeader() !== undefined, 10_000), 'new leader');
  const b = newLeader()!;
  for (let i = 0; i < 4; i++) await settle(b.raft!.apply(encodeKvCommand({ key: `new${i}`, value: 'kept' })), 'write on the new leader');
  assert.ok(b.raft!.stats().lastLogIndex < staleLast, 'the new leader stays below the stale entries');
  for (const n of others) await settle(n.raft!.snapshot(), 'snapshot');
  assert.ok(b.raft!.stats().firstLogIndex > synced + 1, 'the new leader compacted past the point A diverged');

  // 3. Heal: A can only catch up through the snapshot.
  cluster.network.heal();
  const target = b.raft!.stats().commitIndex;
  const converged = await cluster.runUntil(() => (a.raft?.stats().appliedIndex ?? 0) >= target, 10_000);
  const problems = [...cluster.checker.violations];
  if (converged && a.fsm!.digest() !== b.fsm!.digest()) problems.push('A converged to a different state');
  if (!converged && problems.length === 0) problems.push(`A did not catch up to ${target}: ${JSON.stringify(a.raft?.stats())}`);
  const installs = cluster.snapshotCounts.installed;
  for (const n of cluster.alive()) void n.raft!.shutdown();
  if (problems.length === 0 && installs === 0) return ['A caught up without installing a snapshot: the scenario did not exercise rule 7'];
  return problems;
}
