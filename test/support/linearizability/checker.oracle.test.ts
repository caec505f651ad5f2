/**
 * The checker must agree with a brute-force oracle on tiny arbitrary histories, linearizable or
 * not. Outputs are random, so roughly half are violations; this covers what the hand-made cases
 * cannot: odd interleavings, ties, unknown outcomes, the read reduction and the memoization.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isLinearizableByBruteForce } from './brute-force-oracle';
import { checkLinearizable } from './checker';
import type { Operation } from './history';
import type { Model } from './model';
import { kvRegister, type KvInput, type KvOutput } from './models/kv-register';
import { namespace, type NamespaceInput, type NamespaceOutput } from './models/namespace';

interface RawOp<I> {
  readonly client: number;
  readonly input: I;
  readonly outputPick: number;
  readonly call: number;
  readonly duration: number;
  readonly outcomeUnknown: boolean;
}

function tinyHistory<I, O>(input: fc.Arbitrary<I>, outputOf: (input: I, pick: number) => O): fc.Arbitrary<Operation<I, O>[]> {
  const raw: fc.Arbitrary<RawOp<I>> = fc.record({
    client: fc.nat(2),
    input,
    outputPick: fc.nat(2),
    call: fc.nat(10),
    duration: fc.nat(6), // 0 included: instantaneous operations and ties
    outcomeUnknown: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });
  return fc.array(raw, { maxLength: 7 }).map((ops) =>
    ops.map((op, id) => ({
      id,
      clientId: op.client,
      input: op.input,
      output: op.outcomeUnknown ? undefined : outputOf(op.input, op.outputPick),
      call: op.call,
      return: op.outcomeUnknown ? Infinity : op.call + op.duration,
    })),
  );
}

function assertAgreesWithOracle<S, I, O>(
  model: Model<S, I, O>,
  histories: fc.Arbitrary<Operation<I, O>[]>,
): { ok: number; violation: number } {
  const verdicts = { ok: 0, violation: 0 };
  fc.assert(
    fc.property(histories, (history) => {
      const expected = isLinearizableByBruteForce(model, history) ? 'ok' : 'violation';
      const actual = checkLinearizable(model, history).result;
      assert.equal(actual, expected, JSON.stringify(history));
      verdicts[expected]++;
    }),
    { numRuns: 2_000 },
  );
  // Both verdicts must be well represented, or the comparison proves little.
  assert.ok(verdicts.ok > 200 && verdicts.violation > 200, JSON.stringify(verdicts));
  return verdicts;
}

test('the checker agrees with brute force on tiny key-value histories', (t) => {
  const key = fc.constantFrom('a', 'b');
  const value = fc.constantFrom('1', '2');
  const input: fc.Arbitrary<KvInput> = fc.oneof(
    fc.record({ op: fc.constant('put' as const), key, value }),
    fc.record({ op: fc.constant('get' as const), key }),
    fc.record({ op: fc.constant('cas' as const), key, expect: fc.option(value), value }),
  );
  const outputOf = (kv: KvInput, pick: number): KvOutput =>
    kv.op === 'put' ? 'ok' : kv.op === 'cas' ? pick % 2 === 0 : [null, '1', '2'][pick];
  const verdicts = assertAgreesWithOracle(kvRegister, tinyHistory(input, outputOf));
  t.diagnostic(`verdicts: ${JSON.stringify(verdicts)}`);
});

test('the checker agrees with brute force on tiny namespace histories', (t) => {
  const input: fc.Arbitrary<NamespaceInput> = fc.record({
    op: fc.constantFrom('create' as const, 'delete' as const, 'stat' as const),
    path: fc.constantFrom('/a', '/b'),
  });
  const replies: Record<NamespaceInput['op'], readonly NamespaceOutput[]> = {
    create: ['ok', 'exists'],
    delete: ['ok', 'not-found'],
    stat: ['found', 'not-found'],
  };
  const outputOf = (ns: NamespaceInput, pick: number): NamespaceOutput => replies[ns.op][pick % 2];
  const verdicts = assertAgreesWithOracle(namespace, tinyHistory(input, outputOf));
  t.diagnostic(`verdicts: ${JSON.stringify(verdicts)}`);
});
