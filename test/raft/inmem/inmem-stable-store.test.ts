import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptionError } from '../../../src/raft/errors';
import { InmemStableStore, ManualClock } from '../../../src/raft/inmem';

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

test('a set is invisible until its simulated fsync completes', async () => {
  const clock = new ManualClock();
  const store = new InmemStableStore({ clock, fsyncDelayMs: () => 4 });
  let done = false;
  void store.setUint64('CurrentTerm', 7).then(() => (done = true));
  assert.equal(store.getUint64('CurrentTerm'), undefined);
  clock.advance(3);
  await settle();
  assert.equal(store.getUint64('CurrentTerm'), undefined);
  assert.equal(done, false);
  clock.advance(1);
  assert.equal(store.getUint64('CurrentTerm'), 7);
  await settle();
  assert.equal(done, true);
});

test('sets complete in the order issued, so the last one wins', async () => {
  const clock = new ManualClock();
  const delays = [9, 1];
  const store = new InmemStableStore({ clock, fsyncDelayMs: () => delays.shift() ?? 0 });
  const first = store.setUint64('term', 1);
  const second = store.setUint64('term', 2);
  clock.advance(1);
  assert.equal(store.getUint64('term'), undefined, 'the quick second set waits for the first');
  clock.advance(8);
  await Promise.all([first, second]);
  assert.equal(store.getUint64('term'), 2);
});

test('crash discards sets not yet durable', async () => {
  const clock = new ManualClock();
  const store = new InmemStableStore({ clock, fsyncDelayMs: () => 1 });
  const durable = store.set('vote', new Uint8Array([1, 2]));
  clock.advance(1);
  await durable;
  let lostDone = false;
  void store.set('vote', new Uint8Array([9])).then(() => (lostDone = true));
  store.crash();
  clock.advance(10);
  await settle();
  assert.equal(lostDone, false);
  assert.deepEqual(store.get('vote'), new Uint8Array([1, 2]));
  assert.equal(store.pendingWrites, 0);
});

test('uint64 values round-trip up to the largest safe integer and share the byte key space', async () => {
  const store = new InmemStableStore();
  for (const value of [0, 1, 0xffff_ffff, 0x1_0000_0000, Number.MAX_SAFE_INTEGER]) {
    await store.setUint64('k', value);
    assert.equal(store.getUint64('k'), value);
  }
  assert.equal(store.get('k')?.byteLength, 8);
  await assert.rejects(store.setUint64('k', -1), RangeError);
  await assert.rejects(store.setUint64('k', 1.5), RangeError);
  await assert.rejects(store.setUint64('k', Number.MAX_SAFE_INTEGER + 1), RangeError);
});

test('getUint64 of a value that is not a uint64 throws CorruptionError', async () => {
  const store = new InmemStableStore();
  await store.set('short', new Uint8Array(3));
  assert.throws(() => store.getUint64('short'), CorruptionError);
  await store.set('huge', new Uint8Array(8).fill(0xff));
  assert.throws(() => store.getUint64('huge'), CorruptionError);
});

test('values are copied in and out, so callers cannot change durable state', async () => {
  const store = new InmemStableStore();
  const value = new Uint8Array([1, 2, 3]);
  await store.set('k', value);
  value[0] = 99;
  const read = store.get('k');
  assert.deepEqual(read, new Uint8Array([1, 2, 3]));
  read?.fill(0);
  assert.deepEqual(store.get('k'), new Uint8Array([1, 2, 3]));
  assert.equal(store.get('absent'), undefined);
  await assert.rejects(store.set('', value), RangeError);
});

test('close resolves once earlier sets are durable', async () => {
  const clock = new ManualClock();
  const store = new InmemStableStore({ clock, fsyncDelayMs: () => 2 });
  void store.setUint64('a', 1);
  let closed = false;
  void store.close().then(() => (closed = true));
  clock.advance(1);
  await settle();
  assert.equal(closed, false);
  clock.advance(1);
  await settle();
  assert.equal(closed, true);
});
