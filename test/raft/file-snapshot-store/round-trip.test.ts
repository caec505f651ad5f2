import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileSnapshotStore, META_FORMAT_VERSION, SnapshotNotFoundError } from '../../../src/raft/file-snapshot-store';
import { CONFIG, collect, readSnapshot, recordingLogger, withStore, writeSnapshot } from './helpers';

const MiB = 1024 * 1024;

test('a multi-MB snapshot written in chunks lists and reads back byte for byte', async () => {
  await withStore({}, async (store, dir) => {
    const size = 5 * MiB + 12345;
    const written = await writeSnapshot(store, { index: 42, term: 3, size });

    const [meta, ...others] = await store.list();
    assert.equal(others.length, 0);
    assert.ok(meta);
    assert.equal(meta.id, written.id);
    assert.match(meta.id, /^3-42-\d+$/);
    assert.deepEqual(
      {
        index: meta.index,
        term: meta.term,
        configuration: meta.configuration,
        configurationIndex: meta.configurationIndex,
        size: meta.size,
      },
      { index: 42, term: 3, configuration: CONFIG, configurationIndex: 41, size },
    );
    assert.match(meta.checksum, /^[0-9a-f]{8}$/);

    const opened = await store.open(meta.id);
    assert.deepEqual(opened.meta, meta);
    const read = await readSnapshot(opened.chunks);
    assert.equal(read.sha256, written.sha256);
    assert.equal(
      read.sizes.reduce((a, b) => a + b, 0),
      size,
    );
    assert.ok(
      read.sizes.every((s) => s <= MiB),
      'chunks are bounded by the read size',
    );
    assert.deepEqual(await store.verify(meta.id), meta);

    // meta.json is plain, versioned JSON next to the data, and nothing else is left in the directory.
    assert.deepEqual(fs.readdirSync(dir), [meta.id]);
    assert.deepEqual(fs.readdirSync(path.join(dir, meta.id)).sort(), ['meta.json', 'state.bin']);
    const onDisk = JSON.parse(fs.readFileSync(path.join(dir, meta.id, 'meta.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(onDisk.version, META_FORMAT_VERSION);
    assert.deepEqual(onDisk.checksum, { algorithm: 'crc32', value: meta.checksum });
  });
});

test('an empty snapshot round-trips', async () => {
  await withStore({}, async (store) => {
    const { id } = await writeSnapshot(store, { index: 1, term: 1, size: 0 });
    const opened = await store.open(id);
    assert.equal(opened.meta.size, 0);
    assert.deepEqual((await readSnapshot(opened.chunks)).sizes, []);
  });
});

test('list is newest first: by term, then index, then creation time', async () => {
  await withStore({ retain: 10 }, async (store) => {
    const a = await writeSnapshot(store, { index: 10, term: 1, size: 10 });
    const b = await writeSnapshot(store, { index: 7, term: 2, size: 10 });
    const c = await writeSnapshot(store, { index: 5, term: 2, size: 10 });
    const d = await writeSnapshot(store, { index: 7, term: 2, size: 10 }); // same term and index as b, created later
    assert.deepEqual(
      (await store.list()).map((m) => m.id),
      [d.id, b.id, c.id, a.id],
    );
  });
});

test('retain keeps the newest N and removes the rest, oldest first', async () => {
  const logger = recordingLogger();
  await withStore({ retain: 2, logger }, async (store, dir) => {
    const ids: string[] = [];
    for (let i = 1; i <= 4; i++) ids.push((await writeSnapshot(store, { index: i * 100, term: 1, size: 1000 })).id);
    assert.deepEqual(
      (await store.list()).map((m) => m.id),
      [ids[3], ids[2]],
    );
    assert.deepEqual(fs.readdirSync(dir).sort(), [ids[2], ids[3]].sort());
    assert.deepEqual(
      logger.lines.filter((l) => l.message === 'old snapshot removed').map((l) => l.fields?.id),
      [ids[0], ids[1]],
    );
    await assert.rejects(store.open(ids[0]!), SnapshotNotFoundError);
  });
});

test('a snapshot removed by retain while it is being read still reads to the end', async () => {
  await withStore({ retain: 1, readChunkBytes: 64 * 1024 }, async (store) => {
    const old = await writeSnapshot(store, { index: 1, term: 1, size: MiB });
    const opened = await store.open(old.id);
    await writeSnapshot(store, { index: 2, term: 1, size: 10 }); // removes `old`
    assert.deepEqual(
      (await store.list()).map((m) => m.index),
      [2],
    );
    assert.equal((await readSnapshot(opened.chunks)).sha256, old.sha256);
  });
});

test('cancel leaves nothing behind, and the sink refuses further use', async () => {
  await withStore({}, async (store, dir) => {
    const sink = await store.create(5, 1, CONFIG, 1);
    await sink.write(new Uint8Array(100_000).fill(7));
    await sink.cancel();
    assert.deepEqual(fs.readdirSync(dir), []);
    assert.deepEqual(await store.list(), []);
    await assert.rejects(sink.write(new Uint8Array(1)), /cancelled/);
    await assert.rejects(sink.close(), /cancelled/);
    await sink.cancel(); // idempotent
  });
});

test('a sink not yet closed is invisible; close makes it visible', async () => {
  await withStore({}, async (store) => {
    const sink = await store.create(9, 2, CONFIG, 3);
    await sink.write(new Uint8Array(2 * MiB).fill(1));
    assert.deepEqual(await store.list(), []);
    await assert.rejects(store.open(sink.id), SnapshotNotFoundError);
    await sink.close();
    assert.deepEqual(
      (await store.list()).map((m) => m.id),
      [sink.id],
    );
    await sink.close(); // idempotent
    await sink.cancel(); // a no-op once closed, as in hashicorp
    assert.equal((await store.list()).length, 1);
    await assert.rejects(sink.write(new Uint8Array(1)), /closed/);
  });
});

test('writes that are not awaited still land, in order, before close', async () => {
  await withStore({}, async (store) => {
    const sink = await store.create(1, 1, CONFIG, 0);
    const parts = [0, 1, 2, 3].map((i) => new Uint8Array(300_000).fill(i + 1));
    const pending = parts.map((p) => sink.write(p));
    await sink.close();
    await Promise.all(pending);
    const bytes = await collect((await store.open(sink.id)).chunks);
    assert.deepEqual(bytes, Buffer.concat(parts));
  });
});

test('concurrent creates get distinct ids', async () => {
  await withStore({ retain: 10 }, async (store) => {
    const sinks = await Promise.all([1, 2, 3, 4, 5].map(() => store.create(7, 7, CONFIG, 1)));
    assert.equal(new Set(sinks.map((s) => s.id)).size, sinks.length);
    await Promise.all(sinks.map((s) => s.close()));
    assert.equal((await store.list()).length, sinks.length);
  });
});

test('bad arguments are refused', async () => {
  await withStore({}, async (store) => {
    await assert.rejects(store.create(-1, 1, CONFIG, 0), RangeError);
    await assert.rejects(store.create(1, 1.5, CONFIG, 0), RangeError);
    await assert.rejects(store.open('../../etc'), SnapshotNotFoundError);
    await assert.rejects(store.open('1-2-3'), SnapshotNotFoundError);
    await assert.rejects(FileSnapshotStore.open(store.dir, { retain: 0 }), RangeError);
  });
});

test('chunks can be iterated only once; close() releases an unread snapshot', async () => {
  await withStore({}, async (store) => {
    const { id } = await writeSnapshot(store, { index: 1, term: 1, size: 1000 });
    const opened = await store.open(id);
    await readSnapshot(opened.chunks);
    await assert.rejects(readSnapshot(opened.chunks), /only once/);
    const unread = await store.open(id);
    await unread.close();
    await assert.rejects(readSnapshot(unread.chunks), /only once/);
  });
});

test('a close that fails leaves no snapshot and no temp directory', async () => {
  await withStore({}, async (store, dir) => {
    const sink = await store.create(3, 1, CONFIG, 1);
    await sink.write(new Uint8Array(1000));
    // Something occupies the final name: the rename that would publish the snapshot must fail, not overwrite it.
    fs.mkdirSync(path.join(dir, sink.id));
    fs.writeFileSync(path.join(dir, sink.id, 'intruder'), 'x');
    await assert.rejects(sink.close(), /ENOTEMPTY|EEXIST/);
    assert.deepEqual(fs.readdirSync(dir), [sink.id]);
    assert.deepEqual(fs.readdirSync(path.join(dir, sink.id)), ['intruder']);
    assert.deepEqual(await store.list(), []);
    await assert.rejects(sink.write(new Uint8Array(1)), /failed/);
    await sink.cancel(); // nothing left to do
  });
});

test('open creates missing parent directories', async () => {
  await withStore({}, async (store) => {
    const nested = path.join(store.dir, 'a', 'b', 'c');
    const inner = await FileSnapshotStore.open(nested);
    assert.equal(inner.dir, nested);
    assert.ok(fs.statSync(nested).isDirectory());
  });
});
