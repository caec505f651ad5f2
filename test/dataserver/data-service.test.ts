/**
 * DataServerService over real gRPC on one or two in-process DataServers: ReadBlock chunking and
 * errors, WriteBlock's refusals, DeleteBlock and CopyBlock idempotency.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { status } from '@grpc/grpc-js';
import { CHUNK, patternBytes, statusOf } from '../support/dataserver/data-client';
import { startDataServer, startDataServers } from '../support/dataserver/dataserver-fleet';

const MAX_BLOCK = 4 * 1024 * 1024;

test('ReadBlock returns the block in 64 KiB chunks; a rewrite replaces it', async (t) => {
  const ds = await startDataServer(t, 'dataServer-1');
  const bytes = patternBytes(3 * CHUNK + 100, 1);
  assert.deepEqual(await ds.client.writeBlock(101, [ds.address], bytes), { success: true });
  const read = await ds.client.readBlock(101);
  assert.ok(read.bytes.equals(bytes));
  assert.deepEqual(read.chunkSizes, [CHUNK, CHUNK, CHUNK, 100]);

  const rewritten = patternBytes(10, 2);
  await ds.client.writeBlock(101, [ds.address], rewritten);
  assert.ok((await ds.client.readBlock(101)).bytes.equals(rewritten));
  assert.deepEqual(ds.server.blockIds(), [101]);
});

test('a full 4 MiB block, also sent as one single chunk; an empty block is a block too', async (t) => {
  const ds = await startDataServer(t, 'dataServer-1');
  const bytes = patternBytes(MAX_BLOCK, 3);
  await ds.client.writeBlock(1, [ds.address], bytes, MAX_BLOCK);
  const read = await ds.client.readBlock(1);
  assert.ok(read.bytes.equals(bytes));
  assert.equal(read.chunkSizes.length, 64);
  await ds.client.writeBlock(2, [ds.address], Buffer.alloc(0));
  assert.deepEqual(await ds.client.readBlock(2), { bytes: Buffer.alloc(0), chunkSizes: [] });
  assert.deepEqual(ds.server.blockIds(), [1, 2]);
});

test('ReadBlock: NOT_FOUND for an absent block, INVALID_ARGUMENT for a bad id', async (t) => {
  const ds = await startDataServer(t, 'dataServer-1');
  assert.equal((await statusOf(ds.client.readBlock(999))).code, status.NOT_FOUND);
  assert.equal((await statusOf(ds.client.readBlock(0))).code, status.INVALID_ARGUMENT);
  assert.equal((await statusOf(ds.client.readBlock('9007199254740993'))).code, status.INVALID_ARGUMENT);
});

test('a block corrupted on disk: ReadBlock answers DATA_LOSS and the block leaves the report', async (t) => {
  const ds = await startDataServer(t, 'dataServer-1');
  await ds.client.writeBlock(5, [ds.address], patternBytes(100_000, 4));
  await ds.client.writeBlock(6, [ds.address], patternBytes(100, 5));
  const file = ds.server.store.pathOf(5);
  const onDisk = readFileSync(file);
  onDisk[99_999] ^= 0xff;
  writeFileSync(file, onDisk);
  const failure = await statusOf(ds.client.readBlock(5));
  assert.equal(failure.code, status.DATA_LOSS);
  assert.match(failure.details, /block 5 is corrupt/);
  assert.deepEqual(ds.server.blockIds(), [6]);
  assert.equal((await statusOf(ds.client.readBlock(5))).code, status.NOT_FOUND);
});

test('WriteBlock refusals: INVALID_ARGUMENT without metadata, chunk first, metadata twice, oversized, bad id; nothing stored', async (t) => {
  const ds = await startDataServer(t, 'dataServer-1');
  const meta = (blockId: string) => ({ metadata: { block_id: blockId, replica_locations: [ds.address] } });
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['empty stream', () => ds.client.writeMessages([]), /without metadata/],
    [
      'chunk before metadata',
      () => ds.client.writeMessages([{ chunk_data: Buffer.from('x') }, meta('1')]),
      /first message must be the metadata/,
    ],
    [
      'metadata twice',
      () => ds.client.writeMessages([meta('2'), { chunk_data: Buffer.from('x') }, meta('2')]),
      /metadata may only come first/,
    ],
    ['over 4 MiB', () => ds.client.writeBlock(3, [ds.address], Buffer.alloc(MAX_BLOCK + 1)), /maximum block size of 4194304/],
    ['block id 0', () => ds.client.writeMessages([meta('0')]), /bad block id 0/],
    ['block id above 2^53', () => ds.client.writeMessages([meta('18446744073709551615')]), /bad block id/],
  ];
  for (const [name, call, message] of cases) {
    const failure = await statusOf(call());
    assert.equal(failure.code, status.INVALID_ARGUMENT, name);
    assert.match(failure.details, message, name);
  }
  assert.deepEqual(ds.server.blockIds(), []);
  assert.equal((await statusOf(ds.client.readBlock(3))).code, status.NOT_FOUND);
});

test('DeleteBlock is idempotent', async (t) => {
  const ds = await startDataServer(t, 'dataServer-1');
  await ds.client.writeBlock(8, [ds.address], patternBytes(10, 6));
  assert.equal(await ds.client.deleteBlock(8), true);
  assert.equal(await ds.client.deleteBlock(8), true);
  assert.equal(await ds.client.deleteBlock(12345), true);
  assert.deepEqual(ds.server.blockIds(), []);
  assert.equal((await statusOf(ds.client.readBlock(8))).code, status.NOT_FOUND);
  assert.equal((await statusOf(ds.client.deleteBlock(0))).code, status.INVALID_ARGUMENT);
});

test('CopyBlock pulls a block from another DataServer; again is a no-op; errors name the source', async (t) => {
  const [source, target] = await startDataServers(t, 2);
  const bytes = patternBytes(5 * CHUNK + 7, 7);
  await source!.client.writeBlock(21, [source!.address], bytes);

  assert.equal(await target!.client.copyBlock(21, source!.address), true);
  assert.ok((await target!.client.readBlock(21)).bytes.equals(bytes));
  assert.deepEqual(target!.server.blockIds(), [21]);
  // Already present and valid: success without asking the source (which no longer has it).
  await source!.client.deleteBlock(21);
  assert.equal(await target!.client.copyBlock(21, source!.address), true);

  const missing = await statusOf(target!.client.copyBlock(22, source!.address));
  assert.equal(missing.code, status.NOT_FOUND);
  assert.match(missing.details, new RegExp(`from ${source!.address}: the source does not have it`));
  const unreachable = await statusOf(target!.client.copyBlock(23, '127.0.0.1:1'));
  assert.equal(unreachable.code, status.UNAVAILABLE);
  assert.match(unreachable.details, /copy of block 23 from 127\.0\.0\.1:1 failed/);
  assert.equal((await statusOf(target!.client.copyBlock(24, ''))).code, status.INVALID_ARGUMENT);
  assert.deepEqual(target!.server.blockIds(), [21], 'failed copies leave nothing');
});

test('CopyBlock replaces a local copy that turned out corrupt', async (t) => {
  const [source, target] = await startDataServers(t, 2);
  const bytes = patternBytes(1000, 8);
  await source!.client.writeBlock(31, [source!.address], bytes);
  await target!.client.writeBlock(31, [target!.address], bytes);
  const file = target!.server.store.pathOf(31);
  const onDisk = readFileSync(file);
  onDisk[0] ^= 1;
  writeFileSync(file, onDisk);
  assert.equal(await target!.client.copyBlock(31, source!.address), true);
  assert.ok((await target!.client.readBlock(31)).bytes.equals(bytes));
});
