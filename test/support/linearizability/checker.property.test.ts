/**
 * Property tests: histories recorded from real atomic objects are always linearizable, and
 * corrupting one reply into something no execution could produce is always caught.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkLinearizable } from './checker';
import type { Operation } from './history';
import { kvRegister, type KvInput } from './models/kv-register';
import { namespace, type NamespaceInput, type NamespaceOperation } from './models/namespace';
import { atomicKvStore, atomicNamespace } from './reference-objects';
import { type Fate, type PlannedOp, simulateHistory } from './simulated-history';

const fate: fc.Arbitrary<Fate> = fc.oneof(
  { weight: 16, arbitrary: fc.constant<Fate>('ok') },
  { weight: 1, arbitrary: fc.constant<Fate>('failed') },
  { weight: 2, arbitrary: fc.constant<Fate>('unknown-applied') },
  { weight: 2, arbitrary: fc.constant<Fate>('unknown-lost') },
);

function plannedOps<I>(input: fc.Arbitrary<I>): fc.Arbitrary<PlannedOp<I>[]> {
  const plan = fc.record({
    client: fc.nat(4),
    input,
    thinkTime: fc.nat(4),
    latencyToEffect: fc.integer({ min: 1, max: 8 }),
    latencyToReply: fc.integer({ min: 1, max: 8 }),
    fate,
  });
  return fc.array(plan, { maxLength: 40 });
}

// Few keys and few values, so that reads are often ambiguous and the search must backtrack.
const key = fc.constantFrom('a', 'b', 'c');
const value = fc.constantFrom('1', '2', '3');
const kvInput: fc.Arbitrary<KvInput> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key, value }),
  fc.record({ op: fc.constant('get' as const), key }),
  fc.record({ op: fc.constant('cas' as const), key, expect: fc.option(value), value }),
);
const path = fc.constantFrom('/a', '/b');
const namespaceInput: fc.Arbitrary<NamespaceInput> = fc.record({
  op: fc.constantFrom('create' as const, 'delete' as const, 'stat' as const),
  path,
});

const kvHistory = plannedOps(kvInput).map((plans) => simulateHistory(plans, atomicKvStore()));
const namespaceHistory = plannedOps(namespaceInput).map((plans) => simulateHistory(plans, atomicNamespace()));

/** Replaces one completed operation matching `eligible` (chosen by `pick`) with `replace(op)`. */
function corruptOne<I, O>(
  history: Operation<I, O>[],
  pick: number,
  eligible: (op: Operation<I, O>) => boolean,
  replace: (op: Operation<I, O>) => Operation<I, O>,
): { corrupted: Operation<I, O>[]; victim: number } | undefined {
  const candidates = history.filter((op) => op.return !== Infinity && eligible(op));
  if (candidates.length === 0) return undefined;
  const victim = candidates[pick % candidates.length]!.id;
  return { corrupted: history.map((op) => (op.id === victim ? replace(op) : op)), victim };
}

test('histories of an atomic key-value store are linearizable', () => {
  fc.assert(
    fc.property(kvHistory, (history) => {
      const result = checkLinearizable(kvRegister, history);
      assert.equal(result.result, 'ok', result.explanation);
    }),
  );
});

test('a completed read of a value never written is always a violation', () => {
  fc.assert(
    fc.property(kvHistory, fc.nat(), (history, pick) => {
      const mutation = corruptOne(
        history,
        pick,
        (op) => op.input.op === 'get',
        (op) => ({ ...op, output: 'never written' }), // outside the domain of written values
      );
      fc.pre(mutation !== undefined);
      const result = checkLinearizable(kvRegister, mutation.corrupted);
      assert.equal(result.result, 'violation');
      assert.match(result.explanation ?? '', /Could not place op #\d+/);
    }),
  );
});

test('histories of an atomic namespace are linearizable', () => {
  fc.assert(
    fc.property(namespaceHistory, (history) => {
      const result = checkLinearizable(namespace, history);
      assert.equal(result.result, 'ok', result.explanation);
    }),
  );
});

test('a completed stat that finds a never-created path is always a violation', () => {
  fc.assert(
    fc.property(namespaceHistory, fc.nat(), (history, pick) => {
      // Moving a read elsewhere leaves its old path's history linearizable, so the moved
      // stat is then the one and only thing wrong.
      const mutation = corruptOne(
        history,
        pick,
        (op) => op.input.op === 'stat',
        (op): NamespaceOperation => ({
          ...op,
          input: { op: 'stat', path: '/never-created' },
          output: 'found',
        }),
      );
      fc.pre(mutation !== undefined);
      const result = checkLinearizable(namespace, mutation.corrupted);
      assert.equal(result.result, 'violation');
      assert.deepEqual(result.unplacedOpIds, [mutation.victim]);
      assert.match(result.explanation ?? '', /stat \/never-created -> found/);
    }),
  );
});
