import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLinearizable } from './checker';
import { HistoryRecorder, isOutcomeUnknown } from './history';
import { kvRegister, type KvInput, type KvOutput } from './models/kv-register';

test('the recorder keeps completed and unknown operations and drops failed ones', () => {
  const recorder = new HistoryRecorder<KvInput, KvOutput>();
  const write = recorder.invoke('c1', { op: 'put', key: 'x', value: '1' }, 0);
  const rejected = recorder.invoke('c2', { op: 'put', key: 'x', value: '2' }, 1);
  const timedOut = recorder.invoke('c3', { op: 'put', key: 'x', value: '3' }, 2);
  recorder.fail(rejected);
  recorder.ok(write, 'ok', 3);
  recorder.unknown(timedOut);
  const read = recorder.invoke('c1', { op: 'get', key: 'x' }, 4);
  recorder.ok(read, '3', 5);
  const inFlight = recorder.invoke('c2', { op: 'get', key: 'x' }, 6);

  const history = recorder.history();
  assert.deepEqual(
    history.map((op) => [op.id, op.call, op.return, op.output]),
    [
      [write, 0, 3, 'ok'],
      [timedOut, 2, Infinity, undefined],
      [read, 4, 5, '3'],
      [inFlight, 6, Infinity, undefined],
    ],
  );
  assert.deepEqual(
    history.filter(isOutcomeUnknown).map((op) => op.id),
    [timedOut, inFlight],
  );
  assert.equal(checkLinearizable(kvRegister, history).result, 'ok');
});

test('the recorder refuses a clock that goes backwards', () => {
  const recorder = new HistoryRecorder<KvInput, KvOutput>();
  recorder.invoke('c1', { op: 'get', key: 'x' }, 5);
  assert.throws(() => recorder.invoke('c2', { op: 'get', key: 'x' }, 4), RangeError);
  assert.throws(() => recorder.invoke('c2', { op: 'get', key: 'x' }, Infinity), RangeError);
});

test('the recorder refuses to complete an operation twice or one it never saw', () => {
  const recorder = new HistoryRecorder<KvInput, KvOutput>();
  const id = recorder.invoke('c1', { op: 'get', key: 'x' }, 0);
  recorder.ok(id, null, 1);
  assert.throws(() => recorder.ok(id, null, 2), /not in flight/);
  assert.throws(() => recorder.unknown(42), /not in flight/);
});
