import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLinearizable } from './checker';
import type { Operation } from './history';
import type { Model } from './model';
import { kvRegister, type KvInput, type KvOutput } from './models/kv-register';
import { namespace, type NamespaceInput, type NamespaceOutput } from './models/namespace';
import { OperationList } from './operation-list';

type KvOps = OperationList<KvInput, KvOutput>;

test('operations that merely touch in time count as concurrent', () => {
  const touching: KvOps = new OperationList();
  touching.add(1, { op: 'put', key: 'x', value: '1' }, 'ok', 0, 5);
  touching.add(2, { op: 'get', key: 'x' }, null, 5, 6);
  assert.equal(checkLinearizable(kvRegister, touching.ops).result, 'ok');

  const disjoint: KvOps = new OperationList();
  disjoint.add(1, { op: 'put', key: 'x', value: '1' }, 'ok', 0, 5);
  disjoint.add(2, { op: 'get', key: 'x' }, null, 5.5, 6);
  assert.equal(checkLinearizable(kvRegister, disjoint.ops).result, 'violation');
});

test('malformed histories are rejected rather than judged', () => {
  const op = (id: number, call: number, ret: number, output: KvOutput | undefined) => ({
    id,
    clientId: 1,
    input: { op: 'get', key: 'x' } as const,
    output,
    call,
    return: ret,
  });
  assert.throws(() => checkLinearizable(kvRegister, [op(0, 0, 1, null), op(0, 2, 3, null)]), /duplicate/);
  assert.throws(() => checkLinearizable(kvRegister, [op(0, 2, 1, null)]), RangeError);
  assert.throws(() => checkLinearizable(kvRegister, [op(0, Infinity, Infinity, undefined)]), RangeError);
  assert.throws(() => checkLinearizable(kvRegister, [op(0, 0, Infinity, null)]), /unknown outcome/);
});

/**
 * Twenty concurrent writes of distinct values, then a read of a value nobody wrote: proving the
 * violation means trying every order of the writes, far beyond any small budget.
 */
function exponentialHistory(writers: number): Operation<KvInput, KvOutput>[] {
  const h: KvOps = new OperationList();
  for (let i = 0; i < writers; i++) h.add(i, { op: 'put', key: 'x', value: `${i}` }, 'ok', 0, 100);
  h.add(writers, { op: 'get', key: 'x' }, 'nobody wrote this', 101, 102);
  return h.ops;
}

test('a search beyond the step budget answers unknown instead of hanging', () => {
  const result = checkLinearizable(kvRegister, exponentialHistory(20), { maxSteps: 10_000 });
  assert.equal(result.result, 'unknown');
  assert.equal(result.partition, 0);
  assert.match(result.explanation ?? '', /budget exhausted after 10001 steps/);
});

test('a search beyond the time budget answers unknown promptly', () => {
  const started = performance.now();
  const result = checkLinearizable(kvRegister, exponentialHistory(20), { timeoutMs: 50 });
  assert.equal(result.result, 'unknown');
  assert.ok(performance.now() - started < 1_000);
});

test('the same history is decided when it is small enough', () => {
  assert.equal(checkLinearizable(kvRegister, exponentialHistory(6)).result, 'violation');
});

/**
 * A one-shot latch: "fire" succeeds once and is impossible afterwards, whatever the reply.
 * It has no `partition` and no `key`, exercising the checker's defaults.
 */
const latch: Model<boolean, 'fire' | 'read', boolean> = {
  init: () => false,
  step: (fired, input, output) =>
    input === 'fire' ? { ok: !fired, state: true } : { ok: output === undefined || output === fired, state: fired },
};

test('an unknown outcome need not be linearized at all', () => {
  // Forcing the timed-out second "fire" in somewhere would make this history impossible.
  const h = new OperationList<'fire' | 'read', boolean>();
  h.add(1, 'fire', undefined, 0, 1);
  h.add(2, 'fire', undefined, 2);
  h.add(3, 'read', true, 3, 4);
  assert.equal(checkLinearizable(latch, h.ops).result, 'ok');

  h.add(3, 'read', false, 5, 6);
  const result = checkLinearizable(latch, h.ops);
  assert.equal(result.result, 'violation');
  assert.equal(result.unplacedOpIds?.[0], 3);
  assert.match(result.explanation ?? '', /op #3 .* "read" -> false/); // default describe()
});

test('many unknown-outcome retries do not blow up the search', () => {
  // Thirty timed-out retries of the same create: 2^30 subsets of them if each were distinct.
  const h = new OperationList<NamespaceInput, NamespaceOutput>();
  for (let client = 0; client < 30; client++) h.add(client, { op: 'create', path: '/a' }, undefined, 0);
  h.add('reader', { op: 'stat', path: '/a' }, 'found', 1, 2);
  const recreate = h.add('reader', { op: 'create', path: '/a' }, 'ok', 3, 4); // never deleted
  const result = checkLinearizable(namespace, h.ops, { maxSteps: 10_000 });
  assert.equal(result.result, 'violation');
  assert.equal(result.unplacedOpIds?.[0], recreate);
});
