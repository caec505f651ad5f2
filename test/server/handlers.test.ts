/**
 * The request handlers called directly, without gRPC or a network: routing (leader, follower,
 * forwarded, stale reads), validation before proposing, and the error table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { RaftError, TimeoutError, NotLeaderError } from '../../src/raft';
import { CallRouting, NeedsLeader, READ_CONSISTENCY_HEADER } from '../../src/server/call-routing';
import { FORWARDED_BY_HEADER } from '../../src/server/forwarder';
import { createNode, deleteNode, getNodeInfo, listDirectory } from '../../src/server/namespace-handlers';
import { finalizeWrite, getBlockLocations } from '../../src/server/block-handlers';
import { heartbeat } from '../../src/server/cluster-handlers';
import { ServiceError, toServiceError } from '../../src/server/service-error';
import { NamespaceUnavailableError } from '../../src/meta/namespace-state';
import { TrashPurger } from '../../src/server/trash-purger';
import { loneMetaNode } from '../support/meta-cluster/lone-meta-node';

function routing(node: Parameters<typeof createNode>[0], headers: Record<string, string> = {}): CallRouting {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
  return new CallRouting(node, metadata);
}

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('expected a ServiceError');
}

const createRequest = (path: string, type = 'File') => ({ path, type: type as 'File', parents: false, request_id: '' });

test('on the leader: the mtime is the leader wall clock carried in the command', async () => {
  const lone = await loneMetaNode();
  try {
    const { node } = lone;
    lone.wallClock = 1_234_567;
    await createNode(node, routing(node), createRequest('/x'));
    const info = await getNodeInfo(node, routing(node), { path: '/x' });
    assert.equal(info.statInfo?.mtime, 1_234_567);
    assert.equal(info.statInfo?.type, 'File');
  } finally {
    await lone.close();
  }
});

test('read your writes on the leader: a read after an acknowledged write sees it, though applies are acknowledged before the LMDB commit', async () => {
  const lone = await loneMetaNode();
  try {
    const { node } = lone;
    for (let i = 0; i < 30; i++) {
      await createNode(node, routing(node), createRequest(`/fresh-${i}`));
      const info = await getNodeInfo(node, routing(node), { path: `/fresh-${i}` });
      assert.equal(info.statInfo?.path, `/fresh-${i}`);
    }
  } finally {
    await lone.close();
  }
});

test('the leader read barrier waits for the FSM to commit the read index, not only for Raft to hand it over', async () => {
  let commit: () => void = () => {};
  const asked: number[] = [];
  const node = {
    settings: { nodeId: 'stub' },
    raft: { state: () => 'leader', readIndex: () => Promise.resolve(10) },
    fsm: {
      committedAtLeast: (index: number) => {
        asked.push(index);
        return new Promise<void>((resolve) => (commit = resolve));
      },
    },
  } as unknown as Parameters<typeof createNode>[0];
  let passed = false;
  const barrier = new CallRouting(node, new grpc.Metadata()).readBarrier().then(() => (passed = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(asked, [10]);
  assert.equal(passed, false);
  commit();
  await barrier;
  assert.equal(passed, true);
});

test('bad input is refused before anything is proposed: the log does not grow', async () => {
  const lone = await loneMetaNode();
  try {
    const { node } = lone;
    const before = node.raft.stats().lastLogIndex;
    const cases: [Promise<unknown>, status][] = [
      [createNode(node, routing(node), createRequest('')), status.INVALID_ARGUMENT],
      [createNode(node, routing(node), createRequest('/v', 'Volume')), status.INVALID_ARGUMENT],
      [createNode(node, routing(node), createRequest('/', 'Directory')), status.ALREADY_EXISTS],
      [createNode(node, routing(node), { ...createRequest('/r'), request_id: 'k'.repeat(129) }), status.INVALID_ARGUMENT],
      [deleteNode(node, routing(node), { path: '/', recursive: true, request_id: '' }, new TrashPurger(node)), status.INVALID_ARGUMENT],
      [getBlockLocations(node, routing(node), { path: '/f', size: '-4', request_id: '' }), status.INVALID_ARGUMENT],
      [getBlockLocations(node, routing(node), { path: '/f', size: String(2 ** 60), request_id: '' }), status.INVALID_ARGUMENT],
      [finalizeWrite(node, routing(node), { path: '/f', inode: '0', size: '1', md5: '', request_id: '' }), status.INVALID_ARGUMENT],
      [finalizeWrite(node, routing(node), { path: '/f', inode: '18446744073709551615', size: '1', md5: '', request_id: '' }), status.INVALID_ARGUMENT],
      [listDirectory(node, routing(node), { path: '/', page_size: 1, page_token: 'not base64url!' }), status.INVALID_ARGUMENT],
      [Promise.resolve().then(() => heartbeat(node, { dataServer_id: '', dataServer_addr: 'a:1', block_count: 0, free_space: 0, block_ids_report: new Float64Array(0), total_capacity: 0 })), status.INVALID_ARGUMENT],
    ];
    for (const [call, code] of cases) {
      const error = await rejection(call);
      assert.equal(error.code, code, error.message);
    }
    assert.equal(node.raft.stats().lastLogIndex, before);
  } finally {
    await lone.close();
  }
});

test('GetBlockLocations in write mode without DataServers is RESOURCE_EXHAUSTED', async () => {
  const lone = await loneMetaNode();
  try {
    const { node } = lone;
    const error = await rejection(getBlockLocations(node, routing(node), { path: '/f', size: '10', request_id: '' }));
    assert.equal(error.code, status.RESOURCE_EXHAUSTED);
    assert.match(error.message, /need 3 live DataServers for replication factor 3, have 0/);
  } finally {
    await lone.close();
  }
});

test('on a follower: writes and linearizable reads need the leader; stale reads are local; forwarded calls are not forwarded again', async () => {
  const lone = await loneMetaNode({ follower: true });
  try {
    const { node } = lone;
    await assert.rejects(createNode(node, routing(node), createRequest('/x')), NeedsLeader);
    await assert.rejects(getNodeInfo(node, routing(node), { path: '/' }), NeedsLeader);
    const forwarded = await rejection(createNode(node, routing(node, { [FORWARDED_BY_HEADER]: 'other' }), createRequest('/x')));
    assert.equal(forwarded.code, status.UNAVAILABLE);
    // Stale: served from local state, which has no root yet on a node that never joined a cluster.
    const stale = await rejection(getNodeInfo(node, routing(node, { [READ_CONSISTENCY_HEADER]: 'stale' }), { path: '/' }));
    assert.equal(stale.code, status.FAILED_PRECONDITION);
  } finally {
    await lone.close();
  }
});

test('the error table: Raft failures, and errors that must never reach grpc-js as they are', () => {
  assert.equal(toServiceError(new NotLeaderError(undefined, undefined)).code, status.UNAVAILABLE);
  const timeout = toServiceError(new TimeoutError('apply', 10, 'unknown'));
  assert.equal(timeout.code, status.UNAVAILABLE);
  assert.match(timeout.message, /may or may not have been applied/);
  assert.equal(toServiceError(new RaftError('corruption', 'bad checksum', 'not-applied')).code, status.DATA_LOSS);
  assert.equal(toServiceError(new RaftError('overloaded', 'too many', 'not-applied')).code, status.RESOURCE_EXHAUSTED);
  // A read in the moment a restore swaps a follower's namespace file: retryable.
  assert.equal(toServiceError(new NamespaceUnavailableError()).code, status.UNAVAILABLE);
  // An LMDB error carries a numeric code that grpc-js would forward as the status.
  const lmdbLike = Object.assign(new Error('MDB_MAP_FULL'), { code: -30792 });
  const mapped = toServiceError(lmdbLike);
  assert.equal(mapped.code, status.INTERNAL);
  assert.doesNotMatch(mapped.message, /MDB/);
});
