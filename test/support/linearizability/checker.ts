/**
 * Entry point of the linearizability checker: validates a history, splits it into independent
 * partitions (P-compositionality) and runs the Wing–Gong/Lowe search on each.
 */
import { explainViolation } from './explain';
import type { History, Operation } from './history';
import type { Model } from './model';
import { type SearchBudget, searchLinearization } from './search';

export interface CheckOptions {
  /** Wall-clock limit for the whole check; past it the result is 'unknown'. Default 10 s. */
  timeoutMs?: number;
  /**
   * Limit on search steps for the whole check, for a deterministic budget (a simulation must
   * give the same verdict on every run, whatever the machine's speed). Default unlimited.
   */
  maxSteps?: number;
}

export interface CheckResult {
  /** 'unknown' means the budget ran out before a verdict: the history may be either. */
  readonly result: 'ok' | 'violation' | 'unknown';
  /** Index, in the model's `partition` output, of the partition that failed or ran out. */
  readonly partition?: number;
  readonly explanation?: string;
  /** Ids of the longest linearizable prefix found in the failing partition, in order. */
  readonly prefixOpIds?: readonly number[];
  /** Ids of the operations that could not be placed after it; the first one had completed. */
  readonly unplacedOpIds?: readonly number[];
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function checkLinearizable<S, I, O>(model: Model<S, I, O>, history: History<I, O>, options: CheckOptions = {}): CheckResult {
  validateHistory(history);
  const budget: SearchBudget = {
    stepsTaken: 0,
    maxSteps: options.maxSteps ?? Infinity,
    deadline: performance.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  };
  // A read whose reply was never seen constrains nothing; dropping it keeps the search small.
  const relevant = history.filter((op) => op.return !== Infinity || !(model.isReadOnly?.(op.input) ?? false));
  const partitions = model.partition?.(relevant) ?? [relevant];
  // Smallest partitions first: if one partition is too hard for the budget, a violation in
  // the others is still found (and a violation anywhere is a definite verdict).
  const order = partitions.map((_, index) => index).sort((a, b) => partitions[a]!.length - partitions[b]!.length);

  for (const index of order) {
    const ops = partitions[index]!;
    const outcome = searchLinearization(model, ops, budget);
    if (outcome.kind === 'budget-exhausted') {
      return {
        result: 'unknown',
        partition: index,
        explanation:
          `Search budget exhausted after ${budget.stepsTaken} steps in partition ${index}` +
          ` (${ops.length} operations); ${partitions.length} partitions in total.`,
      };
    }
    if (outcome.kind === 'violation') {
      const { deadEnd } = outcome;
      const idOf = (opIndex: number): number => ops[opIndex]!.id;
      return {
        result: 'violation',
        partition: index,
        explanation: explainViolation(model, ops, deadEnd, `partition #${index} of ${partitions.length}`),
        prefixOpIds: deadEnd.prefix.map(idOf),
        unplacedOpIds: [deadEnd.blocked, ...deadEnd.pending].map(idOf),
      };
    }
  }
  return { result: 'ok' };
}

/** Rejects malformed histories up front: a recording bug must not pass for a verdict. */
function validateHistory(history: History<unknown, unknown>): void {
  const ids = new Set<number>();
  for (const op of history) {
    if (ids.has(op.id)) throw new Error(`duplicate operation id ${op.id}`);
    ids.add(op.id);
    if (!Number.isFinite(op.call)) throw new RangeError(`${label(op)}: call time must be finite`);
    if (Number.isNaN(op.return) || op.return < op.call) {
      throw new RangeError(`${label(op)}: return ${op.return} is before call ${op.call}`);
    }
    if (op.return === Infinity && op.output !== undefined) {
      throw new Error(`${label(op)}: an unknown outcome (return = Infinity) cannot have an output`);
    }
  }
}

function label(op: Operation<unknown, unknown>): string {
  return `operation ${op.id}`;
}
