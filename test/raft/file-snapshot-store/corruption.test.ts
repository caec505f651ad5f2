import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptionError } from '../../../src/raft/errors';
import { FileSnapshotStore, SnapshotNotFoundError } from '../../../src/raft/file-snapshot-store';
import { CONFIG, dataFile, readSnapshot, recordingLogger, withStore, withTempDir, writeSnapshot } from './helpers';

const MiB = 1024 * 1024;

function flipByte(file: string, at: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, at);
    b[0] = b[0]! ^ 0x01;
    fs.writeSync(fd, b, 0, 1, at);
  } finally {
    fs.closeSync(fd);
  }
}

test('a flipped byte in the data file throws CorruptionError while iterating, after chunks were yielded', async () => {
  await withStore({ readChunkBytes: 256 * 1024 }, async (store, dir) => {
    const { id } = await writeSnapshot(store, { index: 3, term: 1, size: 2 * MiB });
    flipByte(dataFile(dir, id), MiB + 7);

    const opened = await store.open(id); // same size: nothing to see yet
    let yielded = 0;
    await assert.rejects(async () => {
      for await (const chunk of opened.chunks) yielded += chunk.byteLength;
    }, CorruptionError);
    assert.equal(yielded, 2 * MiB, 'the mismatch is known only once every byte was read');
    await assert.rejects(store.verify(id), /checksum/);
  });
});

test('a truncated data file is CorruptionError, whether found at open or while iterating', async () => {
  await withStore({ readChunkBytes: 64 * 1024 }, async (store, dir) => {
    const { id } = await writeSnapshot(store, { index: 3, term: 1, size: MiB });
    const opened = await store.open(id);
    fs.truncateSync(dataFile(dir, id), MiB - 1); // after open: the reader runs out early
    await assert.rejects(readSnapshot(opened.chunks), /truncated/);
    await assert.rejects(store.open(id), /holds 1048575 bytes/); // and at open, before any restore work
    await assert.rejects(store.verify(id), CorruptionError);
  });
});

test('a data file longer than recorded is CorruptionError', async () => {
  await withStore({}, async (store, dir) => {
    const { id } = await writeSnapshot(store, { index: 3, term: 1, size: 1000 });
    const opened = await store.open(id);
    fs.appendFileSync(dataFile(dir, id), 'x');
    await assert.rejects(readSnapshot(opened.chunks), /longer/);
    await assert.rejects(store.open(id), CorruptionError);
  });
});

test('a missing data file is CorruptionError at open', async () => {
  await withStore({}, async (store, dir) => {
    const { id } = await writeSnapshot(store, { index: 3, term: 1, size: 1000 });
    fs.rmSync(dataFile(dir, id));
    await assert.rejects(store.open(id), /state\.bin is missing/);
  });
});

test('a snapshot with a missing meta.json is skipped by list (logged) and corrupt for open', async () => {
  const logger = recordingLogger();
  await withStore({ retain: 5, logger }, async (store, dir) => {
    const good = await writeSnapshot(store, { index: 1, term: 1, size: 100 });
    const bad = await writeSnapshot(store, { index: 2, term: 1, size: 100 });
    fs.rmSync(path.join(dir, bad.id, 'meta.json'));
    assert.deepEqual(
      (await store.list()).map((m) => m.id),
      [good.id],
    );
    assert.ok(logger.lines.some((l) => l.level === 'warn' && l.fields?.id === bad.id));
    await assert.rejects(store.open(bad.id), CorruptionError);
  });
});

test('a meta.json damaged into other valid JSON fails its own checksum and is skipped', async () => {
  const logger = recordingLogger();
  await withStore({ logger }, async (store, dir) => {
    const { id } = await writeSnapshot(store, { index: 1234, term: 1, size: 100 });
    const metaFile = path.join(dir, id, 'meta.json');
    // The id still matches the directory; only the index changes, as a flipped digit would.
    fs.writeFileSync(metaFile, fs.readFileSync(metaFile, 'utf8').replace('"index": 1234', '"index": 1235'));
    assert.deepEqual(await store.list(), []);
    assert.match(String(logger.lines.find((l) => l.level === 'warn')?.fields?.error), /checksum/);
    await assert.rejects(store.open(id), CorruptionError);

    fs.writeFileSync(metaFile, '{ not json');
    await assert.rejects(store.open(id), /malformed/);
  });
});

test('entries that are not snapshots are ignored', async () => {
  await withStore({}, async (store, dir) => {
    const { id } = await writeSnapshot(store, { index: 1, term: 1, size: 100 });
    fs.writeFileSync(path.join(dir, 'README'), 'hello');
    fs.mkdirSync(path.join(dir, 'lost+found'));
    assert.deepEqual(
      (await store.list()).map((m) => m.id),
      [id],
    );
    await assert.rejects(store.open('README'), SnapshotNotFoundError);
  });
});

test('opening the store removes leftovers of a crash (unfinished and half-removed snapshots), logged', async () => {
  await withTempDir(async (dir) => {
    const first = await FileSnapshotStore.open(dir, { retain: 5 });
    const kept = await writeSnapshot(first, { index: 1, term: 1, size: 5000 });
    const unfinished = await first.create(2, 1, CONFIG, 1);
    await unfinished.write(new Uint8Array(4096).fill(9)); // "crash": never closed nor cancelled
    fs.mkdirSync(path.join(dir, '1-0-5.deleted'));
    fs.writeFileSync(path.join(dir, '1-0-5.deleted', 'state.bin'), 'half removed');
    assert.equal(fs.readdirSync(dir).length, 3);

    const logger = recordingLogger();
    const second = await FileSnapshotStore.open(dir, { retain: 5, logger });
    assert.deepEqual(fs.readdirSync(dir), [kept.id]);
    assert.deepEqual(
      logger.lines
        .filter((l) => l.level === 'warn')
        .map((l) => l.fields?.name)
        .sort(),
      ['1-0-5.deleted', `${unfinished.id}.tmp`],
    );
    assert.equal((await readSnapshot((await second.open(kept.id)).chunks)).sha256, kept.sha256);
    await unfinished.cancel(); // release the old sink's file handle; its directory is gone already
  });
});
