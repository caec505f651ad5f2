import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder } from '../../../src/raft/tcp/frame-codec';
import { SendQueue } from '../../../src/raft/tcp/send-queue';

function frames(batchBytes: Buffer): number[] {
  const out: number[] = [];
  new FrameDecoder(1 << 20).push(batchBytes, (p) => {
    out.push(p[0]!);
    return true;
  });
  return out;
}

test('priority frames go ahead of queued bulk frames; order is kept within a lane', () => {
  const q = new SendQueue(1 << 20);
  const push = (tag: number, size: number, priority: boolean): boolean => q.push(new Uint8Array(size).fill(tag), priority);
  push(1, 1000, false);
  push(2, 1000, false);
  push(3, 10, true);
  push(4, 1000, false);
  push(5, 10, true);
  const batch = q.takeBatch(1 << 20)!;
  assert.equal(batch.frames, 5);
  assert.deepEqual(frames(Buffer.concat(batch.parts)), [3, 5, 1, 2, 4]);
  assert.ok(q.isEmpty);
  assert.equal(q.takeBatch(100), undefined);
});

test('batches respect the target size but always take one frame, and never let bulk pass priority', () => {
  const q = new SendQueue(1 << 20);
  q.push(new Uint8Array(50).fill(1), true);
  q.push(new Uint8Array(500).fill(2), true);
  q.push(new Uint8Array(10).fill(3), false);
  assert.deepEqual(frames(Buffer.concat(q.takeBatch(100)!.parts)), [1]); // the 500-byte priority frame does not fit, nor may frame 3 pass it
  assert.deepEqual(frames(Buffer.concat(q.takeBatch(100)!.parts)), [2]);
  assert.deepEqual(frames(Buffer.concat(q.takeBatch(100)!.parts)), [3]);
});

test('the byte bound counts headers and refuses what does not fit', () => {
  const q = new SendQueue(100);
  assert.ok(q.push(new Uint8Array(46), false)); // 50 bytes with its header
  assert.ok(q.push(new Uint8Array(46), true)); // 100
  assert.equal(q.push(new Uint8Array(0), true), false);
  assert.equal(q.queuedBytes, 100);
  q.takeBatch(1);
  assert.equal(q.queuedBytes, 50);
  assert.ok(q.push(new Uint8Array(46), false));
  assert.equal(q.clear(), 2);
  assert.equal(q.queuedBytes, 0);
});

test('a long queue drains in FIFO order', () => {
  const q = new SendQueue(1 << 30);
  for (let i = 0; i < 5000; i++) q.push(Uint8Array.of(i & 0xff), false);
  const seen: number[] = [];
  for (let b = q.takeBatch(1000); b; b = q.takeBatch(1000)) seen.push(...frames(Buffer.concat(b.parts)));
  assert.deepEqual(
    seen,
    Array.from({ length: 5000 }, (_, i) => i & 0xff),
  );
});

test('a large frame goes out alone as its header and the payload itself, not a copy', () => {
  const q = new SendQueue(1 << 30);
  const big = new Uint8Array(100 * 1024).fill(7);
  q.push(Uint8Array.of(1), false);
  q.push(big, false);
  const small = q.takeBatch(1 << 20)!;
  assert.equal(small.frames, 1, 'the large frame is not batched with others');
  const batch = q.takeBatch(1 << 20)!;
  assert.equal(batch.frames, 1);
  assert.equal(batch.parts.length, 2);
  assert.equal(batch.parts[1], big, 'the payload is written as it is');
  assert.equal(batch.byteLength, 4 + big.byteLength);
  assert.deepEqual(frames(Buffer.concat(batch.parts)), [7]);
});

test('written callbacks travel with their frames: returned with the batch that takes them, called when the queue is cleared', () => {
  const q = new SendQueue(1 << 30);
  const calls: string[] = [];
  q.push(Uint8Array.of(1), false, () => calls.push('small'));
  q.push([new Uint8Array(10).fill(2), new Uint8Array(100 * 1024).fill(3)], false, () => calls.push('large'));
  q.push(Uint8Array.of(4), true); // no callback
  const first = q.takeBatch(1 << 20)!;
  assert.equal(first.frames, 2, 'the priority frame and the small bulk one; the large one goes alone');
  assert.equal(first.written.length, 1);
  const large = q.takeBatch(1 << 20)!;
  assert.equal(large.parts.length, 3, 'header, then the two pieces of the payload as they are');
  assert.deepEqual(frames(Buffer.concat(large.parts)), [2]);
  assert.equal(large.byteLength, 4 + 10 + 100 * 1024);
  assert.equal(calls.length, 0, 'taking a batch calls nothing: the writer calls them once written');
  for (const done of [...first.written, ...large.written]) done();
  assert.deepEqual(calls, ['small', 'large']);

  q.push(Uint8Array.of(5), false, () => calls.push('discarded'));
  assert.equal(q.clear(), 1);
  assert.deepEqual(calls, ['small', 'large', 'discarded']);
});
