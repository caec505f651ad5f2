/**
 * Decides linearizability straight from the definition, by trying every order of every subset
 * of operations that may be left out. Exponential, so only for tiny histories: it is an
 * independent oracle for the checker, sharing nothing with it but the model's `step`.
 */
import type { Operation } from './history';
import type { Model } from './model';

export function isLinearizableByBruteForce<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[]): boolean {
  const placed = new Array<boolean>(history.length).fill(false);
  const mustPlace = history.filter((op) => op.return !== Infinity).length;

  /** `op` may go next iff every operation that returned before it was called is placed. */
  const mayGoNext = (op: Operation<I, O>): boolean => history.every((other, j) => placed[j] || other === op || !(other.return < op.call));

  const extend = (state: S, finitePlaced: number): boolean => {
    // Operations with unknown outcomes may never have happened: they need not all be placed.
    if (finitePlaced === mustPlace) return true;
    return history.some((op, i) => {
      if (placed[i] || !mayGoNext(op)) return false;
      const result = model.step(state, op.input, op.output);
      if (!result.ok) return false;
      placed[i] = true;
      const found = extend(result.state, finitePlaced + (op.return === Infinity ? 0 : 1));
      placed[i] = false;
      return found;
    });
  };
  return extend(model.init(), 0);
}
