/**
 * One measurement of our cluster for bench/meta and bench/e2e: the op's calls prepared, the
 * closed loop run against the current leader (or the configured target), its JSON line emitted,
 * and the run marked failed when calls failed or leadership moved meanwhile (the figure is then
 * suspect). `reportFailure` notes an error and marks the run failed without stopping it.
 */
import type { LoopResult } from './meta-closed-loop';
import { emit, note, oursLine } from './meta-lines';
import type { MetaSession } from './meta-session';
import type { MetaOp, MetaWorkloads } from './meta-workloads';
import type { Target } from './meta-cli';

export interface MeasureSettings {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly target: Target;
}

export function reportFailure(what: string, error: unknown): void {
  note(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}

export async function measureOurs(
  bench: string,
  session: MetaSession,
  workloads: MetaWorkloads,
  op: MetaOp,
  concurrency: number,
  settings: MeasureSettings,
): Promise<LoopResult> {
  const spec = { concurrency, seconds: settings.seconds, warmupSeconds: settings.warmupSeconds };
  await session.retarget();
  const call = await workloads.prepare(op, spec);
  const { result, leader, leaderChanged } = await session.measure(spec, call);
  emit(oursLine({ bench, op, concurrency, target: settings.target, leader, leaderChanged }, result));
  if (Object.keys(result.errors).length > 0 || result.exhaustedWorkers > 0 || leaderChanged) process.exitCode = 1;
  return result;
}
