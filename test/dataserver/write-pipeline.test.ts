/**
 * WriteBlock as a replica chain through three in-process DataServers: every replica ends up with the
 * same bytes, and a failure anywhere down the chain fails the write with UNAVAILABLE naming the
 * replica, leaving no copy on the servers above it.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { CHUNK, patternBytes, statusOf } from '../support/dataserver/data-client';
import { startDataServer, startDataServers, type RunningDataServer } from '../support/dataserver/dataserver-fleet';
import { GatedSource } from '../support/dataserver/gated-source';

async function assertHolds(ds: RunningDataServer, blockId: number, bytes: Buffer): Promise<void> {
  assert.ok((await ds.client.readBlock(blockId)).bytes.equals(bytes), `${ds.server.id} holds block ${blockId}`);
  assert.ok(ds.server.blockIds().includes(blockId));
}

function assertNothingStored(ds: RunningDataServer): void {
  assert.deepEqual(ds.server.blockIds(), [], `${ds.server.id} reports no block`);
  assert.deepEqual(readdirSync(path.join(ds.dataDir, 'tmp')), [], `${ds.server.id} left no temp file`);
}

/** The address of a DataServer that has stopped: connections are refused. */
async function deadAddress(t: TestContext): Promise<string> {
  const gone = await startDataServer(t, 'gone');
  await gone.server.stop();
  return gone.address;
}

test('a chain of three: the client writes to the first, all three hold identical bytes', async (t) => {
  const servers = await startDataServers(t, 3);
  const [a, b, c] = servers as [RunningDataServer, RunningDataServer, RunningDataServer];
  const bytes = patternBytes(4 * 1024 * 1024, 1);
  assert.deepEqual(await a.client.writeBlock(1_700_000_000_000_001, [a.address, b.address, c.address], bytes), { success: true });
  for (const ds of servers) await assertHolds(ds, 1_700_000_000_000_001, bytes);
});

test('the chain follows the list order whoever is dialled: the receiver skips itself wherever it is listed', async (t) => {
  const servers = await startDataServers(t, 3);
  const [a, b, c] = servers as [RunningDataServer, RunningDataServer, RunningDataServer];
  const bytes = patternBytes(3 * CHUNK + 1, 2);
  await b.client.writeBlock(2, [a.address, b.address, c.address], bytes);
  for (const ds of servers) await assertHolds(ds, 2, bytes);
  // Duplicates and the loopback spelling of the receiver's own address are harmless.
  const localhostA = `localhost:${a.server.port}`;
  await a.client.writeBlock(3, [localhostA, b.address, b.address, c.address], bytes);
  for (const ds of servers) await assertHolds(ds, 3, bytes);
});

test('a dead last replica: UNAVAILABLE naming it, and no copy left on the first two', async (t) => {
  const [a, b] = (await startDataServers(t, 2)) as [RunningDataServer, RunningDataServer];
  const dead = await deadAddress(t);
  const failure = await statusOf(a.client.writeBlock(4, [a.address, b.address, dead], patternBytes(5 * CHUNK, 3)));
  assert.equal(failure.code, status.UNAVAILABLE);
  assert.match(failure.details, new RegExp(`replica ${b.address} failed: .*replica ${dead} failed`));
  assertNothingStored(a);
  assertNothingStored(b);
});

test('a dead middle replica: the last one never hears of the block', async (t) => {
  const [a, c] = (await startDataServers(t, 2)) as [RunningDataServer, RunningDataServer];
  const dead = await deadAddress(t);
  const failure = await statusOf(a.client.writeBlock(5, [a.address, dead, c.address], patternBytes(CHUNK, 4)));
  assert.equal(failure.code, status.UNAVAILABLE);
  assert.match(failure.details, new RegExp(`replica ${dead} failed`));
  assertNothingStored(a);
  assertNothingStored(c);
});

test('a failed rewrite keeps the block as it was (the new version is never renamed into place)', async (t) => {
  const [a, b] = (await startDataServers(t, 2)) as [RunningDataServer, RunningDataServer];
  const original = patternBytes(1000, 5);
  await a.client.writeBlock(6, [a.address, b.address], original);
  const dead = await deadAddress(t);
  assert.equal((await statusOf(a.client.writeBlock(6, [a.address, dead], patternBytes(2000, 6)))).code, status.UNAVAILABLE);
  await assertHolds(a, 6, original);
});

test('a downstream that refuses the write (any status) fails the pipeline with UNAVAILABLE naming it', async (t) => {
  const a = await startDataServer(t, 'dataServer-1');
  const refuser = await GatedSource.start(new Map());
  t.after(() => refuser.stop());
  const failure = await statusOf(a.client.writeBlock(7, [a.address, refuser.address], patternBytes(100, 7)));
  assert.equal(failure.code, status.UNAVAILABLE);
  assert.match(failure.details, new RegExp(`replica ${refuser.address} failed: UNIMPLEMENTED`));
  assertNothingStored(a);
});

test('a server that does not recognise its own listed address stops the loop after a bounded number of hops', async (t) => {
  const a = await startDataServer(t, 'dataServer-1', { listenAddress: '0.0.0.0:0', advertiseAddress: '127.0.0.1:0' });
  // 127.0.0.2 reaches the wildcard listener too, but is not one of the names the server knows itself by.
  const alias = `127.0.0.2:${a.server.port}`;
  const failure = await statusOf(a.client.writeBlock(8, [alias], patternBytes(10, 8)));
  assert.equal(failure.code, status.UNAVAILABLE);
  assert.match(failure.details, /does not recognise its own address/);
  assertNothingStored(a);
});

/** Sends the metadata and one chunk down a chain that ends in a server holding the write, then cancels it. */
async function cancelMidBlock(t: TestContext, headers: Record<string, string>): Promise<void> {
  const [a, b] = (await startDataServers(t, 2, { endOfStreamGraceMs: 1000 })) as [RunningDataServer, RunningDataServer];
  const holder = await GatedSource.start(new Map(), true);
  t.after(() => holder.stop());
  const aSettled = a.server.waitFor('block-write');
  const bSettled = b.server.waitFor('block-write');
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  const call = a.client.raw.WriteBlock(metadata, () => undefined);
  call.write({ metadata: { block_id: '9', replica_locations: [a.address, b.address, holder.address] } });
  call.write({ chunk_data: patternBytes(CHUNK, 9) });
  await holder.logged('write 9'); // the block has reached the end of the chain
  call.cancel();
  for (const settled of [await aSettled, await bSettled]) {
    assert.equal(settled.blockId, 9);
    assert.equal(settled.outcome, 'failed');
    assert.match(settled.error ?? '', /CANCELLED/);
  }
  await holder.logged('write-cancelled 9');
  assertNothingStored(a);
  assertNothingStored(b);
}

test('a client using the end marker cancels mid-block: every replica drops its partial copy', async (t) => {
  await cancelMidBlock(t, { 'x-minfs-end-marker': 'empty-chunk' });
});

test('a plain grpc-js client cancels mid-block (END_STREAM then RST_STREAM): the grace period catches it, nothing is stored', async (t) => {
  await cancelMidBlock(t, {});
});

test('from a forwarding DataServer (end-marker header), only a stream closed by the empty-chunk marker is stored', async (t) => {
  const ds = await startDataServer(t, 'dataServer-1');
  const forwarded = { 'x-minfs-end-marker': 'empty-chunk' };
  const metadata = { metadata: { block_id: '10', replica_locations: [ds.address] } };
  const data = { chunk_data: patternBytes(1000, 10) };
  const unmarked = await statusOf(ds.client.writeMessages([metadata, data], forwarded));
  assert.equal(unmarked.code, status.CANCELLED);
  assert.match(unmarked.details, /upstream replica stopped before the end of the block/);
  assertNothingStored(ds);
  const afterMarker = await statusOf(ds.client.writeMessages([metadata, data, { chunk_data: Buffer.alloc(0) }, data], forwarded));
  assert.equal(afterMarker.code, status.INVALID_ARGUMENT);
  assertNothingStored(ds);
  await ds.client.writeMessages([metadata, data, { chunk_data: Buffer.alloc(0) }], forwarded);
  await assertHolds(ds, 10, data.chunk_data);
  // Without the header an empty chunk is just empty (as for the original DataServer).
  await ds.client.writeMessages([metadata, { chunk_data: Buffer.alloc(0) }, data]);
  await assertHolds(ds, 10, data.chunk_data);
});
