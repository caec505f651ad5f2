import type { Operation } from './history';

/** The outcome of applying one operation to a sequential specification. */
export interface StepResult<S> {
  /** False when the specification cannot produce `output` for `input` from the given state. */
  readonly ok: boolean;
  readonly state: S;
}

/**
 * A sequential specification of the system under test. States must be treated as immutable:
 * the checker keeps old states to backtrack to, so `step` returns a new state instead of
 * changing the one it was given. Inputs must be plain JSON data: the checker compares them
 * with `JSON.stringify` to find interchangeable operations, and `step` must give the same
 * result for equal inputs.
 */
export interface Model<S, I, O> {
  init(): S;
  /**
   * Applies `input`, checking that the specification could reply `output`. When `output` is
   * `undefined` the reply is unknown (or carries nothing to check) and any reply is accepted:
   * only the effect on the state matters.
   */
  step(state: S, input: I, output: O | undefined): StepResult<S>;
  /**
   * Splits a history into independent sub-histories (for example one per key). A history is
   * linearizable iff each part is (P-compositionality), and the search is exponential in the
   * size of what it checks, so this is what makes large histories tractable.
   */
  partition?(ops: readonly Operation<I, O>[]): Operation<I, O>[][];
  /**
   * A string equal for two states iff they are equal, used to remember already explored
   * configurations. Without it states are compared by `JSON.stringify`, which is only right
   * for plain JSON data (a Map or Set would all look alike and the search would prune wrongly).
   */
  key?(state: S): string;
  /**
   * True for inputs that never change the state, whatever the state (reads). An optional hint
   * that lets the search place such operations greedily instead of trying every order; it must
   * not be claimed for an input that can change the state in some state (e.g. compare-and-set).
   */
  isReadOnly?(input: I): boolean;
  /** A short human-readable form of an operation for explanations, e.g. `put x=1 -> ok`. */
  describe?(input: I, output: O | undefined): string;
}

/** Groups operations by a key taken from each input, keeping history order within a group. */
export function partitionByKey<I, O>(ops: readonly Operation<I, O>[], keyOf: (input: I) => string): Operation<I, O>[][] {
  const groups = new Map<string, Operation<I, O>[]>();
  for (const op of ops) {
    const key = keyOf(op.input);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [op]);
    else group.push(op);
  }
  return [...groups.values()];
}
