/**
 * Leader discovery and failover: a client given only a follower's address finds the leader; a
 * client keeps working across the loss of the leader (it rediscovers and retries while the
 * cluster elects a new one), and files written before are still readable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MinfsClient, type RetryEvent } from '../../src/client';
import { ClientFixture, MiB, md5Of } from './client-fixture';

test('a client given only a follower address finds the leader and sends its calls there', async () => {
  const f = await ClientFixture.start();
  const client = new MinfsClient({ metaAddresses: [(await f.cluster.followers())[0]!.grpc.address] });
  try {
    await client.mkdir('/via-follower');
    assert.equal(client.meta.currentLeader, (await f.cluster.leader()).grpc.address);
    const local = f.localFile('vf.in', 5 * MiB);
    await client.put(local.path, '/via-follower/f');
    const out = join(f.dir, 'vf.out');
    assert.equal((await client.get('/via-follower/f', out)).md5, local.md5);
  } finally {
    client.close();
    await f.stop();
  }
});

test('after the leader is lost the client rediscovers, retries and keeps working', async () => {
  const retries: RetryEvent[] = [];
  const f = await ClientFixture.start({ client: { onRetry: (event) => retries.push(event) } });
  try {
    const local = f.localFile('before.in', 6 * MiB);
    await f.client.put(local.path, '/before');
    const first = await f.cluster.leader();
    assert.equal(f.client.meta.currentLeader, first.grpc.address);
    await first.stop();

    // Sent at once: the first attempts fail (the old leader is gone, then no leader is elected yet).
    await f.client.mkdir('/after');
    assert.ok(retries.length >= 1, 'the first attempt failed and was retried');
    assert.ok(retries.every((r) => r.method === 'CreateNode' && ['UNAVAILABLE', 'DEADLINE_EXCEEDED'].includes(r.error.codeName)));
    const second = await f.cluster.leader();
    assert.notEqual(second, first);
    assert.equal(f.client.meta.currentLeader, second.grpc.address);
    assert.deepEqual(
      (await f.client.ls('/')).map((e) => e.path),
      ['/after', '/before'],
    );

    const out = join(f.dir, 'before.out');
    await f.client.get('/before', out);
    assert.equal(md5Of(readFileSync(out)), local.md5);

    await f.heartbeat();
    const next = f.localFile('after.in', 100);
    await f.client.put(next.path, '/after/f');
    assert.equal((await f.client.stat('/after/f')).md5, next.md5);
  } finally {
    await f.stop();
  }
});
