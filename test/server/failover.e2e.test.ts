/**
 * Failover on an in-process 3-node cluster: everything acknowledged survives the leader's loss
 * (deletes stay deleted, finalized sizes stay), writes keep working through the new leader, a
 * retried request with the same request_id applies once, and with no quorum the answer is
 * UNAVAILABLE (which the existing client retries after rediscovery).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { MetaCluster } from '../support/meta-cluster/meta-cluster';

test('acknowledged writes survive the loss of the leader; no quorum means UNAVAILABLE', async () => {
  const cluster = await MetaCluster.start();
  try {
    const first = await cluster.leader();
    const client = cluster.client(first);
    for (let n = 1; n <= 3; n++) {
      await client.call('Heartbeat', { dataServer_id: `ds-${n}`, dataServer_addr: `127.0.0.1:${8000 + n}`, total_capacity: 1e9, free_space: 1e9 });
    }
    await client.call('CreateNode', { path: '/keep', type: 'Directory' });
    const located = await client.call('GetBlockLocations', { path: '/keep/f', size: 5 });
    await client.call('FinalizeWrite', { path: '/keep/f', inode: located.inode, size: 5, md5: '' });
    await client.call('CreateNode', { path: '/gone', type: 'File' });
    await client.call('DeleteNode', { path: '/gone', recursive: false });
    await first.stop();

    const survivors = cluster.nodes.filter((n) => n !== first);
    const viaSurvivor = cluster.client(survivors[0]!);
    // Waits for the new leader (on Raft events) before asking.
    const second = await cluster.leader();
    assert.notEqual(second, first);
    assert.equal((await viaSurvivor.call('GetNodeInfo', { path: '/keep/f' })).statInfo?.size, '5');
    assert.equal((await viaSurvivor.failure('GetNodeInfo', { path: '/gone' })).code, status.NOT_FOUND);
    await viaSurvivor.call('CreateNode', { path: '/keep/after', type: 'File' });

    // A retry after a lost answer: the same request_id gives the first answer, not ALREADY_EXISTS.
    await viaSurvivor.call('CreateNode', { path: '/keep/once', type: 'File', request_id: 'req-1' });
    await viaSurvivor.call('CreateNode', { path: '/keep/once', type: 'File', request_id: 'req-1' });
    assert.equal((await viaSurvivor.failure('CreateNode', { path: '/keep/once', type: 'File' })).code, status.ALREADY_EXISTS);
    assert.equal((await viaSurvivor.failure('CreateNode', { path: '/keep/other', type: 'File', request_id: 'req-1' })).code, status.INVALID_ARGUMENT);

    await second.stop();
    const last = survivors.find((n) => n !== second)!;
    const lonely = cluster.client(last);
    const refused = await lonely.failure('CreateNode', { path: '/keep/x', type: 'File' });
    assert.equal(refused.code, status.UNAVAILABLE, refused.message);
    const unread = await lonely.failure('GetNodeInfo', { path: '/keep/f' });
    assert.equal(unread.code, status.UNAVAILABLE, unread.message);
  } finally {
    await cluster.stop();
  }
});
