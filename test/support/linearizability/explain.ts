/** Human-readable explanations of violations, for test failure messages. */
import type { Operation } from './history';
import type { Model } from './model';
import type { DeadEnd } from './search';

const MAX_PENDING_SHOWN = 20;

export function describeOperation<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  const what = model.describe?.(op.input, op.output) ?? defaultDescription(op.input, op.output);
  const returned = op.return === Infinity ? 'outcome unknown' : `return ${op.return}`;
  return `op #${op.id} (client ${op.clientId}, call ${op.call}, ${returned}): ${what}`;
}

function defaultDescription(input: unknown, output: unknown): string {
  return `${JSON.stringify(input)} -> ${output === undefined ? '?' : JSON.stringify(output)}`;
}

/**
 * Explains the deepest dead end of a failed search: the longest prefix that could be
 * linearized, the state it leads to, and the completed operation that could not follow it.
 */
export function explainViolation<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  deadEnd: DeadEnd,
  partitionLabel: string,
): string {
  const lines = [`Not linearizable (${partitionLabel}, ${ops.length} operations).`];
  let state = model.init();
  if (deadEnd.prefix.length === 0) {
    lines.push('Longest linearizable prefix: none; no operation can be placed first.');
  } else {
    lines.push(`Longest linearizable prefix (${deadEnd.prefix.length} operations, in order):`);
    for (const index of deadEnd.prefix) {
      const op = ops[index]!;
      state = model.step(state, op.input, op.output).state;
      lines.push(`  ${describeOperation(model, op)}`);
    }
  }
  lines.push(`Model state after it: ${model.key?.(state) ?? JSON.stringify(state)}`);

  const blocked = ops[deadEnd.blocked]!;
  const rejected = !model.step(state, blocked.input, blocked.output).ok;
  lines.push(
    `Could not place ${describeOperation(model, blocked)}`,
    rejected
      ? `  it had completed by ${blocked.return}, yet the model rejects it in that state.`
      : `  it had completed by ${blocked.return}; the model accepts it there, but that` +
          ' configuration was already explored and led nowhere.',
  );
  if (deadEnd.pending.length > 0) {
    lines.push('Also in flight at that point and not placed either:');
    // Timed-out operations stay in flight forever, so this list can grow with the history.
    const shown = deadEnd.pending.slice(0, MAX_PENDING_SHOWN);
    for (const index of shown) lines.push(`  ${describeOperation(model, ops[index]!)}`);
    const hidden = deadEnd.pending.length - shown.length;
    if (hidden > 0) lines.push(`  ... and ${hidden} more`);
  }
  return lines.join('\n');
}
