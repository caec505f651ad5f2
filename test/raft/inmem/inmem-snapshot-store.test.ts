import * as zlib from 'node:zlib';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Configuration } from '../../../src/raft/configuration';
import { CorruptionError } from '../../../src/raft/errors';
import { SnapshotNotFoundError } from '../../../src/raft/file-snapshot-store';
import { InmemSnapshotStore, ManualClock } from '../../../src/raft/inmem';
import type { SnapshotSink } from '../../../src/raft/snapshot-store';

const CONFIG: Configuration = {
  servers: [
    { id: 'a', address: 'a:1', suffrage: 'voter' },
    { id: 'b', address: 'b:1', suffrage: 'nonvoter' },
  ],
};

/** Lets every pending promise continuation run (setImmediate comes after the microtask queue). */
function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Tracks whether a promise has settled, without awaiting it. */
function track(promise: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  const mark = (): void => {
    state.done = true;
  };
  promise.then(mark, mark);
  return state;
}

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

async function readAll(store: InmemSnapshotStore, id: string): Promise<{ data: Uint8Array; sizes: number[] }> {
  const { chunks } = await store.open(id);
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return { data: Buffer.concat(parts), sizes: parts.map((p) => p.byteLength) };
}

/** Creates, writes and closes a snapshot on a store without a clock. */
async function put(store: InmemSnapshotStore, index: number, term: number, data: Uint8Array): Promise<string> {
  const sink = await store.create(index, term, CONFIG, 1);
  await sink.write(data);
  await sink.close();
  return sink.id;
}

test('round trip: chunks are copied on write, read back in readChunkBytes pieces and verified', async () => {
  const store = new InmemSnapshotStore({ readChunkBytes: 4 });
  const sink = await store.create(10, 2, CONFIG, 3);
  const buffer = bytes(6, 1);
  await sink.write(buffer);
  buffer.fill(0); // the caller reuses its buffer: the store must have kept a copy
  await sink.write(new Uint8Array(0));
  await sink.write(bytes(5, 2));
  await sink.close();

  const [meta] = await store.list();
  const crc32 = zlib.crc32(Buffer.concat([bytes(6, 1), bytes(5, 2)]));
  assert.deepEqual(meta, { id: sink.id, index: 10, term: 2, configuration: CONFIG, configurationIndex: 3, size: 11, crc32 });
  const { data, sizes } = await readAll(store, sink.id);
  assert.deepEqual(sizes, [4, 4, 3]);
  assert.deepEqual(data, Buffer.concat([bytes(6, 1), bytes(5, 2)]));
  assert.equal(store.stats.completed, 1);
  await assert.rejects(store.open('1-1-999'), SnapshotNotFoundError);
});

test('chunks can be iterated only once; an empty snapshot round-trips', async () => {
  const store = new InmemSnapshotStore();
  const id = await put(store, 1, 1, new Uint8Array(0));
  const opened = await store.open(id);
  const parts: Uint8Array[] = [];
  for await (const chunk of opened.chunks) parts.push(chunk);
  assert.deepEqual(parts, []);
  assert.throws(() => opened.chunks[Symbol.asyncIterator](), /only once/);
});

test('a snapshot is invisible until its close() resolves after the simulated fsync', async () => {
  const clock = new ManualClock();
  const store = new InmemSnapshotStore({ clock, fsyncDelayMs: () => 5 });
  const sink = await store.create(4, 1, CONFIG, 1);
  await sink.write(bytes(3, 0));
  const closed = track(sink.close());
  await drain();
  assert.equal(closed.done, false);
  assert.deepEqual(await store.list(), []);
  await assert.rejects(store.open(sink.id), SnapshotNotFoundError);
  assert.equal(store.stats.pendingCloses, 1);

  assert.equal(clock.runNext(), true);
  assert.equal(clock.now(), 5);
  await drain();
  assert.equal(closed.done, true);
  assert.deepEqual(
    (await store.list()).map((m) => m.id),
    [sink.id],
  );
  assert.equal(store.stats.pendingCloses, 0);
});

test('crash() loses open sinks and unresolved closes, keeps durable snapshots, and the store stays usable', async () => {
  const clock = new ManualClock();
  const store = new InmemSnapshotStore({ clock, fsyncDelayMs: () => 5 });
  const durable = await store.create(1, 1, CONFIG, 1);
  await durable.write(bytes(8, 1));
  const durableClosed = track(durable.close());
  clock.runNext();
  await drain();
  assert.equal(durableClosed.done, true);

  const closing = await store.create(2, 1, CONFIG, 1);
  await closing.write(bytes(8, 2));
  const closingClosed = track(closing.close());
  const open: SnapshotSink = await store.create(3, 1, CONFIG, 1);
  await open.write(bytes(8, 3));
  assert.deepEqual(store.stats, {
    stored: 1,
    openSinks: 1,
    pendingCloses: 1,
    created: 3,
    completed: 1,
    cancelled: 0,
    lost: 0,
    removed: 0,
  });

  store.crash();
  assert.equal(clock.runNext(), false, 'the lost close has no fsync left to complete');
  const late = [track(open.write(bytes(1, 0))), track(open.close()), track(open.cancel()), track(closing.cancel())];
  await drain();
  assert.equal(closingClosed.done, false);
  assert.deepEqual(
    late.map((t) => t.done),
    [false, false, false, false],
  );
  assert.deepEqual(
    (await store.list()).map((m) => m.id),
    [durable.id],
  );
  assert.deepEqual((await readAll(store, durable.id)).data, Buffer.from(bytes(8, 1)));
  await durable.close(); // resolved before the crash: idempotent, still resolved
  assert.equal(store.stats.lost, 2);
  assert.equal(store.stats.openSinks, 0);

  const after = await store.create(4, 2, CONFIG, 1);
  const afterClosed = track(after.close());
  clock.runNext();
  await drain();
  assert.equal(afterClosed.done, true);
  assert.deepEqual(
    (await store.list()).map((m) => m.id),
    [after.id, durable.id],
  );
});

test('retain keeps the newest (term, index, creation order) and drops the oldest first', async () => {
  const store = new InmemSnapshotStore({ retain: 2 });
  const a = await put(store, 5, 1, bytes(4, 1));
  const b = await put(store, 3, 2, bytes(4, 2)); // newer term beats higher index
  const reader = await store.open(a);
  const c = await put(store, 3, 2, bytes(4, 3)); // same term and index: creation order decides
  assert.deepEqual(
    (await store.list()).map((m) => m.id),
    [c, b],
  );
  await assert.rejects(store.open(a), SnapshotNotFoundError);
  assert.equal(store.stats.removed, 1);
  // A reader opened before the drop still reads the whole snapshot.
  const parts: Uint8Array[] = [];
  for await (const chunk of reader.chunks) parts.push(chunk);
  assert.deepEqual(Buffer.concat(parts), Buffer.from(bytes(4, 1)));

  const older = await put(store, 1, 1, bytes(4, 4)); // older than both retained: dropped at once
  assert.deepEqual(
    (await store.list()).map((m) => m.id),
    [c, b],
  );
  await assert.rejects(store.open(older), SnapshotNotFoundError);
});

test('corrupt() makes the next read throw CorruptionError, survives crash(), and spares other snapshots', async () => {
  const store = new InmemSnapshotStore({ readChunkBytes: 3 });
  const bad = await put(store, 1, 1, bytes(10, 1));
  const good = await put(store, 2, 1, bytes(10, 2));
  assert.throws(() => store.corrupt('9-9-9'), SnapshotNotFoundError);

  store.corrupt(bad);
  store.corrupt(bad); // idempotent: a second flip must not heal it
  store.crash();
  const { chunks } = await store.open(bad);
  let yielded = 0;
  await assert.rejects(async () => {
    for await (const chunk of chunks) yielded += chunk.byteLength;
  }, CorruptionError);
  assert.equal(yielded, 10, 'every byte is yielded before the verdict, which needs them all');
  assert.deepEqual((await readAll(store, good)).data, Buffer.from(bytes(10, 2)));

  // An empty snapshot has no byte to flip; it must still fail its check.
  const empty = await put(store, 3, 1, new Uint8Array(0));
  store.corrupt(empty);
  await assert.rejects(readAll(store, empty), CorruptionError);
});

test('cancel() discards the sink; later writes and closes reject', async () => {
  const store = new InmemSnapshotStore();
  const sink = await store.create(1, 1, CONFIG, 1);
  await sink.write(bytes(4, 1));
  await sink.cancel();
  await sink.cancel(); // idempotent
  assert.deepEqual(await store.list(), []);
  await assert.rejects(sink.write(bytes(1, 0)), /already cancelled/);
  await assert.rejects(sink.close(), /already cancelled/);
  assert.equal(store.stats.cancelled, 1);
  assert.equal(store.stats.openSinks, 0);

  // cancel() after close() is a no-op that waits for the close.
  const kept = await store.create(2, 1, CONFIG, 1);
  await kept.close();
  await kept.cancel();
  assert.equal((await store.list()).length, 1);
});

test('bad arguments are rejected; ids are deterministic', async () => {
  assert.throws(() => new InmemSnapshotStore({ retain: 0 }), RangeError);
  assert.throws(() => new InmemSnapshotStore({ readChunkBytes: 1.5 }), RangeError);
  const store = new InmemSnapshotStore();
  await assert.rejects(store.create(-1, 1, CONFIG, 1), RangeError);
  const sink = await store.create(1, 1, CONFIG, 1);
  await assert.rejects(sink.write('x' as unknown as Uint8Array), TypeError);

  const ids = async (): Promise<string[]> => {
    const s = new InmemSnapshotStore({ retain: 5 });
    return [await put(s, 7, 3, bytes(1, 0)), await put(s, 7, 3, bytes(1, 0))];
  };
  assert.deepEqual(await ids(), await ids());
});
