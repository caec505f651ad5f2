import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InmemLogStore, InmemStableStore } from '../../src/raft/inmem';
import { COMPACTION_SLICE, StorageWriter, type PersistBatch } from '../../src/raft/runtime/storage-writer';
import { entriesWithTerms } from './core/array-log';

/** A log store of `count` entries that records every deleteRange it is asked for. */
async function storeWith(count: number): Promise<{ logs: InmemLogStore; deletes: [number, number][] }> {
  const logs = new InmemLogStore();
  await logs.storeLogs(entriesWithTerms(1, new Array<number>(count).fill(1)));
  const deletes: [number, number][] = [];
  const deleteRange = logs.deleteRange.bind(logs);
  logs.deleteRange = (min, max) => {
    deletes.push([min, max]);
    return deleteRange(min, max);
  };
  return { logs, deletes };
}

/** Runs one batch through a writer and waits until it, and any compaction it started, is written. */
async function write(logs: InmemLogStore, batch: PersistBatch): Promise<void> {
  let failure: unknown;
  const writer = new StorageWriter(logs, new InmemStableStore(), {}, () => {}, (error) => (failure = error));
  writer.enqueue(batch);
  await writer.whenIdle();
  assert.equal(failure, undefined);
}

test('a compaction behind the end of the log is deleted a slice per write, so no write blocks the loop for long', async () => {
  const count = COMPACTION_SLICE * 2 + 100;
  const { logs, deletes } = await storeWith(count);
  const through = COMPACTION_SLICE * 2 + 50;
  await write(logs, { hardState: undefined, log: { compactThrough: through, truncateFrom: undefined, entries: [] }, after: [] });
  assert.deepEqual(deletes, [
    [1, COMPACTION_SLICE],
    [COMPACTION_SLICE + 1, COMPACTION_SLICE * 2],
    [COMPACTION_SLICE * 2 + 1, through],
  ]);
  assert.equal(logs.firstIndex(), through + 1);
  assert.equal(logs.lastIndex(), count);
});

test('a snapshot installed past the whole log deletes it in one call (one LMDB drop), with the entries after it kept', async () => {
  const count = COMPACTION_SLICE * 3;
  const { logs, deletes } = await storeWith(count);
  const snapshotIndex = count + 1000;
  const after = entriesWithTerms(snapshotIndex + 1, [2, 2]);
  await write(logs, { hardState: undefined, log: { compactThrough: snapshotIndex, truncateFrom: undefined, entries: after }, after: [] });
  assert.deepEqual(deletes, [[1, snapshotIndex]]);
  assert.equal(logs.firstIndex(), snapshotIndex + 1);
  assert.equal(logs.lastIndex(), snapshotIndex + 2);
});
