/**
 * The environment-copy stream (src/meta/environment-copy.ts) on a small LMDB environment: the
 * round trip, streams cut anywhere, damaged streams refused with CorruptionError and their scratch
 * removed; and the rule for entries a restored copy already holds (heldEntries).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { CorruptionError } from '../../src/raft';
import { DATA_FILE, ENVIRONMENT_COPY_MAGIC, installEnvironmentCopy, receiveEnvironmentCopy, writeEnvironmentCopy } from '../../src/meta/environment-copy';
import { heldEntries } from '../../src/meta/environment-snapshots';
import { stream, withDir } from './support/meta-harness';

const noCheck = (): void => undefined;

/** An environment of `count` records in `dir`, streamed as a copy in chunks of `chunkBytes`. */
async function copyOf(dir: string, count: number, chunkBytes: number): Promise<Buffer[]> {
  const root = open<string, string>({ path: path.join(dir, 'source') });
  try {
    await root.transaction(() => {
      for (let i = 0; i < count; i++) root.putSync(`key${i}`, `value ${i} `.repeat(5));
    });
    const chunks: Buffer[] = [];
    await writeEnvironmentCopy(path.join(dir, 'source'), path.join(dir, 'scratch'), (chunk) => {
      chunks.push(Buffer.from(chunk));
      return Promise.resolve();
    }, chunkBytes, noCheck);
    assert.ok(!fs.existsSync(path.join(dir, 'scratch')), 'the copy is removed once streamed');
    return chunks;
  } finally {
    await root.close();
  }
}

/** Receives `pieces` and installs them as the environment in `envDir`; returns its records. */
async function receiveAndRead(dir: string, pieces: readonly Uint8Array[], envDir: string): Promise<Map<string, string>> {
  const scratch = path.join(dir, 'incoming');
  await receiveEnvironmentCopy(stream(pieces), scratch, noCheck);
  fs.mkdirSync(envDir, { recursive: true });
  await installEnvironmentCopy(scratch, envDir);
  assert.ok(!fs.existsSync(scratch));
  const root = open<string, string>({ path: envDir, readOnly: true });
  try {
    return new Map([...root.getRange({})].map(({ key, value }) => [String(key), value]));
  } finally {
    await root.close();
  }
}

function cutAt(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [0, ...[...offsets].sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

test('a copy streams in chunks of the asked size and comes back whole, however the stream is cut', async () => {
  await withDir(async (dir) => {
    const chunks = await copyOf(dir, 2000, 4096);
    assert.deepEqual(chunks[0]!.subarray(0, ENVIRONMENT_COPY_MAGIC.length), ENVIRONMENT_COPY_MAGIC);
    assert.equal(chunks[0]!.length, ENVIRONMENT_COPY_MAGIC.length + 8, 'the header is its own chunk');
    assert.ok(chunks.length > 10 && chunks.slice(1, -1).every((c) => c.length === 4096));
    const bytes = Buffer.concat(chunks);
    assert.equal(Number(bytes.readBigUInt64BE(8)), bytes.length - 16, 'the header announces the file length');
    let seed = 11;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const cuts: [string, Buffer[]][] = [
      ['one piece', [bytes]],
      ['around the magic and the length', cutAt(bytes, [1, 7, 8, 9, 15, 16, 17, bytes.length - 1])],
      ['random', cutAt(bytes, Array.from({ length: 60 }, () => Math.floor(random() * bytes.length)))],
      ['with empty pieces', [Buffer.alloc(0), ...cutAt(bytes, [3, 3, 16]), Buffer.alloc(0)]],
    ];
    for (const [name, pieces] of cuts) {
      const records = await receiveAndRead(dir, pieces, path.join(dir, `env-${name.replace(/\W/g, '-')}`));
      assert.equal(records.size, 2000, name);
      assert.equal(records.get('key1999'), 'value 1999 '.repeat(5), name);
    }
  });
});

test('damaged streams are CorruptionErrors, and their scratch is removed', async () => {
  await withDir(async (dir) => {
    const bytes = Buffer.concat(await copyOf(dir, 100, 1 << 20));
    const badMagic = Buffer.from(bytes);
    badMagic[3] ^= 0x20;
    const hugeLength = Buffer.from(bytes);
    hugeLength.writeBigUInt64BE(2n ** 60n, 8);
    const cases: [string, Buffer[], RegExp][] = [
      ['empty', [], /ended inside its header/],
      ['magic only', [bytes.subarray(0, 8)], /ended inside its header/],
      ['cut inside the length', [bytes.subarray(0, 12)], /ended inside its header/],
      ['bad magic', [badMagic], /bad magic/],
      ['cut in the body', [bytes.subarray(0, bytes.length - 1)], /bytes$/],
      ['cut right after the header', [bytes.subarray(0, 16)], /0 of \d+ bytes/],
      ['a byte too many', [bytes, Buffer.from([0])], /more than the/],
      ['an impossible length', [hugeLength], /impossible length/],
    ];
    const scratch = path.join(dir, 'incoming');
    for (const [name, pieces, message] of cases) {
      await assert.rejects(receiveEnvironmentCopy(stream(pieces), scratch, noCheck), (error: unknown) => {
        assert.ok(error instanceof CorruptionError, `${name}: ${String(error)}`);
        assert.match(error.message, message, name);
        return true;
      });
      assert.ok(!fs.existsSync(scratch), `${name}: scratch removed`);
    }
    // A stream that fails (the connection dropped) is not corrupt, but leaves nothing either.
    const failing = stream([bytes.subarray(0, 100)], { after: 1, error: new Error('connection lost') });
    await assert.rejects(receiveEnvironmentCopy(failing, scratch, noCheck), /connection lost/);
    assert.ok(!fs.existsSync(scratch));
    // `check` stops a receive (the FSM closing).
    await assert.rejects(
      receiveEnvironmentCopy(stream([bytes]), scratch, () => {
        throw new Error('closed during restore');
      }),
      /closed during restore/,
    );
    assert.ok(!fs.existsSync(scratch));
  });
});

test('a copy installed over an environment replaces its data file', async () => {
  await withDir(async (dir) => {
    const envDir = path.join(dir, 'env');
    const old = open<string, string>({ path: envDir });
    await old.put('old', 'state');
    await old.close();
    const records = await receiveAndRead(dir, await copyOf(dir, 3, 1024), envDir);
    assert.deepEqual([...records.keys()].sort(), ['key0', 'key1', 'key2']);
    assert.ok(fs.existsSync(path.join(envDir, DATA_FILE)));
  });
});

test('heldEntries: a batch continues the handed index, or only repeats what the opened or restored state held', () => {
  // [first, last, count, handed, heldThrough] -> entries to skip, or undefined (a Raft bug: stop).
  const table: [number, number, number, number, number, number | undefined][] = [
    [11, 15, 5, 10, 10, 0], // continues
    [11, 15, 5, 10, 0, 0],
    [12, 15, 4, 10, 10, undefined], // a gap
    [6, 8, 3, 10, 10, 3], // repeats held entries only
    [6, 15, 10, 10, 10, 5], // repeats the held ones, then continues
    [6, 15, 10, 12, 10, undefined], // repeats entries 11 and 12, which were applied after the restore
    [11, 12, 2, 12, 10, undefined], // the same, without any held entry
    [1, 3, 3, 10, 10, 3],
    [0, 2, 3, 10, 10, undefined], // no index 0
    [11, 14, 5, 10, 10, undefined], // not consecutive
  ];
  for (const [first, last, count, handed, held, expected] of table) {
    assert.equal(heldEntries(first, last, count, handed, held), expected, `${first}..${last} (${count}) after ${handed}, held ${held}`);
  }
});

// lmdb-js's compacting copy (kriszyp/lmdb-js#198) aborts the process on such writes with an LMDB
// assertion in mdb_page_alloc: this is what keeps environment-copy.ts from compacting.
test('an installed copy takes rewrites of every key afterwards', async () => {
  await withDir(async (dir) => {
    const openKv = (at: string): { root: RootDatabase; kv: Database<Buffer, Buffer> } => {
      const root = open({ path: at, maxDbs: 2 });
      return { root, kv: root.openDB<Buffer, Buffer>({ name: 'kv', encoding: 'binary', keyEncoding: 'binary' }) };
    };
    const key = (i: number): Buffer => Buffer.from(`key${i}`);
    const source = openKv(path.join(dir, 'source'));
    const chunks: Buffer[] = [];
    try {
      await source.root.transaction(() => {
        for (let i = 0; i < 10_000; i++) source.kv.putSync(key(i), Buffer.alloc(80, 1));
      });
      await writeEnvironmentCopy(path.join(dir, 'source'), path.join(dir, 'scratch'), (chunk) => {
        chunks.push(Buffer.from(chunk));
        return Promise.resolve();
      }, 1 << 20, noCheck);
    } finally {
      await source.root.close();
    }
    const envDir = path.join(dir, 'env');
    fs.mkdirSync(envDir);
    await receiveEnvironmentCopy(stream(chunks), path.join(dir, 'incoming'), noCheck);
    await installEnvironmentCopy(path.join(dir, 'incoming'), envDir);
    const target = openKv(envDir);
    try {
      for (let t = 0; t < 5; t++) {
        await target.root.transaction(() => {
          for (let i = 0; i < 1000; i++) target.kv.putSync(key(t * 1000 + i), Buffer.alloc(80, 3));
        });
      }
      assert.deepEqual(target.kv.get(key(4999)), Buffer.alloc(80, 3));
      assert.deepEqual(target.kv.get(key(5000)), Buffer.alloc(80, 1));
      assert.equal(target.kv.getCount(), 10_000);
    } finally {
      await target.root.close();
    }
  });
});

test('a received copy is written no faster than the pace asked for', async () => {
  await withDir(async (dir) => {
    const bytes = Buffer.concat(await copyOf(dir, 3000, 64 * 1024));
    const rate = 4 * bytes.length; // a quarter of a second's worth
    const started = performance.now();
    await receiveEnvironmentCopy(stream(cutAt(bytes, [16, 50_000, 100_000, 150_000])), path.join(dir, 'paced'), noCheck, rate);
    // A lower bound only (a busy machine may take longer): without the pacing this takes a few ms.
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 240, `${bytes.length} bytes at ${rate} B/s took ${elapsed.toFixed(0)} ms`);
  });
});
