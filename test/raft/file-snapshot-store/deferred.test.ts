/**
 * Deferred snapshots (a label only) in both stores: listed with their label, refused by open(),
 * taking no bytes, kept across a reopen, counted by `retain` like any other; and in the file
 * store a meta.json that claims bytes for a deferred snapshot, or damages the flag, is not listed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileSnapshotStore } from '../../../src/raft/file-snapshot-store';
import { InmemSnapshotStore } from '../../../src/raft/inmem';
import { DeferredSnapshotError, type SnapshotStore } from '../../../src/raft/snapshot-store';
import { CONFIG, recordingLogger, withStore } from './helpers';

async function exercise(store: SnapshotStore): Promise<void> {
  const deferred = await store.create(10, 2, CONFIG, 3, { deferred: true });
  await assert.rejects(deferred.write(new Uint8Array([1])), /takes no bytes/);
  await deferred.cancel();
  assert.deepEqual(await store.list(), [], 'a cancelled deferred sink leaves nothing');

  const sink = await store.create(10, 2, CONFIG, 3, { deferred: true });
  await sink.write(new Uint8Array(0));
  await sink.close();
  const [meta] = await store.list();
  assert.equal(meta?.id, sink.id);
  assert.deepEqual([meta.index, meta.term, meta.configurationIndex, meta.size, meta.deferred], [10, 2, 3, 0, true]);
  assert.deepEqual(meta.configuration, CONFIG);
  await assert.rejects(store.open(sink.id), DeferredSnapshotError);

  const full = await store.create(12, 2, CONFIG, 3);
  await full.write(new Uint8Array([1, 2, 3]));
  await full.close();
  const listed = await store.list();
  assert.deepEqual(
    listed.map((m) => [m.index, m.deferred ?? false]),
    [
      [12, false],
      [10, true],
    ],
  );
  const opened = await store.open(full.id);
  const parts: Uint8Array[] = [];
  for await (const c of opened.chunks) parts.push(c);
  assert.deepEqual([...Buffer.concat(parts)], [1, 2, 3]);

  // retain 2: a third snapshot drops the oldest, deferred or not.
  const later = await store.create(14, 2, CONFIG, 3, { deferred: true });
  await later.close();
  assert.deepEqual(
    (await store.list()).map((m) => m.index),
    [14, 12],
  );
}

test('InmemSnapshotStore: deferred snapshots', async () => {
  await exercise(new InmemSnapshotStore({ retain: 2 }));
});

test('FileSnapshotStore: deferred snapshots, kept across a reopen', async () => {
  await withStore({ retain: 2 }, async (store, dir) => {
    await exercise(store);
    const reopened = await FileSnapshotStore.open(dir, { retain: 2 });
    assert.deepEqual(
      (await reopened.list()).map((m) => [m.index, m.deferred ?? false]),
      [
        [14, true],
        [12, false],
      ],
    );
  });
});

test('FileSnapshotStore: a deferred meta.json that claims bytes, or a damaged flag, is not listed', async () => {
  const logger = recordingLogger();
  await withStore({ logger }, async (store, dir) => {
    const sink = await store.create(10, 2, CONFIG, 3, { deferred: true });
    await sink.close();
    const metaFile = path.join(dir, sink.id, 'meta.json');
    const original = fs.readFileSync(metaFile, 'utf8');
    assert.match(original, /"deferred": true/);
    // Valid JSON either way; the first fails the deferred rule, the second the meta checksum.
    for (const damaged of [original.replace('"size": 0', '"size": 5'), original.replace('"deferred": true', '"deferred": false')]) {
      assert.notEqual(damaged, original);
      fs.writeFileSync(metaFile, damaged);
      assert.deepEqual(await store.list(), []);
    }
    fs.writeFileSync(metaFile, original.replace(/,\n\s*"deferred": true/, ''));
    assert.deepEqual(await store.list(), [], 'the flag dropped: the meta checksum no longer matches');
    assert.ok(logger.warnings().length >= 3);
  });
});
