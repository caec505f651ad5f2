/**
 * The copier with a source that holds each ReadBlock until the test lets it go: a copy under way is
 * joined, not repeated; copies beyond the limit wait for a slot; a delete aborts the copy of its block;
 * stop() aborts what is running.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { SelfAddresses } from '../../src/dataserver/addresses';
import { BlockCopier } from '../../src/dataserver/block-copier';
import { deleteBlock } from '../../src/dataserver/block-deletion';
import { BlockStore } from '../../src/dataserver/block-store';
import { dataServerClients } from '../../src/dataserver/client-pool';
import { silentLogger } from '../../src/dataserver/logger';
import { ServiceError } from '../../src/dataserver/service-errors';
import { patternBytes } from '../support/dataserver/data-client';
import { GatedSource } from '../support/dataserver/gated-source';
import { tempDir } from '../support/dataserver/temp-dir';

async function setUp(t: TestContext, maxConcurrentCopies: number, blocks: Record<string, Buffer>) {
  const store = new BlockStore(tempDir(t), silentLogger);
  await store.open();
  const source = await GatedSource.start(new Map(Object.entries(blocks)));
  const dataClients = dataServerClients();
  const copier = new BlockCopier({
    store,
    self: new SelfAddresses('127.0.0.1:1', 1),
    dataClients,
    logger: silentLogger,
    maxConcurrentCopies,
    copyTimeoutMs: 10_000,
  });
  t.after(async () => {
    await copier.stop();
    source.stop();
    dataClients.close();
  });
  return { store, source, copier };
}

test('a second copy of a block under way joins the first: one ReadBlock, one result', async (t) => {
  const bytes = patternBytes(300_000, 1);
  const { store, source, copier } = await setUp(t, 4, { '10': bytes });
  const first = copier.copy(10, source.address);
  const second = copier.copy(10, source.address);
  assert.equal(second, first);
  await source.logged('start 10');
  assert.deepEqual(copier.inProgress(), [10]);
  source.open('10');
  assert.equal(await first, 'copied');
  assert.deepEqual(source.log, ['start 10', 'end 10']);
  assert.equal(await copier.copy(10, source.address), 'already-present');
  assert.deepEqual(source.log, ['start 10', 'end 10'], 'a block already here is not fetched again');
  assert.deepEqual(store.ids(), [10]);
});

test('at most maxConcurrentCopies pulls run at once; the next starts when one ends', async (t) => {
  const { store, source, copier } = await setUp(t, 2, { '1': patternBytes(10, 1), '2': patternBytes(10, 2), '3': patternBytes(10, 3) });
  const copies = [1, 2, 3].map((id) => copier.copy(id, source.address));
  await source.logged('start 1');
  await source.logged('start 2');
  assert.deepEqual([...source.log].sort(), ['start 1', 'start 2'], 'the third waits for a slot');
  source.open('3');
  source.open('1');
  await source.logged('start 3');
  assert.ok(source.log.indexOf('end 1') < source.log.indexOf('start 3'));
  source.open('2');
  assert.deepEqual(await Promise.all(copies), ['copied', 'copied', 'copied']);
  assert.deepEqual(store.ids(), [1, 2, 3]);
});

test('deleting a block aborts its copy under way; nothing is left', async (t) => {
  const { store, source, copier } = await setUp(t, 4, { '20': patternBytes(100_000, 4) });
  const copy = copier.copy(20, source.address);
  await source.logged('start 20');
  assert.equal(await deleteBlock(store, copier, '20'), false);
  await assert.rejects(copy, (error: unknown) => error instanceof ServiceError && error.code === status.ABORTED);
  assert.deepEqual(copier.inProgress(), []);
  assert.deepEqual(store.ids(), []);
});

test('stop() aborts running and queued copies and refuses new ones', async (t) => {
  const { store, source, copier } = await setUp(t, 1, { '30': patternBytes(10, 5), '31': patternBytes(10, 6) });
  const running = copier.copy(30, source.address);
  const queued = copier.copy(31, source.address);
  await source.logged('start 30');
  await copier.stop();
  for (const copy of [running, queued])
    await assert.rejects(copy, (error: unknown) => error instanceof ServiceError && error.code === status.UNAVAILABLE);
  await assert.rejects(copier.copy(32, source.address), /stopping/);
  assert.deepEqual(store.ids(), []);
});
