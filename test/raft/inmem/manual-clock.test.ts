import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../../src/raft/environment';
import { ManualClock } from '../../../src/raft/inmem';

test('timers fire in time order, ties in creation order, each seeing its own due time', () => {
  const clock = new ManualClock(100);
  const fired: string[] = [];
  const at = (name: string) => () => fired.push(`${name}@${clock.now()}`);
  clock.setTimer(30, at('c'));
  clock.setTimer(10, at('a1'));
  clock.setTimer(20, at('b'));
  clock.setTimer(10, at('a2'));
  clock.setTimer(0, at('zero'));
  clock.advance(25);
  assert.deepEqual(fired, ['zero@100', 'a1@110', 'a2@110', 'b@120']);
  assert.equal(clock.now(), 125);
  clock.advance(5);
  assert.deepEqual(fired.slice(4), ['c@130']);
  assert.equal(clock.pendingTimers, 0);
});

test('a timer due exactly at the end of the window fires; one just after does not', () => {
  const clock = new ManualClock();
  const fired: number[] = [];
  clock.setTimer(10, () => fired.push(10));
  clock.setTimer(10.5, () => fired.push(10.5));
  clock.advance(10);
  assert.deepEqual(fired, [10]);
  assert.equal(clock.nextTimerAt(), 10.5);
});

test('negative and NaN delays mean now; an Infinity delay never fires', () => {
  const clock = new ManualClock(5);
  const fired: string[] = [];
  clock.setTimer(-3, () => fired.push('negative'));
  clock.setTimer(NaN, () => fired.push('nan'));
  clock.setTimer(Infinity, () => fired.push('never'));
  assert.equal(clock.nextTimerAt(), 5);
  clock.advance(0);
  assert.deepEqual(fired, ['negative', 'nan']);
  assert.equal(clock.runNext(), false);
  clock.advance(1e12);
  assert.deepEqual(fired, ['negative', 'nan']);
});

test('cancel prevents firing, is idempotent, and is harmless after firing', () => {
  const clock = new ManualClock();
  const fired: string[] = [];
  const a = clock.setTimer(5, () => fired.push('a'));
  const b = clock.setTimer(5, () => fired.push('b'));
  assert.equal(clock.pendingTimers, 2);
  a.cancel();
  a.cancel();
  assert.equal(clock.pendingTimers, 1);
  assert.equal(clock.nextTimerAt(), 5);
  clock.advance(5);
  b.cancel();
  assert.deepEqual(fired, ['b']);
  assert.equal(clock.pendingTimers, 0);
  assert.equal(clock.nextTimerAt(), undefined);
});

test('a callback can cancel a later timer due in the same window', () => {
  const clock = new ManualClock();
  const fired: string[] = [];
  const later = clock.setTimer(7, () => fired.push('later'));
  clock.setTimer(3, () => {
    fired.push('canceller');
    later.cancel();
  });
  clock.advance(10);
  assert.deepEqual(fired, ['canceller']);
});

test('timers created by callbacks fire in the same advance when due within the window', () => {
  const clock = new ManualClock();
  const fired: string[] = [];
  clock.setTimer(10, () => {
    fired.push(`outer@${clock.now()}`);
    clock.setTimer(0, () => fired.push(`immediate@${clock.now()}`));
    clock.setTimer(5, () => {
      fired.push(`nested@${clock.now()}`);
      clock.setTimer(5, () => fired.push(`grandchild@${clock.now()}`));
    });
    clock.setTimer(50, () => fired.push(`outside@${clock.now()}`));
  });
  clock.setTimer(10, () => fired.push(`sibling@${clock.now()}`));
  clock.advance(20);
  assert.deepEqual(fired, ['outer@10', 'sibling@10', 'immediate@10', 'nested@15', 'grandchild@20']);
  assert.equal(clock.nextTimerAt(), 60);
});

test('runNext jumps to the earliest pending timer and fires only it', () => {
  const clock = new ManualClock();
  const fired: number[] = [];
  clock.setTimer(40, () => fired.push(40));
  clock.setTimer(15, () => fired.push(15)).cancel();
  clock.setTimer(20, () => fired.push(20));
  assert.equal(clock.runNext(), true);
  assert.equal(clock.now(), 20);
  assert.deepEqual(fired, [20]);
  assert.equal(clock.runNext(), true);
  assert.equal(clock.now(), 40);
  assert.equal(clock.runNext(), false);
  assert.equal(clock.now(), 40);
});

test('advancing from inside a callback is refused', () => {
  const clock = new ManualClock();
  let caught: unknown;
  clock.setTimer(1, () => {
    try {
      clock.advance(1);
    } catch (error) {
      caught = error;
    }
  });
  clock.advance(1);
  assert.ok(caught instanceof Error);
  assert.match(caught.message, /inside a timer callback/);
  clock.advance(1); // the guard was released
});

test('a throwing callback propagates, leaving the clock at its time and later timers pending', () => {
  const clock = new ManualClock();
  const fired: number[] = [];
  clock.setTimer(5, () => {
    throw new Error('boom');
  });
  clock.setTimer(8, () => fired.push(8));
  assert.throws(() => clock.advance(10), /boom/);
  assert.equal(clock.now(), 5);
  assert.equal(clock.pendingTimers, 1);
  clock.advance(5);
  assert.deepEqual(fired, [8]);
});

test('bad arguments to advance and advanceTo are refused', () => {
  const clock = new ManualClock(10);
  assert.throws(() => clock.advance(-1), RangeError);
  assert.throws(() => clock.advance(NaN), RangeError);
  assert.throws(() => clock.advance(Infinity), RangeError);
  assert.throws(() => clock.advanceTo(9), RangeError);
  clock.advanceTo(12);
  assert.equal(clock.now(), 12);
});

test('tens of thousands of timers with heavy cancellation fire exactly like a sorted reference', () => {
  const clock = new ManualClock();
  const random = seededRandom(7);
  const expected: { at: number; seq: number }[] = [];
  const fired: number[] = [];
  const handles = [];
  for (let seq = 0; seq < 50_000; seq++) {
    const at = Math.floor(random.next() * 10_000);
    handles.push(clock.setTimer(at, () => fired.push(seq)));
    expected.push({ at, seq });
  }
  // Cancel two thirds, as Raft re-arming its timers would, which also exercises compaction.
  const cancelled = new Set<number>();
  for (let seq = 0; seq < handles.length; seq++) {
    if (seq % 3 !== 0) {
      handles[seq].cancel();
      cancelled.add(seq);
    }
  }
  assert.equal(clock.pendingTimers, 50_000 - cancelled.size);
  clock.advance(5_000);
  clock.advance(5_000);
  const reference = expected
    .filter((t) => !cancelled.has(t.seq))
    .sort((x, y) => x.at - y.at || x.seq - y.seq)
    .map((t) => t.seq);
  assert.deepEqual(fired, reference);
  assert.equal(clock.pendingTimers, 0);
});
