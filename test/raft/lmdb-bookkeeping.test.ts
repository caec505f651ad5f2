import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DurableWrites } from '../../src/raft/lmdb/durable-writes';
import { LogBounds } from '../../src/raft/lmdb/log-bounds';

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('durable callbacks run in issue order even when the promises settle out of order', async () => {
  const writes = new DurableWrites();
  const order: string[] = [];
  const first = deferred();
  const second = deferred();
  const third = deferred();
  const done = [
    writes.track(first.promise, () => order.push('first')),
    writes.track(second.promise, () => order.push('second')),
    writes.track(third.promise, () => order.push('third')),
  ];
  assert.equal(writes.idle, false);
  third.resolve();
  second.reject(new Error('commit failed'));
  first.resolve();
  const results = await Promise.allSettled(done);
  assert.deepEqual(order, ['first', 'third']);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.equal(writes.idle, true);
  await writes.drain();
});

test('drain waits for every tracked write', async () => {
  const writes = new DurableWrites();
  const pending = deferred();
  let durable = false;
  void writes.track(pending.promise, () => (durable = true));
  const drained = writes.drain().then(() => durable);
  pending.resolve();
  assert.equal(await drained, true);
});

test('log bounds follow stores and prefix/suffix deletions', () => {
  const bounds = new LogBounds(0, 0);
  bounds.stored(5, 10);
  assert.deepEqual([bounds.firstIndex, bounds.lastIndex], [5, 10]);
  bounds.deleted(8, 10); // conflicting suffix
  bounds.stored(8, 9); // replacement entries
  assert.deepEqual([bounds.firstIndex, bounds.lastIndex], [5, 9]);
  bounds.deleted(1, 6); // compaction
  assert.deepEqual([bounds.firstIndex, bounds.lastIndex], [7, 9]);
  bounds.deleted(20, 30); // nothing there
  bounds.deleted(8, 8); // a hole: bounds unchanged
  assert.deepEqual([bounds.firstIndex, bounds.lastIndex], [7, 9]);
  bounds.deleted(0, 100);
  assert.deepEqual([bounds.firstIndex, bounds.lastIndex], [0, 0]);
  bounds.stored(100, 101); // e.g. after a snapshot restore
  assert.deepEqual([bounds.firstIndex, bounds.lastIndex], [100, 101]);
});
