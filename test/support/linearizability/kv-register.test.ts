import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLinearizable, type CheckResult } from './checker';
import { kvRegister, type KvInput, type KvOutput } from './models/kv-register';
import { OperationList } from './operation-list';

const put = (key: string, value: string): KvInput => ({ op: 'put', key, value });
const get = (key: string): KvInput => ({ op: 'get', key });
const cas = (key: string, expect: string | null, value: string): KvInput => ({
  op: 'cas',
  key,
  expect,
  value,
});

function check(list: OperationList<KvInput, KvOutput>): CheckResult {
  return checkLinearizable(kvRegister, list.ops);
}

/** Asserts a violation whose first unplaced operation, named in the explanation, is `opId`. */
function assertViolationAt(result: CheckResult, opId: number, description: string): void {
  assert.equal(result.result, 'violation', JSON.stringify(result));
  assert.equal(result.unplacedOpIds?.[0], opId);
  assert.match(result.explanation ?? '', new RegExp(`Could not place op #${opId} .*${description}`));
}

test('the empty history is linearizable', () => {
  assert.deepEqual(checkLinearizable(kvRegister, []), { result: 'ok' });
});

test('overlapping writes and reads that need interleaving are linearizable', () => {
  const h = new OperationList<KvInput, KvOutput>();
  h.add(1, put('x', '1'), 'ok', 0, 10);
  h.add(2, put('x', '2'), 'ok', 1, 11);
  h.add(3, get('x'), '2', 2, 3);
  h.add(3, get('x'), '1', 4, 5); // so x=1 took effect after x=2
  h.add(3, get('x'), '1', 12, 13);
  assert.equal(check(h).result, 'ok');
});

test('concurrent reads may see either of two concurrent writes', () => {
  const h = new OperationList<KvInput, KvOutput>();
  h.add(1, put('x', 'a'), 'ok', 0, 10);
  h.add(2, put('x', 'b'), 'ok', 0, 10);
  h.add(3, get('x'), 'a', 1, 9);
  h.add(4, get('x'), 'b', 1, 9);
  h.add(5, get('x'), null, 0, 9); // before both writes
  assert.equal(check(h).result, 'ok');
});

test('an unknown-outcome write may be observed, even after its client moved on', () => {
  const h = new OperationList<KvInput, KvOutput>();
  h.add(1, put('x', '1'), undefined, 0); // timed out
  h.add(1, put('x', '2'), 'ok', 5, 6);
  h.add(2, get('x'), '2', 7, 8);
  h.add(2, get('x'), '1', 9, 10); // the timed-out write landed late
  assert.equal(check(h).result, 'ok');
});

test('an unknown-outcome write may never take effect', () => {
  const h = new OperationList<KvInput, KvOutput>();
  h.add(1, put('x', '1'), undefined, 0);
  h.add(2, get('x'), null, 5, 6);
  h.add(2, get('x'), null, 7, 8);
  assert.equal(check(h).result, 'ok');
});

test('compare-and-set: exactly one of two racing swaps wins', () => {
  const h = new OperationList<KvInput, KvOutput>();
  h.add(1, cas('x', null, 'a'), false, 0, 5);
  h.add(2, cas('x', null, 'b'), true, 0, 5);
  h.add(3, get('x'), 'b', 6, 7);
  h.add(3, cas('x', 'b', 'c'), undefined, 8); // unknown outcome, observed below
  h.add(3, get('x'), 'c', 20, 21);
  assert.equal(check(h).result, 'ok');
});

test('violation: stale read after a completed write', () => {
  const h = new OperationList<KvInput, KvOutput>();
  h.add(1, put('x', '1'), 'ok', 0, 1);
  h.add(1, put('x', '2'), 'ok', 2, 3);
  const read = h.add(2, get('x'), '1', 4, 5);
  assertViolationAt(check(h), read, 'get x -> "1"');
});

test('violation: read of a value never written', () => {
  const h = new OperationList<KvInput, KvOutput>();
  h.add(1, put('x', '1'), 'ok', 0, 10);
  const read = h.add(2, get('x'), '7', 1, 2);
  const result = check(h);
  assertViolationAt(result, read, 'get x -> "7"');
  assert.match(result.explanation ?? '', /Longest linearizable prefix \(1 operations/);
});

test('violation: two sequential reads see two writes in an impossible order', () => {
  const h = new OperationList<KvInput, KvOutput>();
  h.add(1, put('x', '1'), 'ok', 0, 1);
  h.add(1, put('x', '2'), 'ok', 2, 10); // strictly after x=1 completed
  h.add(2, get('x'), '2', 3, 4);
  const secondRead = h.add(2, get('x'), '1', 5, 6);
  assertViolationAt(check(h), secondRead, 'get x -> "1"');
});

test('violation: an acknowledged write is lost', () => {
  const h = new OperationList<KvInput, KvOutput>();
  h.add(1, put('x', '1'), 'ok', 0, 1);
  const read = h.add(2, get('x'), null, 2, 3);
  assertViolationAt(check(h), read, 'get x -> null');
});

test('violation: an unknown-outcome write is observed and then un-observed', () => {
  const h = new OperationList<KvInput, KvOutput>();
  h.add(1, put('x', '1'), undefined, 0);
  h.add(2, get('x'), '1', 1, 2);
  const read = h.add(2, get('x'), null, 3, 4);
  const result = check(h);
  assertViolationAt(result, read, 'get x -> null');
  assert.match(result.explanation ?? '', /op #0 .*outcome unknown.*put x="1" -> \?/);
});

test('violation: two compare-and-sets from the same expectation both succeed', () => {
  const h = new OperationList<KvInput, KvOutput>();
  h.add(1, cas('x', null, 'a'), true, 0, 1);
  const second = h.add(2, cas('x', null, 'b'), true, 2, 3);
  assertViolationAt(check(h), second, 'cas x null=>"b" -> true');
});

test('a violation on one key is found among healthy keys and its partition reported', () => {
  const h = new OperationList<KvInput, KvOutput>();
  for (const key of ['a', 'b', 'c']) {
    h.add(1, put(key, '1'), 'ok', 0, 1);
    h.add(2, get(key), '1', 2, 3);
  }
  const bad = h.add(3, get('b'), null, 4, 5);
  const result = check(h);
  assertViolationAt(result, bad, 'get b -> null');
  assert.equal(result.partition, 1); // partitions come in order of first appearance: a, b, c
  assert.deepEqual(result.prefixOpIds, [2, 3]);
});
