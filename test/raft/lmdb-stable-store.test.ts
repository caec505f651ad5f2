import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { CorruptionError } from '../../src/raft/errors';
import { LogType, type LogEntry } from '../../src/raft/log';
import { openLmdbRaftStores, type LmdbRaftStores } from '../../src/raft/lmdb';
import { STABLE_DB_NAME } from '../../src/raft/lmdb/lmdb-environment';

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmdb-stable-store-'));
  try {
    await body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function withStores(body: (stores: LmdbRaftStores) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const stores = openLmdbRaftStores(dir);
    try {
      await body(stores);
    } finally {
      await stores.close();
    }
  });
}

/** A raw lmdb-js handle on the environment (the stores must be closed meanwhile). */
async function withRawEnvironment(
  dir: string,
  body: (root: RootDatabase<Buffer, string>, stableDb: Database<Buffer, string>) => void | Promise<void>,
): Promise<void> {
  const root = open<Buffer, string>({ path: dir, maxDbs: 4, overlappingSync: false });
  try {
    await body(root, root.openDB<Buffer, string>({ name: STABLE_DB_NAME, encoding: 'binary' }));
  } finally {
    await root.close();
  }
}

function lastTransactionId(dir: string): Promise<number> {
  let id = 0;
  return withRawEnvironment(dir, (root) => {
    const stats: unknown = root.getStats();
    assert.ok(typeof stats === 'object' && stats !== null && 'lastTxnId' in stats && typeof stats.lastTxnId === 'number');
    id = stats.lastTxnId;
  }).then(() => id);
}

/** Stored values come back as plain Uint8Arrays. */
function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

const logEntry: LogEntry = { index: 1, term: 3, type: LogType.Command, data: bytes('hello') };

test('byte values round-trip, overwrite, and missing keys are undefined', async () => {
  await withStores(async ({ stable }) => {
    assert.equal(stable.get('vote'), undefined);
    await stable.set('vote', Buffer.from('node-a'));
    assert.deepEqual(stable.get('vote'), bytes('node-a'));
    await stable.set('vote', new Uint8Array([1, 2, 3]));
    assert.deepEqual(stable.get('vote'), new Uint8Array([1, 2, 3]));
    await stable.set('empty', new Uint8Array(0));
    assert.equal(stable.get('empty')?.byteLength, 0);
  });
});

test('uint64 values round-trip across the safe integer range and reject anything else', async () => {
  await withStores(async ({ stable }) => {
    assert.equal(stable.getUint64('term'), undefined);
    for (const value of [0, 1, 0xffff_ffff, 0x1_0000_0000, Number.MAX_SAFE_INTEGER]) {
      await stable.setUint64('term', value);
      assert.equal(stable.getUint64('term'), value);
    }
    await assert.rejects(stable.setUint64('term', -1), RangeError);
    await assert.rejects(stable.setUint64('term', 1.5), RangeError);
    await assert.rejects(stable.setUint64('term', Number.MAX_SAFE_INTEGER + 1), RangeError);
    await assert.rejects(stable.set('', Buffer.from('x')), RangeError);
    assert.equal(stable.getUint64('term'), Number.MAX_SAFE_INTEGER);
  });
});

test('values survive close and reopen', async () => {
  await withTempDir(async (dir) => {
    const first = openLmdbRaftStores(dir);
    await first.stable.setUint64('currentTerm', 42);
    await first.stable.set('votedFor', Buffer.from('server-2'));
    await first.close();

    const second = openLmdbRaftStores(dir);
    try {
      assert.equal(second.stable.getUint64('currentTerm'), 42);
      assert.deepEqual(second.stable.get('votedFor'), bytes('server-2'));
    } finally {
      await second.close();
    }
  });
});

test('a damaged value, a value under the wrong key, or a non-uint64 read as uint64 is a CorruptionError', async () => {
  await withTempDir(async (dir) => {
    const stores = openLmdbRaftStores(dir);
    await Promise.all([
      stores.stable.setUint64('term', 7),
      stores.stable.set('vote', Buffer.from('node-a')),
      stores.stable.set('other', Buffer.from('node-b')),
    ]);
    await stores.close();

    await withRawEnvironment(dir, async (_root, db) => {
      const flipped = Buffer.from(db.getBinary('term') ?? assert.fail('term missing'));
      flipped[1] = (flipped[1] ?? 0) ^ 0x80;
      const moved = db.getBinary('other') ?? assert.fail('other missing');
      await Promise.all([db.put('term', flipped), db.put('vote', moved)]);
    });

    const reopened = openLmdbRaftStores(dir);
    try {
      assert.throws(() => reopened.stable.getUint64('term'), CorruptionError);
      assert.throws(() => reopened.stable.get('vote'), CorruptionError);
      assert.deepEqual(reopened.stable.get('other'), bytes('node-b'));
      assert.throws(() => reopened.stable.getUint64('other'), CorruptionError);
    } finally {
      await reopened.close();
    }
  });
});

test('log writes and a stable write issued in the same tick commit in one transaction', async () => {
  await withTempDir(async (dir) => {
    // Baseline: how many transactions merely opening and closing the stores costs.
    await openLmdbRaftStores(dir).close();
    const beforeIdle = await lastTransactionId(dir);
    await openLmdbRaftStores(dir).close();
    const openCost = (await lastTransactionId(dir)) - beforeIdle;

    const beforeSameTick = await lastTransactionId(dir);
    const stores = openLmdbRaftStores(dir);
    await Promise.all([stores.logs.storeLogs([logEntry]), stores.stable.setUint64('term', 3)]);
    await stores.close();
    assert.equal((await lastTransactionId(dir)) - beforeSameTick, openCost + 1);

    const beforeSeparate = await lastTransactionId(dir);
    const again = openLmdbRaftStores(dir);
    await again.stable.setUint64('term', 4);
    await again.logs.storeLogs([{ ...logEntry, index: 2 }]);
    await again.close();
    assert.equal((await lastTransactionId(dir)) - beforeSeparate, openCost + 2);

    // Batches above lmdb-js's early-start threshold (1000 writes) still commit as one.
    const many: LogEntry[] = [];
    for (let index = 3; index <= 3002; index++) many.push({ ...logEntry, index });
    const beforeLarge = await lastTransactionId(dir);
    const large = openLmdbRaftStores(dir);
    await Promise.all([large.logs.storeLogs(many), large.stable.setUint64('term', 5)]);
    await large.close();
    assert.equal((await lastTransactionId(dir)) - beforeLarge, openCost + 1);

    const beforeDelete = await lastTransactionId(dir);
    const deleting = openLmdbRaftStores(dir);
    await Promise.all([deleting.logs.deleteRange(3, 3002), deleting.stable.setUint64('term', 6)]);
    await deleting.close();
    assert.equal((await lastTransactionId(dir)) - beforeDelete, openCost + 1);

    const check = openLmdbRaftStores(dir);
    try {
      assert.deepEqual(check.logs.getLog(1), logEntry);
      assert.equal(check.stable.getUint64('term'), 6);
      assert.equal(check.logs.lastIndex(), 2);
    } finally {
      await check.close();
    }
  });
});

test('closing one store keeps the other usable until it closes too', async () => {
  await withStores(async ({ logs, stable }) => {
    await logs.close();
    await stable.setUint64('term', 9);
    assert.equal(stable.getUint64('term'), 9);
  });
});
