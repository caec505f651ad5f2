import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLinearizable, type CheckResult } from './checker';
import { namespace, namespaceModel, type NamespaceInput, type NamespaceOutput } from './models/namespace';
import { OperationList } from './operation-list';

const create = (path: string): NamespaceInput => ({ op: 'create', path });
const remove = (path: string): NamespaceInput => ({ op: 'delete', path });
const stat = (path: string): NamespaceInput => ({ op: 'stat', path });

type Ops = OperationList<NamespaceInput, NamespaceOutput>;

function check(list: Ops): CheckResult {
  return checkLinearizable(namespace, list.ops);
}

function assertViolationAt(result: CheckResult, opId: number, description: string): void {
  assert.equal(result.result, 'violation', JSON.stringify(result));
  assert.equal(result.unplacedOpIds?.[0], opId);
  assert.match(result.explanation ?? '', new RegExp(`Could not place op #${opId} .*${description}`));
}

test('of two concurrent creates one succeeds and the other finds the node', () => {
  const h: Ops = new OperationList();
  h.add(1, create('/a'), 'exists', 0, 10);
  h.add(2, create('/a'), 'ok', 1, 11);
  h.add(3, stat('/a'), 'not-found', 0, 2); // before either
  h.add(3, stat('/a'), 'found', 12, 13);
  assert.equal(check(h).result, 'ok');
});

test('create, delete and stat interleave per path', () => {
  const h: Ops = new OperationList();
  h.add(1, create('/a'), 'ok', 0, 1);
  h.add(1, create('/b'), 'ok', 0, 1);
  h.add(2, remove('/a'), 'ok', 2, 6);
  h.add(3, stat('/a'), 'found', 3, 4); // the delete had not taken effect yet
  h.add(3, stat('/a'), 'not-found', 7, 8);
  h.add(3, stat('/b'), 'found', 7, 8);
  h.add(3, remove('/c'), 'not-found', 9, 10);
  assert.equal(check(h).result, 'ok');
});

test('an unknown-outcome create may be observed later, or never', () => {
  const h: Ops = new OperationList();
  h.add(1, create('/seen'), undefined, 0);
  h.add(2, stat('/seen'), 'not-found', 1, 2);
  h.add(2, stat('/seen'), 'found', 3, 4);
  h.add(1, create('/never'), undefined, 0);
  h.add(2, stat('/never'), 'not-found', 5, 6);
  h.add(3, create('/never'), 'ok', 7, 8); // so the timed-out create never applied before it
  assert.equal(check(h).result, 'ok');
});

test('paths that exist initially', () => {
  const h: Ops = new OperationList();
  h.add(1, create('/'), 'exists', 0, 1);
  h.add(1, remove('/'), 'ok', 2, 3);
  assert.equal(checkLinearizable(namespaceModel(['/']), h.ops).result, 'ok');
  assert.equal(check(h).result, 'violation');
});

test('violation: "exists" for a create on a path never created', () => {
  const h: Ops = new OperationList();
  h.add(1, create('/other'), 'ok', 0, 1);
  const bad = h.add(2, create('/a'), 'exists', 2, 3);
  assertViolationAt(check(h), bad, 'create /a -> exists');
});

test('violation: two creates of the same path both succeed', () => {
  const h: Ops = new OperationList();
  const first = h.add(1, create('/a'), 'ok', 0, 5);
  const second = h.add(2, create('/a'), 'ok', 1, 6);
  const result = check(h);
  // Either may be the one that is placed; the other is then impossible.
  assert.equal(result.result, 'violation');
  assert.deepEqual([...(result.prefixOpIds ?? []), ...(result.unplacedOpIds ?? [])].sort(), [first, second]);
  assert.equal(result.prefixOpIds?.length, 1);
});

test('violation: a completed create is not visible to a later stat', () => {
  const h: Ops = new OperationList();
  h.add(1, create('/a'), 'ok', 0, 1);
  const bad = h.add(2, stat('/a'), 'not-found', 2, 3);
  assertViolationAt(check(h), bad, 'stat /a -> not-found');
});

test('violation: an unknown-outcome create observed and then un-observed', () => {
  const h: Ops = new OperationList();
  h.add(1, create('/a'), undefined, 0);
  h.add(2, stat('/a'), 'found', 1, 2);
  const bad = h.add(2, stat('/a'), 'not-found', 3, 4);
  assertViolationAt(check(h), bad, 'stat /a -> not-found');
});

test('violation: a delete succeeds on a path that was already deleted', () => {
  const h: Ops = new OperationList();
  h.add(1, create('/a'), 'ok', 0, 1);
  h.add(1, remove('/a'), 'ok', 2, 3);
  const bad = h.add(2, remove('/a'), 'ok', 4, 5);
  assertViolationAt(check(h), bad, 'delete /a -> ok');
});
