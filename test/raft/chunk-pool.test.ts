import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkPool } from '../../src/raft/runtime/chunk-pool';

test('a pool hands out buffers of its size and reuses only whole buffers of its own that came back', () => {
  const pool = new ChunkPool(16, 2);
  const a = pool.take();
  const b = pool.take();
  assert.equal(a.byteLength, 16);
  assert.notEqual(a, b);

  pool.give(a.subarray(0, 8)); // a view of part of a buffer: its rest may still be in use
  pool.give(new Uint8Array(16)); // not one of ours
  assert.equal(pool.freeCount, 0);

  pool.give(a);
  pool.give(a); // twice: still free once, or two takes would share it
  assert.equal(pool.freeCount, 1);
  assert.equal(pool.take(), a);
  assert.equal(pool.freeCount, 0);
  assert.notEqual(pool.take(), a, 'a buffer handed out is not handed out again until it comes back');
});

test('a pool keeps at most maxFree buffers; the rest are left to the garbage collector', () => {
  const pool = new ChunkPool(4, 2);
  const taken = [pool.take(), pool.take(), pool.take()];
  for (const b of taken) pool.give(b);
  assert.equal(pool.freeCount, 2);
});
