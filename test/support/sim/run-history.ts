import type { BugSwitches } from '../../../src/raft/index';
import { checkLinearizable, kvRegisterModel, type CheckResult } from '../linearizability/index';
import { encodeKvCommand } from './kv-fsm';
import { Nemesis } from './nemesis';
import { SimCluster } from './sim-cluster';
import { Workload } from './workload';

export interface HistoryOptions {
  readonly seed: number;
  readonly size: number;
  readonly clients?: number;
  readonly opsPerClient?: number;
  readonly bugs?: BugSwitches;
  readonly corruptRate?: number;
}

export interface HistoryResult {
  readonly seed: number;
  readonly size: number;
  /** Safety violations, liveness failures and replica divergence, in words. */
  readonly problems: string[];
  readonly linearizability: CheckResult;
  readonly operations: number;
  readonly completedOperations: number;
  readonly committedEntries: number;
  readonly simulatedMs: number;
  readonly faults: readonly string[];
  readonly undecodableMessages: number;
  readonly snapshotsTaken: number;
  readonly snapshotsInstalled: number;
}

/**
 * One simulated history: a cluster under a seeded fault schedule, clients running a key-value
 * workload, safety checked after every step, then everything healed, liveness and replica
 * convergence checked, and the client history checked for linearizability.
 */
export async function runHistory(options: HistoryOptions): Promise<HistoryResult> {
  // One spare server starts empty, so membership changes also bring in a server with no log.
  const cluster = new SimCluster({
    seed: options.seed,
    size: options.size,
    spares: 1,
    bugs: options.bugs,
    corruptRate: options.corruptRate,
  });
  const problems: string[] = [];
  await cluster.start();
  if (!(await cluster.runUntil(() => cluster.leader() !== undefined, 20_000))) problems.push('no leader elected at start');

  const workload = new Workload(cluster, { clients: options.clients ?? 5, opsPerClient: options.opsPerClient ?? 200, keys: 8 });
  const nemesis = new Nemesis(cluster);
  nemesis.start();
  workload.start();
  if (!(await cluster.runUntil(() => workload.done(), 3_600_000))) problems.push('workload did not finish');
  await nemesis.stop();

  // Liveness after healing: a write must commit on a leader.
  let wrote = false;
  const writeUntil = cluster.clock.now() + 30_000;
  while (!wrote && cluster.clock.now() < writeUntil) {
    await cluster.runUntil(() => cluster.leader() !== undefined, 10_000);
    const leader = cluster.leader();
    if (!leader) break;
    const attempt = leader.raft!.apply(encodeKvCommand({ key: 'final', value: 'done' })).then(
      () => (wrote = true),
      () => {},
    );
    let settled = false;
    void attempt.finally(() => (settled = true));
    await cluster.runUntil(() => settled, 10_000);
  }
  if (!wrote) problems.push('no write committed within 30 s after healing');

  // Convergence: every member applies the same entries and ends with the same state.
  const leader = cluster.leader();
  if (leader) {
    const members = new Set(leader.raft!.configuration().servers.map((s) => s.id));
    const target = leader.raft!.stats().commitIndex;
    const memberNodes = cluster.nodes.filter((n) => members.has(n.id));
    const converged = await cluster.runUntil(() => memberNodes.every((n) => (n.raft?.stats().appliedIndex ?? -1) >= target), 30_000);
    if (!converged) {
      const lagging = memberNodes
        .filter((n) => (n.raft?.stats().appliedIndex ?? -1) < target)
        .map((n) => {
          const st = n.raft?.stats();
          return st
            ? `${n.id}(${st.state} applied ${st.appliedIndex} commit ${st.commitIndex} log ${st.firstLogIndex}..${st.lastLogIndex} snapshot ${st.snapshotIndex})`
            : `${n.id}(down)`;
        });
      problems.push(
        `members did not all apply up to ${target}: ${lagging.join(', ')}; ` +
          `leader ${leader.id} log from ${leader.raft!.stats().firstLogIndex}, sees ${JSON.stringify(leader.raft!.replication())}`,
      );
    } else {
      const digests = new Set(memberNodes.map((n) => n.fsm!.digest()));
      if (digests.size !== 1) problems.push('replica states differ after convergence');
    }
  }
  cluster.checkLogMatching();
  problems.push(...cluster.checker.violations);

  const history = workload.recorder.history();
  // A history that already broke a safety property has failed; the (costly) search adds nothing.
  // The step budget keeps the verdict deterministic whatever the machine's speed.
  const linearizability: CheckResult =
    problems.length > 0 ? { result: 'ok' } : checkLinearizable(kvRegisterModel(), history, { maxSteps: 3_000_000, timeoutMs: 120_000 });
  for (const n of cluster.alive()) void n.raft!.shutdown();
  return {
    seed: options.seed,
    size: options.size,
    problems,
    linearizability,
    operations: history.length,
    completedOperations: workload.completedOps,
    committedEntries: cluster.checker.committedCount(),
    simulatedMs: cluster.clock.now(),
    faults: nemesis.log,
    undecodableMessages: cluster.network.stats.undecodable,
    snapshotsTaken: cluster.snapshotCounts.taken,
    snapshotsInstalled: cluster.snapshotCounts.installed,
  };
}
