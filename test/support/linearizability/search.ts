/**
 * The Wing–Gong linearizability search with Lowe's memoization, over one partition.
 *
 * Walk the event list from the front. At a call, try to linearize that operation now: if the
 * model accepts it and the resulting configuration is new, lift it out of the list, push it on
 * the stack and restart from the front. At a return, the operation returning there has not
 * been linearized although it has already completed: the current prefix is a dead end, so pop
 * the last linearized operation, put it back and try the next candidate after it.
 *
 * Unknown outcomes return at +Infinity, after every finite return. Reaching one of their returns
 * therefore means every operation that completed has been linearized; the remaining ones may
 * simply never have taken effect, so the history is linearizable.
 *
 * One reduction on top (when the model marks read-only inputs): a read-only operation that is
 * a candidate and that the current state accepts is placed at once, with no alternative tried.
 * Any linearization that places it later can move it here: it changes no state, it returns the
 * same output here, and everything that had to precede it in real time already has. Without
 * this, concurrent reads multiply the orders explored for nothing. A second reduction, for
 * interchangeable unknown outcomes, is described at `earlierTwins`.
 */
import { buildEventList, type EventEntry, lift, unlift } from './event-list';
import type { Operation } from './history';
import { LinearizedSet, VisitedConfigurations } from './linearized-set';
import type { Model } from './model';

/** Shared by all partitions of one check, so the whole check respects the limits. */
export interface SearchBudget {
  stepsTaken: number;
  readonly maxSteps: number;
  /** In `performance.now()` milliseconds. */
  readonly deadline: number;
}

/** How far the search got before it had to give up on a partition. */
export interface DeadEnd {
  /** Indexes (into the partition) of the longest linearizable prefix found, in order. */
  readonly prefix: readonly number[];
  /** The operation that completed but could not be linearized after that prefix. */
  readonly blocked: number;
  /** Other operations that were in flight then and were not linearized either. */
  readonly pending: readonly number[];
}

export type SearchOutcome =
  { readonly kind: 'ok' } | { readonly kind: 'violation'; readonly deadEnd: DeadEnd } | { readonly kind: 'budget-exhausted' };

export function searchLinearization<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], budget: SearchBudget): SearchOutcome {
  return new PartitionSearch(model, ops).run(budget);
}

interface StackFrame<S> {
  readonly call: EventEntry;
  /** The state before this operation was applied, restored on backtracking. */
  readonly stateBefore: S;
  /** A read placed without alternatives: backtracking past it abandons its configuration. */
  readonly forced: boolean;
}

/** How many steps between clock reads: reading the clock on every step would dominate. */
const CLOCK_CHECK_INTERVAL = 1024;

class PartitionSearch<S, I, O> {
  private readonly head: EventEntry;
  private readonly readOnly: readonly boolean[];
  /** See `earlierTwins`; -1 where there is none. */
  private readonly earlierTwin: readonly number[];
  private readonly stateKey: (state: S) => string;
  private readonly outcomeUnknown: readonly boolean[];
  /** Placed operations with a known outcome, then those without (see VisitedConfigurations). */
  private readonly placedFinite: LinearizedSet;
  private readonly placedUnknown: LinearizedSet;
  private readonly visited = new VisitedConfigurations();
  private readonly stack: StackFrame<S>[] = [];
  private state: S;
  private deadEnd: DeadEnd | undefined;

  constructor(
    private readonly model: Model<S, I, O>,
    private readonly ops: readonly Operation<I, O>[],
  ) {
    this.head = buildEventList(ops);
    this.readOnly = ops.map((op) => model.isReadOnly?.(op.input) ?? false);
    this.earlierTwin = earlierTwins(ops);
    this.stateKey = model.key?.bind(model) ?? ((state: S) => JSON.stringify(state));
    this.outcomeUnknown = ops.map((op) => op.return === Infinity);
    this.placedFinite = new LinearizedSet(ops.length);
    this.placedUnknown = new LinearizedSet(ops.length);
    this.state = model.init();
  }

  run(budget: SearchBudget): SearchOutcome {
    let entry = this.head.next;
    let newConfiguration = true;
    while (entry !== null) {
      if (budgetExhausted(budget)) return { kind: 'budget-exhausted' };

      if (newConfiguration) {
        newConfiguration = false;
        const read = this.acceptedRead();
        if (read !== undefined) {
          if (this.place(read.call, read.nextState, true)) {
            entry = this.head.next;
            newConfiguration = true;
          } else {
            // What follows that read was explored before, in vain; as the read may go first
            // in any linearization from here, nothing from this configuration can succeed.
            entry = this.backtrack();
            if (entry === null) return this.violation();
          }
          continue;
        }
      }

      if (entry.isCall) {
        const result = this.worthTrying(entry) ? this.stepAt(entry) : undefined;
        if (result?.ok && this.place(entry, result.state, false)) {
          entry = this.head.next;
          newConfiguration = true;
        } else {
          entry = entry.next;
        }
        continue;
      }

      if (entry.time === Infinity) return { kind: 'ok' };
      this.recordDeadEnd(entry);
      entry = this.backtrack();
      if (entry === null) return this.violation();
    }
    // Every operation, including those with unknown outcomes, has been linearized.
    return { kind: 'ok' };
  }

  private worthTrying(call: EventEntry): boolean {
    // Read-only candidates: see acceptedRead; those with an unknown outcome constrain nothing.
    return !this.readOnly[call.opIndex] && !this.waitsForTwin(call);
  }

  private stepAt(call: EventEntry): { ok: boolean; state: S } {
    const op = this.ops[call.opIndex]!;
    return this.model.step(this.state, op.input, op.output);
  }

  /** The first completed read-only candidate the current state accepts, if any. */
  private acceptedRead(): { call: EventEntry; nextState: S } | undefined {
    for (let e = this.head.next; e !== null && e.isCall; e = e.next) {
      if (!this.readOnly[e.opIndex] || this.outcomeUnknown[e.opIndex]) continue;
      const result = this.stepAt(e);
      if (result.ok) return { call: e, nextState: result.state };
    }
    return undefined;
  }

  private waitsForTwin(call: EventEntry): boolean {
    if (!this.outcomeUnknown[call.opIndex]) return false;
    const twin = this.earlierTwin[call.opIndex];
    return twin >= 0 && !this.placedUnknown.has(twin);
  }

  /** Linearizes `call` next, unless that configuration was already explored. */
  private place(call: EventEntry, nextState: S, forced: boolean): boolean {
    const placed = this.placedSetOf(call.opIndex);
    placed.add(call.opIndex);
    const key = this.stateKey(nextState);
    if (!this.visited.addIfNew(this.placedFinite, this.placedUnknown, key)) {
      placed.delete(call.opIndex);
      return false;
    }
    this.stack.push({ call, stateBefore: this.state, forced });
    this.state = nextState;
    lift(call);
    return true;
  }

  /**
   * Undoes placements up to and including the last unforced one and returns the candidate
   * after it, or null when there is nothing left to undo (the history is not linearizable).
   */
  private backtrack(): EventEntry | null {
    for (let frame = this.stack.pop(); frame !== undefined; frame = this.stack.pop()) {
      this.placedSetOf(frame.call.opIndex).delete(frame.call.opIndex);
      this.state = frame.stateBefore;
      unlift(frame.call);
      if (!frame.forced) return frame.call.next;
    }
    return null;
  }

  private placedSetOf(opIndex: number): LinearizedSet {
    return this.outcomeUnknown[opIndex] ? this.placedUnknown : this.placedFinite;
  }

  /** Keeps the deepest dead end, the most informative one, for the explanation. */
  private recordDeadEnd(blockedReturn: EventEntry): void {
    if (this.deadEnd !== undefined && this.stack.length <= this.deadEnd.prefix.length) return;
    const pending: number[] = [];
    for (let e = this.head.next; e !== null && e !== blockedReturn; e = e.next) {
      if (e.isCall && e.opIndex !== blockedReturn.opIndex) pending.push(e.opIndex);
    }
    this.deadEnd = {
      prefix: this.stack.map((frame) => frame.call.opIndex),
      blocked: blockedReturn.opIndex,
      pending,
    };
  }

  private violation(): SearchOutcome {
    // Backtracking only runs out after at least one dead end has been recorded.
    if (this.deadEnd === undefined) throw new Error('violation without a dead end');
    return { kind: 'violation', deadEnd: this.deadEnd };
  }
}

/**
 * For each unknown-outcome operation, the previous one (by call time) with the same input.
 * Such twins are interchangeable once both have been called: same input, no reply to match,
 * no return to respect. So any linearization can be rewritten to use them in call order, and
 * the search only places one after its earlier twin; otherwise every subset of k twins would
 * be explored as a distinct configuration, 2^k instead of k + 1.
 */
function earlierTwins(ops: readonly Operation<unknown, unknown>[]): number[] {
  const earlier = ops.map(() => -1);
  const lastByInput = new Map<string, number>();
  const unknownByCall = ops
    .map((op, index) => ({ op, index }))
    .filter(({ op }) => op.return === Infinity)
    .sort((a, b) => a.op.call - b.op.call || a.index - b.index);
  for (const { op, index } of unknownByCall) {
    const input = JSON.stringify(op.input);
    earlier[index] = lastByInput.get(input) ?? -1;
    lastByInput.set(input, index);
  }
  return earlier;
}

function budgetExhausted(budget: SearchBudget): boolean {
  budget.stepsTaken++;
  if (budget.stepsTaken > budget.maxSteps) return true;
  return budget.stepsTaken % CLOCK_CHECK_INTERVAL === 0 && performance.now() > budget.deadline;
}
