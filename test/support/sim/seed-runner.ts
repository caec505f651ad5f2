import type { BugSwitches } from '../../../src/raft/index';
import { runHistory, type HistoryResult } from './run-history';

/** Seeds to run: `SEED=n` replays one, `SEEDS=n` runs n from `base` (a longer soak). */
export function seedsToRun(defaultCount: number, base: number): number[] {
  if (process.env.SEED !== undefined) return [Number(process.env.SEED)];
  const count = process.env.SEEDS !== undefined ? Number(process.env.SEEDS) : defaultCount;
  return Array.from({ length: count }, (_, i) => base + i);
}

export function failureOf(r: HistoryResult): string | undefined {
  if (r.problems.length > 0) return r.problems.join('; ');
  if (r.linearizability.result === 'violation') return `not linearizable: ${r.linearizability.explanation ?? ''}`;
  return undefined;
}

export interface BatchSummary {
  readonly histories: number;
  readonly operations: number;
  readonly minOperations: number;
  readonly faults: number;
  readonly linearizabilityUnknown: number;
  readonly failures: { seed: number; failure: string; faults: readonly string[] }[];
}

export async function runSeeds(
  size: number,
  seeds: readonly number[],
  bugs?: BugSwitches,
  stopAtFirstFailure = false,
): Promise<BatchSummary> {
  let operations = 0;
  let minOperations = Infinity;
  let faults = 0;
  let unknown = 0;
  const failures: BatchSummary['failures'] = [];
  let histories = 0;
  for (const seed of seeds) {
    const r = await runHistory({ seed, size, bugs, opsPerClient: 240 });
    histories++;
    operations += r.operations;
    minOperations = Math.min(minOperations, r.operations);
    faults += r.faults.length;
    if (r.linearizability.result === 'unknown') unknown++;
    const failure = failureOf(r);
    if (failure !== undefined) {
      failures.push({ seed, failure, faults: r.faults });
      if (stopAtFirstFailure) break;
    }
  }
  return { histories, operations, minOperations, faults, linearizabilityUnknown: unknown, failures };
}
