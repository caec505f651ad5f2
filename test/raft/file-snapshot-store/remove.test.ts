/**
 * SnapshotStore.remove() (what Raft.restore uses to take back a snapshot it never installed), on
 * the file store and the in-memory one: the snapshot is gone, durably for the file store (a
 * reopened store does not list it), the others stay, and an id no longer stored is no error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FileSnapshotStore, SnapshotNotFoundError } from '../../../src/raft/file-snapshot-store';
import { InmemSnapshotStore } from '../../../src/raft/inmem/index';
import type { SnapshotStore } from '../../../src/raft/snapshot-store';
import { CONFIG, withStore } from './helpers';

async function write(store: SnapshotStore, index: number): Promise<string> {
  const sink = await store.create(index, 1, CONFIG, 1);
  await sink.write(new Uint8Array([index, 1, 2, 3]));
  await sink.close();
  return sink.id;
}

async function removesOneAndKeepsTheOther(store: SnapshotStore): Promise<{ kept: string; removed: string }> {
  const removed = await write(store, 10);
  const kept = await write(store, 5);
  await store.remove!(removed);
  assert.deepEqual(
    (await store.list()).map((m) => m.id),
    [kept],
  );
  await store.remove!(removed); // already gone: no error
  return { kept, removed };
}

test('the file store removes a snapshot durably and keeps the others', async () => {
  await withStore({ retain: 3 }, async (store, dir) => {
    const { kept } = await removesOneAndKeepsTheOther(store);
    const reopened = await FileSnapshotStore.open(dir);
    assert.deepEqual(
      (await reopened.list()).map((m) => m.id),
      [kept],
    );
    await assert.rejects(store.remove('../escape'), SnapshotNotFoundError);
  });
});

test('the in-memory store removes a snapshot once its simulated fsync completes', async () => {
  await removesOneAndKeepsTheOther(new InmemSnapshotStore({ retain: 3 }));
});
