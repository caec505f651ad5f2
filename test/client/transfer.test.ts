/**
 * put and get against a 3-node MetaServer cluster and three fake DataServers (replication 3):
 * the round trip with MD5 for an empty, a sub-block and a multi-block file, overwrite, reading
 * past a failed replica, a corrupt copy caught by the MD5 check, and a failed block write retried
 * on a fresh allocation.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { EMPTY_MD5, MinfsError, type Progress } from '../../src/client';
import { ClientFixture, MiB, md5Of } from './client-fixture';

let f: ClientFixture;
before(async () => {
  f = await ClientFixture.start();
  await f.client.mkdir('/t');
});
after(async () => {
  await f.stop();
});

async function failure(promise: Promise<unknown>): Promise<MinfsError> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof MinfsError) return error;
    throw error;
  }
  throw new Error('expected a MinfsError');
}

for (const [name, size, blocks] of [
  ['empty', 0, 0],
  ['small', 1000, 1],
  ['exactly one block', 4 * MiB, 1],
  ['multi-block', 9 * MiB + 7, 3],
] as const) {
  test(`put then get round trip: ${name} (${size} bytes)`, async () => {
    const local = f.localFile(`${name}.in`, size);
    const remote = `/t/${name.replace(/ /g, '-')}`;
    const progress: Progress[] = [];
    const put = await f.client.put(local.path, remote, { onProgress: (p) => progress.push(p) });
    assert.deepEqual({ size: put.size, md5: put.md5, blocks: put.blocks }, { size, md5: local.md5, blocks });
    assert.deepEqual(progress.at(-1), { bytes: size, total: size });

    const stat = await f.client.stat(remote);
    assert.equal(stat.type, 'File');
    assert.equal(stat.size, size);
    assert.equal(stat.md5, size === 0 ? EMPTY_MD5 : local.md5, 'FinalizeWrite recorded the MD5');
    assert.equal(stat.replication?.blocks.length, blocks);

    const out = join(f.dir, `${name}.out`);
    const got = await f.client.get(remote, out);
    assert.deepEqual(got, { path: remote, size, md5: local.md5, verified: true });
    assert.equal(md5Of(readFileSync(out)), local.md5);
  });
}

test('every block is written to its first location with ALL locations as replica_locations, in 64 KiB chunks', async () => {
  const local = f.localFile('layout.in', 5 * MiB);
  const put = await f.client.put(local.path, '/t/layout');
  const writes = f.fleet.servers.flatMap((s) => s.writes.map((w) => ({ ...w, at: s.address })));
  const info = await f.client.stat('/t/layout');
  for (const block of info.replication!.blocks) {
    const write = writes.find((w) => w.blockId === block.blockId);
    assert.ok(write, `block ${block.blockId} was written`);
    assert.equal(write.at, block.expectedLocations[0], 'sent to the primary');
    assert.deepEqual(write.replicaLocations, block.expectedLocations, 'replica_locations include the primary');
    assert.equal(write.largestChunk, 64 * 1024);
  }
  assert.equal(put.blocks, 2);
});

test('put refuses an existing file unless overwrite, and a directory always', async () => {
  const first = f.localFile('ow1.in', 3 * MiB);
  await f.client.put(first.path, '/t/ow');
  const exists = await failure(f.client.put(first.path, '/t/ow'));
  assert.equal(exists.code, status.ALREADY_EXISTS);
  assert.equal((await failure(f.client.put(first.path, '/t', { overwrite: true }))).code, status.FAILED_PRECONDITION);

  for (const [name, size] of [
    ['bigger', 6 * MiB + 1],
    ['same size', 6 * MiB + 1],
    ['empty', 0],
    ['small again', 10],
  ] as const) {
    const next = f.localFile(`ow-${name}.in`, size);
    const put = await f.client.put(next.path, '/t/ow', { overwrite: true });
    assert.equal(put.md5, next.md5, name);
    const out = join(f.dir, `ow-${name}.out`);
    await f.client.get('/t/ow', out);
    assert.equal(md5Of(readFileSync(out)), next.md5, `${name}: the new content is read back`);
    assert.equal((await f.client.stat('/t/ow')).size, size);
  }
});

test('put from a stream and get into a stream', async () => {
  const data = Buffer.alloc(5 * MiB + 3, 7);
  await f.client.put(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), '/t/streamed');
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const got = await f.client.get('/t/streamed', sink);
  assert.equal(got.md5, md5Of(data));
  assert.deepEqual(Buffer.concat(chunks), data);
});

test('get falls back to the next replica when one fails (UNAVAILABLE, NOT_FOUND, DATA_LOSS, short block)', async () => {
  const local = f.localFile('fallback.in', 9 * MiB);
  await f.client.put(local.path, '/t/fallback');
  const blocks = (await f.client.stat('/t/fallback')).replication!.blocks;
  // The first location of block 0 misbehaves: the blocks it is first for are read from their second location.
  const bad = blocks[0]!.expectedLocations[0]!;
  const fallbacks = blocks.filter((b) => b.expectedLocations[0] === bad).length;
  for (const fault of ['unavailable', 'not-found', 'data-loss', 'short'] as const) {
    f.fleet.at(bad).readFault = fault;
    try {
      const before = f.fleet.servers.map((s) => s.reads.length);
      const out = join(f.dir, `fallback-${fault}.out`);
      const got = await f.client.get('/t/fallback', out);
      assert.equal(got.md5, local.md5, fault);
      assert.equal(md5Of(readFileSync(out)), local.md5);
      const asked = f.fleet.servers.map((s, i) => s.reads.length - before[i]!);
      assert.equal(
        asked.reduce((a, b) => a + b),
        blocks.length + fallbacks,
        `${fault}: one extra read per block whose first replica failed`,
      );
    } finally {
      f.fleet.at(bad).readFault = 'none';
    }
  }
});

test('a block no replica can give fails the get with UNAVAILABLE and leaves no file behind', async () => {
  const local = f.localFile('lost.in', 100);
  await f.client.put(local.path, '/t/lost');
  for (const server of f.fleet.servers) server.readFault = 'not-found';
  try {
    const out = join(f.dir, 'lost-dir');
    const before = readdirSync(f.dir).length;
    const error = await failure(f.client.get('/t/lost', join(f.dir, 'lost.out')));
    assert.equal(error.code, status.UNAVAILABLE);
    assert.match(error.message, /no replica of block/);
    assert.equal(existsSync(join(f.dir, 'lost.out')), false);
    assert.equal(readdirSync(f.dir).length, before, 'the temporary file is removed');
    assert.equal(existsSync(out), false);
  } finally {
    for (const server of f.fleet.servers) server.readFault = 'none';
  }
});

test('wrong bytes from a DataServer are caught by the MD5 check (DATA_LOSS), the target is not written', async () => {
  const local = f.localFile('corrupt.in', 2 * MiB);
  await f.client.put(local.path, '/t/corrupt');
  for (const server of f.fleet.servers) server.readFault = 'corrupt';
  try {
    const error = await failure(f.client.get('/t/corrupt', join(f.dir, 'corrupt.out')));
    assert.equal(error.code, status.DATA_LOSS);
    assert.match(error.message, /md5 mismatch for \/t\/corrupt/);
    assert.equal(existsSync(join(f.dir, 'corrupt.out')), false);
  } finally {
    for (const server of f.fleet.servers) server.readFault = 'none';
  }
});

test('get of a missing path is NOT_FOUND, of a directory FAILED_PRECONDITION', async () => {
  assert.equal((await failure(f.client.get('/t/nope', join(f.dir, 'nope')))).code, status.NOT_FOUND);
  assert.equal((await failure(f.client.get('/t', join(f.dir, 'dir')))).code, status.FAILED_PRECONDITION);
});

test('a block write that fails is retried on a fresh allocation; it gives up after writeAttempts', async () => {
  const local = f.localFile('retry.in', 1 * MiB);
  // Writes since the start of this test, on every fake.
  const marks = f.fleet.servers.map((s) => s.writes.length);
  const newWrites = () => f.fleet.servers.flatMap((s, i) => s.writes.slice(marks[i]));
  f.fleet.failNextWrites = 1;
  const put = await f.client.put(local.path, '/t/retry');
  assert.equal(put.md5, local.md5);
  const failed = newWrites().filter((w) => !w.ok);
  assert.equal(failed.length, 1);
  const [block] = (await f.client.stat('/t/retry')).replication!.blocks;
  assert.notEqual(block!.blockId, failed[0]!.blockId, 'the retry wrote a freshly allocated block');
  const out = join(f.dir, 'retry.out');
  await f.client.get('/t/retry', out);
  assert.equal(md5Of(readFileSync(out)), local.md5);

  for (const server of f.fleet.servers) server.writeFault = 'refuse';
  try {
    const error = await failure(f.client.put(local.path, '/t/retry-fails'));
    assert.equal(error.code, status.INTERNAL);
    assert.match(error.message, /success=false/);
    assert.equal(newWrites().length, 2 + 3, 'three allocations were tried');
  } finally {
    for (const server of f.fleet.servers) server.writeFault = 'none';
  }
});

// Last in this file: it stops a DataServer for good.
test('get falls back past a DataServer that is down (connection refused)', async () => {
  const local = f.localFile('down.in', 5 * MiB);
  await f.client.put(local.path, '/t/down');
  const blocks = (await f.client.stat('/t/down')).replication!.blocks;
  f.fleet.at(blocks[0]!.expectedLocations[0]!).stop();
  const out = join(f.dir, 'down.out');
  assert.equal((await f.client.get('/t/down', out)).md5, local.md5);
  assert.equal(md5Of(readFileSync(out)), local.md5);
});
