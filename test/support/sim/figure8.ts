import assert from 'node:assert/strict';
import type { BugSwitches } from '../../../src/raft/index';
import { encodeKvCommand } from './kv-fsm';
import { SimCluster, type SimNode } from './sim-cluster';

/**
 * Figure 8 of the Raft paper, scripted through the real runtime on five nodes:
 * 1. leader A writes X at index k, which reaches only B (partition);
 * 2. among the other three, a leader C is elected and cut off at once, so its no-op Y sits
 *    alone at index k with a newer term than X;
 * 3. A or B is elected (term 3), re-replicates X one entry per message, and the moment its commit
 *    index reaches k it is cut off together with the other X holder;
 * 4. C comes back among the two remaining nodes. Under the correct rule, commit reached k only
 *    once the new leader's own entry was on a quorum, so one of them holds it and C cannot win.
 *    Counting replicas of the old-term X (the bug) commits X while C can still win and overwrite it.
 * Returns the safety violations seen.
 */
export async function runFigure8(seed: number, bugs: BugSwitches = {}): Promise<string[]> {
  const cluster = new SimCluster({ seed, size: 5, bugs, maxAppendEntries: 1 });
  const addr = (nodes: SimNode[]): string[] => nodes.map((n) => n.address);
  await cluster.start();
  assert.ok(await cluster.runUntil(() => cluster.leader() !== undefined, 20_000), 'first leader');
  const a = cluster.leader()!;
  const [b, ...rest] = cluster.nodes.filter((n) => n !== a) as [SimNode, ...SimNode[]];
  const inSync = (): boolean => {
    const target = a.raft!.stats().lastLogIndex;
    return cluster.nodes.every((n) => n.raft!.stats().lastLogIndex === target && n.raft!.stats().commitIndex === target);
  };
  assert.ok(await cluster.runUntil(inSync, 5_000), 'all logs in sync before the scenario');

  // 1. X reaches only B.
  cluster.network.partition([addr([a, b]), addr(rest)]);
  const k = a.raft!.stats().lastLogIndex + 1;
  a.raft!.apply(encodeKvCommand({ key: 'x', value: 'X' })).catch(() => {});
  assert.ok(await cluster.runUntil(() => b.raft!.logEntry(k) !== undefined, 5_000), 'X reached B');

  // 2. A leader among the other three, cut off the moment it is elected.
  let c: SimNode | undefined;
  cluster.leaderListeners.push((leader) => {
    if (c === undefined && rest.includes(leader)) {
      c = leader;
      cluster.network.partition([addr([a]), addr([b]), addr([leader]), addr(rest.filter((n) => n !== leader))]);
    }
  });
  cluster.network.partition([addr([a]), addr([b]), addr(rest)]);
  assert.ok(await cluster.runUntil(() => c !== undefined, 10_000), 'C elected');
  const cNode = c!;
  assert.ok(await cluster.runUntil(() => cNode.raft!.logEntry(k)?.term !== undefined, 1_000), 'C appended its no-op at k');
  const others = rest.filter((n) => n !== cNode);

  // 3. A or B leads the four connected nodes; cut it off as soon as it has committed index k.
  cluster.network.partition([addr([cNode]), addr([a, b, ...others])]);
  const xHolderLeads = (): SimNode | undefined =>
    [a, b].find((n) => n.raft?.state() === 'leader' && n.raft.stats().term > cNode.raft!.stats().term);
  assert.ok(await cluster.runUntil(() => xHolderLeads() !== undefined, 10_000), 'an X holder leads');
  const leader3 = xHolderLeads()!;
  const committedK = await cluster.runUntil(() => (leader3.raft?.stats().commitIndex ?? 0) >= k, 5_000);
  cluster.network.partition([addr([a, b]), addr([cNode, ...others])]);

  // 4. C among the two others; then heal and let everything converge.
  await cluster.runUntil(() => cNode.raft!.state() === 'leader', 3_000);
  cluster.network.heal();
  await cluster.runUntil(() => false, 3_000);
  cluster.checkLogMatching();
  for (const n of cluster.alive()) void n.raft!.shutdown();
  return committedK ? cluster.checker.violations : ['scenario did not reach a commit of index k'];
}
