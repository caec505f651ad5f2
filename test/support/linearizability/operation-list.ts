/** A terse way to write hand-made histories in tests. */
import type { ClientId, Operation } from './history';

export class OperationList<I, O> {
  readonly ops: Operation<I, O>[] = [];

  /**
   * Adds an operation and returns its id. Leave out `ret` (and pass `undefined` as output)
   * for an unknown outcome.
   */
  add(clientId: ClientId, input: I, output: O | undefined, call: number, ret = Infinity): number {
    const id = this.ops.length;
    this.ops.push({ id, clientId, input, output, call, return: ret });
    return id;
  }
}
