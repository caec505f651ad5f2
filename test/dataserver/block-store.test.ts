/**
 * The block store on its own: atomic appearance of blocks, the checksum footer, what a restart
 * rebuilds, and block id parsing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { BlockStore } from '../../src/dataserver/block-store';
import { BlockCorruptError, BlockNotFoundError, BlockTooLargeError } from '../../src/dataserver/block-errors';
import { BlockIdError, parseBlockId } from '../../src/dataserver/block-id';
import { FOOTER_BYTES, subdirOf } from '../../src/dataserver/block-file-format';
import { MAX_BLOCK_BYTES } from '../../src/dataserver/limits';
import { patternBytes } from '../support/dataserver/data-client';
import { tempDir } from '../support/dataserver/temp-dir';

async function openStore(dir: string): Promise<BlockStore> {
  const store = new BlockStore(dir, { debug() {}, info() {}, warn() {}, error() {} });
  await store.open();
  return store;
}

async function storeBlock(store: BlockStore, blockId: number, bytes: Buffer): Promise<void> {
  const writer = await store.createWriter(blockId);
  for (let offset = 0; offset < bytes.length; offset += 1000) await writer.write(bytes.subarray(offset, offset + 1000));
  await writer.commit();
}

async function readAll(store: BlockStore, blockId: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.readChunks(blockId)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

test('a block is invisible until commit, then stored as data plus a 16-byte footer under blocks/<subdir>/<id>', async (t) => {
  const dir = tempDir(t);
  const store = await openStore(dir);
  const bytes = patternBytes(150_000, 1);
  const writer = await store.createWriter(42);
  await writer.write(bytes.subarray(0, 100_000));
  assert.equal(store.has(42), false);
  assert.equal(existsSync(store.pathOf(42)), false, 'nothing in place before commit');
  assert.equal(readdirSync(path.join(dir, 'tmp')).length, 1, 'the partial block lives in tmp/');
  await writer.write(bytes.subarray(100_000));
  await writer.commit();
  assert.deepEqual(store.ids(), [42]);
  assert.equal(store.pathOf(42), path.join(dir, 'blocks', subdirOf(42), '42'));
  assert.equal(statSync(store.pathOf(42)).size, bytes.length + FOOTER_BYTES);
  assert.deepEqual(readdirSync(path.join(dir, 'tmp')), [], 'the temp file was renamed, not copied');
  assert.ok((await readAll(store, 42)).equals(bytes));
  assert.equal(store.bytesUsed, bytes.length);
});

test('discard leaves nothing behind, and an older version of the block stays as it was', async (t) => {
  const store = await openStore(tempDir(t));
  const original = patternBytes(5000, 2);
  await storeBlock(store, 7, original);
  const writer = await store.createWriter(7);
  await writer.write(patternBytes(3000, 3));
  await writer.discard();
  await writer.discard(); // harmless twice
  assert.ok((await readAll(store, 7)).equals(original));
  assert.deepEqual(readdirSync(path.join(store.dataDir, 'tmp')), []);
});

test('a rewrite replaces the block atomically; the byte count follows', async (t) => {
  const store = await openStore(tempDir(t));
  await storeBlock(store, 9, patternBytes(5000, 4));
  const newer = patternBytes(700, 5);
  await storeBlock(store, 9, newer);
  assert.ok((await readAll(store, 9)).equals(newer));
  assert.equal(store.bytesUsed, 700);
  assert.deepEqual(store.ids(), [9]);
});

test('the writer refuses to go past the maximum block size', async (t) => {
  const store = await openStore(tempDir(t));
  const writer = await store.createWriter(3);
  await writer.write(Buffer.alloc(MAX_BLOCK_BYTES));
  await assert.rejects(writer.write(Buffer.alloc(1)), BlockTooLargeError);
  await writer.discard();
  assert.equal(store.has(3), false);
});

test('a flipped byte is detected on read: BlockCorruptError, the file removed and the id dropped', async (t) => {
  const store = await openStore(tempDir(t));
  await storeBlock(store, 11, patternBytes(200_000, 6));
  await storeBlock(store, 12, patternBytes(10, 7));
  const file = store.pathOf(11);
  const onDisk = readFileSync(file);
  onDisk[123_456] ^= 0x01;
  writeFileSync(file, onDisk);
  await assert.rejects(readAll(store, 11), BlockCorruptError);
  assert.deepEqual(store.ids(), [12]);
  assert.equal(existsSync(file), false);
  await assert.rejects(readAll(store, 11), BlockNotFoundError, 'gone for good');
  assert.equal(await store.isValid(12), true);
});

test('a damaged footer (truncated file) is detected too', async (t) => {
  const store = await openStore(tempDir(t));
  await storeBlock(store, 13, patternBytes(3000, 8));
  const file = store.pathOf(13);
  writeFileSync(file, readFileSync(file).subarray(0, 2000));
  assert.equal(await store.isValid(13), false);
  assert.equal(store.has(13), false);
});

test('reopening rebuilds the block set from disk: intact blocks kept, broken footers and tmp/ leftovers removed, foreign files ignored', async (t) => {
  const dir = tempDir(t);
  const first = await openStore(dir);
  await storeBlock(first, 1, patternBytes(100, 9));
  await storeBlock(first, 1_700_000_000_000_123, patternBytes(65536, 10));
  await storeBlock(first, 5, patternBytes(10, 11));
  writeFileSync(first.pathOf(5), Buffer.from('not a block')); // footer gone
  writeFileSync(path.join(dir, 'tmp', '77.partial'), Buffer.alloc(10));
  mkdirSync(path.join(dir, 'blocks', 'zz'));
  writeFileSync(path.join(dir, 'blocks', subdirOf(1), 'notes.txt'), 'hello');

  const reopened = await openStore(dir);
  assert.deepEqual(reopened.ids(), [1, 1_700_000_000_000_123]);
  assert.equal(reopened.bytesUsed, 100 + 65536);
  assert.deepEqual(readdirSync(path.join(dir, 'tmp')), []);
  assert.equal(existsSync(first.pathOf(5)), false);
  assert.ok(existsSync(path.join(dir, 'blocks', subdirOf(1), 'notes.txt')), 'foreign files are left alone');
  assert.ok((await readAll(reopened, 1_700_000_000_000_123)).equals(patternBytes(65536, 10)));
});

test('delete is idempotent', async (t) => {
  const store = await openStore(tempDir(t));
  await storeBlock(store, 4, patternBytes(10, 12));
  assert.equal(await store.delete(4), true);
  assert.equal(await store.delete(4), false);
  assert.deepEqual(store.ids(), []);
  assert.equal(store.bytesUsed, 0);
});

test('block ids: decimal below 2^53, not 0', () => {
  assert.equal(parseBlockId('1'), 1);
  assert.equal(parseBlockId('1700000000000123'), 1_700_000_000_000_123);
  assert.equal(parseBlockId(String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
  for (const bad of ['0', '', '-1', '1.5', 'abc', '9007199254740992', '18446744073709551615', ' 5']) {
    assert.throws(() => parseBlockId(bad), BlockIdError, bad);
  }
});
