import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { runSeeds, seedsToRun } from '../support/sim/seed-runner';

/**
 * The deterministic simulation: many seeded histories of a cluster under faults, each checked
 * for Raft's safety properties at every step, liveness and convergence after healing, and
 * linearizability of the client history. A failure names its seed and how to replay it.
 */
export async function simulate(t: TestContext, size: number, defaultSeeds: number, base: number, file: string): Promise<void> {
  const seeds = seedsToRun(defaultSeeds, base);
  const summary = await runSeeds(size, seeds);
  t.diagnostic(
    `${size}-node: ${summary.histories} histories, ${summary.operations} client operations (min ${summary.minOperations} per history), ` +
      `${summary.faults} faults injected, linearizability budget exhausted in ${summary.linearizabilityUnknown}`,
  );
  const first = summary.failures[0];
  assert.equal(
    summary.failures.length,
    0,
    first === undefined
      ? ''
      : `${summary.failures.length} failing seed(s); first: seed ${first.seed}: ${first.failure}\n` +
          `replay: SEED=${first.seed} node --test ${file}\nfaults: ${first.faults.join(' | ')}`,
  );
}
