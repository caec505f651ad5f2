import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { CorruptionError } from '../../src/raft/errors';
import { LogType, type LogEntry } from '../../src/raft/log';
import { openLmdbRaftStores, type LmdbRaftStores } from '../../src/raft/lmdb';
import { LOG_DB_NAME } from '../../src/raft/lmdb/lmdb-environment';

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmdb-log-store-'));
  try {
    await body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens the stores in a fresh directory, runs `body`, then closes and removes everything. */
async function withStores(body: (stores: LmdbRaftStores, dir: string) => void | Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const stores = openLmdbRaftStores(dir);
    try {
      await body(stores, dir);
    } finally {
      await stores.close();
    }
  });
}

function payload(index: number, term: number, size = 8 + (index % 5)): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (index * 7 + term * 13 + i) & 0xff;
  return data;
}

function entry(index: number, term = 1, size?: number): LogEntry {
  return { index, term, type: index % 3 === 0 ? LogType.Noop : LogType.Command, data: payload(index, term, size) };
}

function entries(from: number, to: number, term = 1, size?: number): LogEntry[] {
  const result: LogEntry[] = [];
  for (let index = from; index <= to; index++) result.push(entry(index, term, size));
  return result;
}

function indexes(list: readonly LogEntry[]): number[] {
  return list.map((e) => e.index);
}

/**
 * A second lmdb-js handle on the log database, for writing raw (corrupt) records. It uses the
 * stores' durability options; the stores must be closed while it is open.
 */
async function withRawLogDb(dir: string, body: (db: Database<Buffer, number>) => Promise<void>): Promise<void> {
  const root: RootDatabase<Buffer, string> = open<Buffer, string>({ path: dir, maxDbs: 4, overlappingSync: false });
  try {
    await body(root.openDB<Buffer, number>({ name: LOG_DB_NAME, encoding: 'binary' }));
  } finally {
    await root.close();
  }
}

test('an empty log has no bounds and no entries', async () => {
  await withStores(({ logs }) => {
    assert.equal(logs.firstIndex(), 0);
    assert.equal(logs.lastIndex(), 0);
    assert.equal(logs.getLog(1), undefined);
    assert.deepEqual(logs.getLogs(1, 10), []);
  });
});

test('stored entries are returned by getLog and getLogs, in index order, with their bounds', async () => {
  await withStores(async ({ logs }) => {
    await logs.storeLogs(entries(1, 10, 2));
    assert.equal(logs.firstIndex(), 1);
    assert.equal(logs.lastIndex(), 10);
    assert.deepEqual(logs.getLog(5), entry(5, 2));
    assert.deepEqual(logs.getLog(3)?.type, LogType.Noop);
    assert.equal(logs.getLog(11), undefined);
    assert.equal(logs.getLog(0), undefined);
    assert.deepEqual(logs.getLogs(3, 7), entries(3, 7, 2));
    assert.deepEqual(indexes(logs.getLogs(8, 100)), [8, 9, 10]);
    assert.deepEqual(logs.getLogs(11, 20), []);
    assert.deepEqual(logs.getLogs(7, 6), []);
  });
});

test('returned entries own their payload: later reads and writes do not change them', async () => {
  await withStores(async ({ logs }) => {
    await logs.storeLogs([...entries(1, 3), entry(4, 1, 70_000)]);
    const [one, two] = logs.getLogs(1, 2);
    const three = logs.getLog(3);
    const four = logs.getLog(4); // large enough to make lmdb-js grow its read buffer
    logs.getLogs(1, 4);
    await logs.storeLogs(entries(1, 4, 9, 30));
    logs.getLogs(1, 4);
    assert.deepEqual([one, two, three, four], [entry(1), entry(2), entry(3), entry(4, 1, 70_000)]);
  });
});

test('a later batch extends the log and bounds follow', async () => {
  await withStores(async ({ logs }) => {
    await logs.storeLogs(entries(5, 9));
    await logs.storeLogs(entries(10, 12));
    assert.equal(logs.firstIndex(), 5);
    assert.equal(logs.lastIndex(), 12);
    // from must exist: a range starting before the first entry is empty, not shifted.
    assert.deepEqual(logs.getLogs(1, 12), []);
    assert.deepEqual(indexes(logs.getLogs(5, 12)), [5, 6, 7, 8, 9, 10, 11, 12]);
  });
});

test('storing at existing indexes overwrites those entries only', async () => {
  await withStores(async ({ logs }) => {
    await logs.storeLogs(entries(1, 5, 1));
    await logs.storeLogs(entries(3, 4, 2, 40));
    assert.deepEqual(logs.getLog(2), entry(2, 1));
    assert.deepEqual(logs.getLog(3), entry(3, 2, 40));
    assert.deepEqual(logs.getLog(4), entry(4, 2, 40));
    assert.deepEqual(logs.getLog(5), entry(5, 1));
    assert.equal(logs.firstIndex(), 1);
    assert.equal(logs.lastIndex(), 5);
  });
});

test('storeLogs rejects non-consecutive batches and bad entries without storing any of them', async () => {
  await withStores(async ({ logs }) => {
    await assert.rejects(logs.storeLogs([entry(1), entry(3)]), RangeError);
    await assert.rejects(logs.storeLogs([entry(1), { ...entry(2), term: -1 }]), RangeError);
    await assert.rejects(logs.storeLogs([entry(1), { ...entry(2), index: 2.5 }]), RangeError);
    await logs.storeLogs([]);
    assert.equal(logs.lastIndex(), 0);
    assert.equal(logs.getLog(1), undefined);
  });
});

test('deleteRange removes a prefix, then a suffix, then everything', async () => {
  await withStores(async ({ logs }) => {
    await logs.storeLogs(entries(1, 10));
    await logs.deleteRange(1, 4);
    assert.equal(logs.firstIndex(), 5);
    assert.equal(logs.lastIndex(), 10);
    assert.equal(logs.getLog(4), undefined);
    assert.deepEqual(logs.getLog(5), entry(5));

    await logs.deleteRange(8, 10);
    assert.equal(logs.firstIndex(), 5);
    assert.equal(logs.lastIndex(), 7);
    assert.deepEqual(indexes(logs.getLogs(1, 100)), []);
    assert.deepEqual(indexes(logs.getLogs(5, 100)), [5, 6, 7]);

    await logs.deleteRange(0, 1_000_000);
    assert.equal(logs.firstIndex(), 0);
    assert.equal(logs.lastIndex(), 0);
    assert.equal(logs.getLog(6), undefined);
  });
});

test('deleteRange also deletes entries whose storeLogs has not resolved yet', async () => {
  await withStores(async ({ logs }) => {
    await logs.storeLogs(entries(1, 10));
    const stored = logs.storeLogs(entries(11, 20));
    const deleted = logs.deleteRange(15, 20);
    await Promise.all([stored, deleted]);
    assert.equal(logs.lastIndex(), 14);
    assert.equal(logs.getLog(15), undefined);
    assert.deepEqual(logs.getLog(14), entry(14));
  });
});

test('truncating a conflicting suffix and appending in the same tick leaves the new suffix', async () => {
  await withStores(async ({ logs }) => {
    await logs.storeLogs(entries(1, 10, 1));
    await Promise.all([logs.deleteRange(6, 10), logs.storeLogs(entries(6, 7, 2))]);
    assert.equal(logs.lastIndex(), 7);
    assert.deepEqual(logs.getLogs(5, 100), [entry(5, 1), ...entries(6, 7, 2)]);
  });
});

test('discarding the whole log (one drop) and appending in the same tick leaves the new entries', async () => {
  await withStores(async ({ logs }) => {
    await logs.storeLogs(entries(1, 3000, 1));
    // What installing a snapshot at 5000 does: the whole log goes, the entries after it come.
    await Promise.all([logs.deleteRange(1, 3000), logs.storeLogs(entries(5001, 5003, 2))]);
    assert.equal(logs.firstIndex(), 5001);
    assert.equal(logs.lastIndex(), 5003);
    assert.equal(logs.getLog(3000), undefined);
    assert.deepEqual(logs.getLogs(5001, 6000), entries(5001, 5003, 2));
  });
});

test('a range covering the stored log but not an unresolved store outside it keeps that store', async () => {
  await withStores(async ({ logs }) => {
    await logs.storeLogs(entries(1, 10));
    const stored = logs.storeLogs(entries(11, 12));
    await Promise.all([logs.deleteRange(1, 10), stored]);
    assert.equal(logs.firstIndex(), 11);
    assert.equal(logs.lastIndex(), 12);
    assert.deepEqual(logs.getLogs(11, 100), entries(11, 12));
  });
});

test('lastIndex only moves once the write resolved', async () => {
  await withStores(async ({ logs }) => {
    const stored = logs.storeLogs(entries(1, 3));
    assert.equal(logs.lastIndex(), 0);
    await stored;
    assert.equal(logs.lastIndex(), 3);
  });
});

test('getLogs stops before the entry whose payload would pass maxBytes, but returns at least one', async () => {
  await withStores(async ({ logs }) => {
    await logs.storeLogs(entries(1, 10, 1, 100));
    assert.deepEqual(indexes(logs.getLogs(1, 10, 250)), [1, 2]);
    assert.deepEqual(indexes(logs.getLogs(1, 10, 300)), [1, 2, 3]);
    assert.deepEqual(indexes(logs.getLogs(4, 10, 0)), [4]);
    assert.deepEqual(indexes(logs.getLogs(4, 10, 99)), [4]);
    assert.equal(logs.getLogs(1, 10, 1_000).length, 10);
    assert.equal(logs.getLogs(1, 10).length, 10);
  });
});

test('everything survives close and reopen, including empty payloads and large terms', async () => {
  await withTempDir(async (dir) => {
    const big: LogEntry = { index: 11, term: Number.MAX_SAFE_INTEGER, type: LogType.Configuration, data: new Uint8Array(0) };
    const large: LogEntry = { index: 12, term: 7, type: LogType.Barrier, data: payload(12, 7, 100_000) };
    const first = openLmdbRaftStores(dir);
    await first.logs.storeLogs(entries(1, 10));
    await first.logs.storeLogs([big, large]);
    await first.logs.deleteRange(1, 2);
    await first.close();

    const second = openLmdbRaftStores(dir);
    try {
      assert.equal(second.logs.firstIndex(), 3);
      assert.equal(second.logs.lastIndex(), 12);
      assert.deepEqual(second.logs.getLogs(3, 10), entries(3, 10));
      assert.deepEqual(second.logs.getLog(11), big);
      assert.deepEqual(second.logs.getLog(12), large);
    } finally {
      await second.close();
    }
  });
});

test('a flipped byte, a truncated record or a record under the wrong key is a CorruptionError', async () => {
  await withTempDir(async (dir) => {
    const stores = openLmdbRaftStores(dir);
    await stores.logs.storeLogs(entries(1, 10));
    await stores.close();

    await withRawLogDb(dir, async (db) => {
      const flipped = Buffer.from(db.getBinary(4) ?? assert.fail('entry 4 missing'));
      flipped[flipped.length - 6] = (flipped[flipped.length - 6] ?? 0) ^ 0x01; // a payload byte
      const moved = db.getBinary(8) ?? assert.fail('entry 8 missing'); // a valid record of index 8
      await Promise.all([db.put(4, flipped), db.put(6, Buffer.from([1, 0, 6])), db.put(9, moved)]);
    });

    const reopened = openLmdbRaftStores(dir);
    try {
      assert.throws(() => reopened.logs.getLog(4), CorruptionError);
      assert.throws(() => reopened.logs.getLog(6), CorruptionError);
      assert.throws(() => reopened.logs.getLog(9), CorruptionError);
      assert.throws(() => reopened.logs.getLogs(1, 10), CorruptionError);
      assert.throws(() => reopened.logs.getLogs(9, 9), CorruptionError);
      // Intact neighbours still read fine, and a range that stops before the damage succeeds.
      assert.deepEqual(reopened.logs.getLog(5), entry(5));
      assert.deepEqual(reopened.logs.getLogs(1, 3), entries(1, 3));
    } finally {
      await reopened.close();
    }
  });
});

/** Stores entries 1..50, lets `damage` change the raw records, reopens and returns verifyAll's error. */
async function verifyAfter(damage: (db: Database<Buffer, number>) => Promise<void>): Promise<unknown> {
  let thrown: unknown;
  await withTempDir(async (dir) => {
    const stores = openLmdbRaftStores(dir);
    assert.equal(stores.logs.verifyAll(), 0, 'an empty log');
    await stores.logs.storeLogs(entries(1, 50));
    assert.equal(stores.logs.verifyAll(), 50);
    await stores.close();
    await withRawLogDb(dir, damage);
    const reopened = openLmdbRaftStores(dir);
    try {
      reopened.logs.verifyAll();
    } catch (error: unknown) {
      thrown = error;
    } finally {
      await reopened.close();
    }
  });
  return thrown;
}

test('verifyAll checks every stored record: an intact log passes, a flipped byte or a hole anywhere is named', async () => {
  const flipped = await verifyAfter(async (db) => {
    const record = Buffer.from(db.getBinary(17) ?? assert.fail('entry 17 missing'));
    record[record.length - 6] = (record[record.length - 6] ?? 0) ^ 0x01;
    await db.put(17, record);
  });
  assert.ok(flipped instanceof CorruptionError && /log record 17 /.test(flipped.message), String(flipped));
  const holed = await verifyAfter(async (db) => {
    await db.remove(30);
  });
  assert.ok(holed instanceof CorruptionError && /log record 30 is missing/.test(holed.message), String(holed));
});

test('reads and writes after close fail loudly', async () => {
  await withTempDir(async (dir) => {
    const stores = openLmdbRaftStores(dir);
    await stores.logs.storeLogs(entries(1, 2));
    await stores.close();
    await stores.close(); // idempotent
    assert.throws(() => stores.logs.getLog(1), /closed/);
    await assert.rejects(stores.logs.storeLogs(entries(3, 3)), /closed/);
  });
});
