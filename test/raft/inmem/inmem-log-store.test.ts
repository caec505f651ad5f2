import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptionError } from '../../../src/raft/errors';
import { InmemLogStore, ManualClock } from '../../../src/raft/inmem';
import { LogType, type LogEntry } from '../../../src/raft/log';

function entries(from: number, to: number, term = 1, bytes = 10): LogEntry[] {
  const out: LogEntry[] = [];
  for (let index = from; index <= to; index++)
    out.push({ index, term, type: LogType.Command, data: new Uint8Array(bytes).fill(index & 0xff) });
  return out;
}

/** Lets promise continuations run (no timers involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Tracks whether a promise has resolved, without awaiting it. */
function track(promise: Promise<void>): { done: boolean } {
  const state = { done: false };
  void promise.then(() => {
    state.done = true;
  });
  return state;
}

test('without a clock a write is invisible until its microtask completes it', async () => {
  const store = new InmemLogStore();
  const write = store.storeLogs(entries(1, 3));
  assert.equal(store.lastIndex(), 0);
  assert.equal(store.getLog(1), undefined);
  assert.equal(store.pendingWrites, 1);
  await write;
  assert.equal(store.firstIndex(), 1);
  assert.equal(store.lastIndex(), 3);
  assert.equal(store.getLog(2)?.index, 2);
  assert.equal(store.pendingWrites, 0);
});

test('with a clock a write becomes visible and resolves only after its simulated fsync', async () => {
  const clock = new ManualClock();
  const store = new InmemLogStore({ clock, fsyncDelayMs: () => 5 });
  const write = track(store.storeLogs(entries(1, 2)));
  clock.advance(4);
  await settle();
  assert.equal(store.lastIndex(), 0);
  assert.equal(write.done, false);
  clock.advance(1);
  assert.equal(store.lastIndex(), 2, 'visible as soon as the fsync completes');
  await settle();
  assert.equal(write.done, true);
});

test('writes complete in the order issued even when a later one has a shorter fsync', async () => {
  const clock = new ManualClock();
  const delays = [10, 1, 3];
  const store = new InmemLogStore({ clock, fsyncDelayMs: () => delays.shift() ?? 0 });
  const order: string[] = [];
  const a = store.storeLogs(entries(1, 5)).then(() => order.push(`store@${clock.now()}`));
  const b = store.deleteRange(4, 5).then(() => order.push(`delete@${clock.now()}`));
  const c = store.storeLogs(entries(4, 4, 2)).then(() => order.push(`overwrite@${clock.now()}`));
  clock.advance(9);
  await settle();
  assert.deepEqual(order, []);
  assert.equal(store.lastIndex(), 0, 'the delete may not become durable before the store it follows');
  clock.advance(1);
  await Promise.all([a, b, c]);
  assert.deepEqual(order, ['store@10', 'delete@10', 'overwrite@10']);
  assert.equal(store.lastIndex(), 4);
  assert.equal(store.getLog(4)?.term, 2);
  assert.equal(store.getLog(5), undefined);
});

test('crash discards writes not yet durable and keeps the durable ones', async () => {
  const clock = new ManualClock();
  const store = new InmemLogStore({ clock, fsyncDelayMs: () => 2 });
  const durable = store.storeLogs(entries(1, 3));
  clock.advance(2);
  await durable;
  const lost = track(store.storeLogs(entries(4, 6)));
  const lostDelete = track(store.deleteRange(1, 2));
  clock.advance(1);
  store.crash();
  assert.equal(store.pendingWrites, 0);
  assert.equal(clock.pendingTimers, 0, 'the discarded fsyncs are cancelled');
  clock.advance(100);
  await settle();
  assert.equal(lost.done, false);
  assert.equal(lostDelete.done, false);
  assert.equal(store.firstIndex(), 1);
  assert.equal(store.lastIndex(), 3);
  assert.deepEqual(
    store.getLogs(1, 10).map((e) => e.index),
    [1, 2, 3],
  );

  // The store is usable by the restarted node.
  const next = store.storeLogs(entries(4, 4));
  clock.advance(2);
  await next;
  assert.equal(store.lastIndex(), 4);
});

test('crash without a clock also discards the writes whose microtask has not run', async () => {
  const store = new InmemLogStore();
  await store.storeLogs(entries(1, 1));
  const lost = track(store.storeLogs(entries(2, 2)));
  store.crash();
  await settle();
  assert.equal(lost.done, false);
  assert.equal(store.lastIndex(), 1);
});

test('deleteRange keeps first and last exact for prefix, suffix, middle and whole-log deletes', async () => {
  const store = new InmemLogStore();
  await store.storeLogs(entries(1, 10));
  await store.deleteRange(1, 3);
  assert.deepEqual([store.firstIndex(), store.lastIndex()], [4, 10]);
  await store.deleteRange(8, 100);
  assert.deepEqual([store.firstIndex(), store.lastIndex()], [4, 7]);
  await store.deleteRange(5, 5);
  assert.deepEqual([store.firstIndex(), store.lastIndex()], [4, 7]);
  assert.equal(store.getLog(5), undefined);
  await store.deleteRange(0, 4);
  assert.deepEqual([store.firstIndex(), store.lastIndex()], [6, 7], 'skips the hole to the next stored index');
  await store.deleteRange(7, 7);
  assert.deepEqual([store.firstIndex(), store.lastIndex()], [6, 6]);
  await store.deleteRange(9, 3);
  assert.deepEqual([store.firstIndex(), store.lastIndex()], [6, 6], 'an empty range deletes nothing');
  await store.deleteRange(0, Number.MAX_SAFE_INTEGER);
  assert.deepEqual([store.firstIndex(), store.lastIndex()], [0, 0]);
});

test('a log kept below an installed snapshot may have a gap: bounds and reads stay right', async () => {
  const store = new InmemLogStore();
  await store.storeLogs(entries(1, 5));
  await store.storeLogs(entries(1000, 1002, 3));
  assert.deepEqual([store.firstIndex(), store.lastIndex()], [1, 1002]);
  assert.deepEqual(
    store.getLogs(4, 1002).map((e) => e.index),
    [4, 5],
    'getLogs stops at the first absent index',
  );
  assert.deepEqual(store.getLogs(6, 1002), []);
  await store.deleteRange(1, 5);
  assert.deepEqual([store.firstIndex(), store.lastIndex()], [1000, 1002]);
  await store.storeLogs(entries(1, 1));
  await store.deleteRange(1000, 1002);
  assert.deepEqual([store.firstIndex(), store.lastIndex()], [1, 1]);
});

test('getLogs honours maxBytes on payload bytes but always returns the first entry', async () => {
  const store = new InmemLogStore();
  await store.storeLogs(entries(1, 10, 1, 100));
  assert.equal(store.getLogs(1, 10).length, 10);
  assert.equal(store.getLogs(1, 10, 300).length, 3);
  assert.equal(store.getLogs(1, 10, 299).length, 2);
  assert.equal(store.getLogs(1, 10, 1).length, 1);
  assert.deepEqual(
    store.getLogs(3, 5).map((e) => e.index),
    [3, 4, 5],
  );
  assert.deepEqual(store.getLogs(5, 3), []);
});

test('overwriting entries replaces them and leaves later ones in place', async () => {
  const store = new InmemLogStore();
  await store.storeLogs(entries(1, 5, 1));
  await store.storeLogs(entries(3, 4, 2));
  assert.deepEqual(
    store.getLogs(1, 5).map((e) => e.term),
    [1, 1, 2, 2, 1],
  );
});

test('corrupt makes reads of that entry throw CorruptionError until it is rewritten, across a crash', async () => {
  const store = new InmemLogStore();
  await store.storeLogs(entries(1, 3));
  store.corrupt(2);
  assert.throws(() => store.getLog(2), CorruptionError);
  assert.throws(() => store.getLog(2), CorruptionError);
  assert.throws(() => store.getLogs(1, 3), CorruptionError);
  assert.equal(store.getLog(1)?.index, 1);
  store.crash();
  assert.throws(() => store.getLog(2), CorruptionError);
  await store.storeLogs(entries(2, 2, 5));
  assert.equal(store.getLog(2)?.term, 5);
  assert.throws(() => store.corrupt(99), RangeError);
});

test('malformed writes are rejected at once and take no place in the order', async () => {
  const store = new InmemLogStore();
  await assert.rejects(store.storeLogs([...entries(1, 1), ...entries(3, 3)]), /not consecutive/);
  await assert.rejects(store.storeLogs(entries(0, 0)), /bad index/);
  await assert.rejects(store.storeLogs([{ index: 1, term: -1, type: LogType.Noop, data: new Uint8Array() }]), /bad term/);
  await assert.rejects(store.storeLogs([{ index: 1, term: 1, type: 9 as LogType, data: new Uint8Array() }]), /bad type/);
  await assert.rejects(store.deleteRange(-1, 3), RangeError);
  await store.storeLogs([]);
  assert.equal(store.lastIndex(), 0);
});

test('close resolves once every earlier write is durable', async () => {
  const clock = new ManualClock();
  const store = new InmemLogStore({ clock, fsyncDelayMs: () => 3 });
  void store.storeLogs(entries(1, 2));
  const closed = track(store.close());
  clock.advance(2);
  await settle();
  assert.equal(closed.done, false);
  clock.advance(1);
  await settle();
  assert.equal(closed.done, true);
  assert.equal(store.lastIndex(), 2);
});
