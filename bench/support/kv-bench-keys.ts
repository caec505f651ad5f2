/**
 * The keys and values bench/catch-up writes: key i is 16 bytes ("k" and 15 digits, so LMDB's
 * byte order is the numeric order and a load appends to the B-tree's right edge), and a value is
 * 100 bytes that differ per key and per write, so an overwrite really changes the state and a
 * replica that missed it has a different digest. One command (key=value) is 117 bytes.
 */
import { encodePut } from '../../test/support/process-cluster/kv-fsm';

const VALUE_BYTES = 100;
const FILLER = 'x'.repeat(VALUE_BYTES);

export const keyOf = (i: number): string => `k${String(i).padStart(15, '0')}`;

/** `generation` 0 for the load; each later write of a key uses a new one. */
export function valueOf(i: number, generation: number): string {
  const head = `v${generation}:${i}:`;
  return head + FILLER.slice(head.length);
}

export const putCommand = (i: number, generation: number): Uint8Array => encodePut(keyOf(i), valueOf(i, generation));
