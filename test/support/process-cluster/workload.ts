/**
 * Small pieces the system tests share: a seeded PRNG, a bounded-concurrency task pool, and the
 * checks that a ProcessCluster has converged and that its replicas agree with a model.
 */
import assert from 'node:assert/strict';
import type { RaftStats } from '../../../src/raft';
import { mapHash } from './kv-fsm';
import type { ProcessCluster } from './process-cluster';
import type { NodeDigest } from './protocol';
import { seededRandom as librarySeededRandom } from '../../../src/raft/environment';

/** A seeded random source as a plain function; the generator is the library's, so seeds replay. */
export function seededRandom(seed: number): () => number {
  const source = librarySeededRandom(seed);
  return () => source.next();
}

/** Fisher-Yates with the given PRNG. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Runs task(0..count-1) with at most `concurrency` in flight; rejects on the first failure. */
export async function runPool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/**
 * Waits until `size` nodes answer, one of them leads, and every node has applied exactly the
 * leader's commit index. Returns that index. Meaningful once writes have stopped.
 */
export async function waitForConvergence(cluster: ProcessCluster, size: number, timeoutMs: number): Promise<number> {
  const leaderOf = (stats: ReadonlyMap<string, RaftStats>): RaftStats | undefined => [...stats.values()].find((s) => s.state === 'leader');
  const stats = await cluster.waitUntil(
    (all) => {
      const leader = leaderOf(all);
      return all.size === size && leader !== undefined && [...all.values()].every((s) => s.appliedIndex === leader.commitIndex);
    },
    { timeoutMs, what: `all ${size} nodes applied the leader's commit index` },
  );
  return leaderOf(stats)!.commitIndex;
}

/** Every node's digest is the same, taken at `index`, and its map is `model`. */
export async function assertReplicasMatch(cluster: ProcessCluster, index: number, model: ReadonlyMap<string, string>): Promise<NodeDigest> {
  const digests = await Promise.all(cluster.ids.map((id) => cluster.digest(id)));
  const expected = mapHash(model);
  cluster.ids.forEach((id, i) => {
    const d = digests[i]!;
    assert.equal(d.appliedIndex, index, `${id} applied index`);
    assert.equal(d.keys, model.size, `${id} key count`);
    assert.equal(d.mapHash, expected, `${id} map differs from the model`);
    assert.equal(d.hash, digests[0]!.hash, `${id} digest differs from ${cluster.ids[0]}'s`);
  });
  return digests[0]!;
}

/** Reads `keys` from one node's own FSM (stale reads) and returns those whose value differs. */
export async function localMismatches(
  cluster: ProcessCluster,
  id: string,
  expected: ReadonlyMap<string, string | null>,
): Promise<string[]> {
  const keys = [...expected.keys()];
  const values = await Promise.all(keys.map((k) => cluster.localGet(id, k)));
  return keys.filter((k, i) => values[i] !== expected.get(k));
}
