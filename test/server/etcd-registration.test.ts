/**
 * The MetaServer's registration in a real etcd: the compact JSON clients parse, the leader flag
 * following Raft's role, a crashed leader's stale flag cleared by the new leader (its key keeping
 * its lease), registration surviving an etcd outage, and the key gone after stop(). Raft is played
 * by a stub whose role the test sets; the test waits on etcd watches, not on time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { silentLogger, type RaftState } from '../../src/raft';
import { EtcdRegistration, META_NODES_PREFIX, type LeadershipSource } from '../../src/server/etcd-registration';
import { EtcdServer, etcdMissing } from '../support/etcd-server';
import { freePorts } from '../support/free-ports';

class StubRaft implements LeadershipSource {
  private role: RaftState = 'follower';
  private readonly listeners = new Set<(e: { role: RaftState }) => void>();

  state(): RaftState {
    return this.role;
  }

  on(_event: 'role-changed', listener: (e: { role: RaftState }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  become(role: RaftState): void {
    this.role = role;
    for (const l of this.listeners) l({ role });
  }
}

/** The key's value once `accept` takes it: now, or from a watch that starts right after this read. */
async function valueWhen(client: Etcd3, key: string, accept: (value: string | null) => boolean): Promise<string | null> {
  const now = await client.get(key).exec();
  const current = now.kvs[0]?.value.toString() ?? null;
  if (accept(current)) return current;
  const watcher = await client
    .watch()
    .key(key)
    .startRevision(String(Number(now.header.revision) + 1))
    .create();
  try {
    return await new Promise<string | null>((resolve) => {
      watcher.on('put', (kv) => {
        const value = kv.value.toString();
        if (accept(value)) resolve(value);
      });
      watcher.on('delete', () => {
        if (accept(null)) resolve(null);
      });
    });
  } finally {
    await watcher.cancel();
  }
}

const leaderFlag =
  (expected: boolean) =>
  (value: string | null): boolean =>
    value !== null && (JSON.parse(value) as { is_leader: boolean }).is_leader === expected;

const missing = etcdMissing();

test(
  'etcd registration: compact JSON, the leader flag follows Raft, a stale flag is cleared, an outage is survived, stop deletes',
  { skip: missing, timeout: 60_000 },
  async (t) => {
    const etcd = await EtcdServer.start();
    t.after(() => etcd.stop());
    const client = new Etcd3({ hosts: `http://${etcd.endpoint}` });
    t.after(() => client.close());
    const mine = `${META_NODES_PREFIX}meta-1`;
    const dead = `${META_NODES_PREFIX}meta-0`;

    // A leader that crashed: its key still claims the leadership until its lease runs out.
    const deadLease = client.lease(60);
    await deadLease.put(dead).value(
      JSON.stringify({
        addr: '127.0.0.1:9089',
        id: 'meta-0',
        is_leader: true,
        register_at: new Date().toISOString(),
        role: 'metaServer',
      }),
    );
    const deadLeaseId = await deadLease.grant();

    const raft = new StubRaft();
    const registration = new EtcdRegistration({
      endpoints: [etcd.endpoint],
      timeoutMs: 1_000,
      nodeId: 'meta-1',
      grpcAddress: '127.0.0.1:9090',
      leaseTtlSeconds: 3,
      raft,
      logger: silentLogger,
    });
    registration.start();
    t.after(() => registration.stop());

    const first = (await valueWhen(client, mine, leaderFlag(false)))!;
    // Exactly the shape the clients parse: compact, these keys in this order, RFC 3339 time.
    assert.match(
      first,
      /^\{"addr":"127\.0\.0\.1:9090","id":"meta-1","is_leader":false,"register_at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","role":"metaServer"\}$/,
    );
    assert.equal((await client.get(mine).exec()).kvs[0]?.lease !== '0', true, 'under a lease');

    raft.become('leader');
    await valueWhen(client, mine, leaderFlag(true));
    await valueWhen(client, dead, leaderFlag(false));
    assert.equal(
      (await client.get(dead).exec()).kvs[0]?.lease,
      deadLeaseId,
      "the dead node's key keeps its own lease, so it still expires",
    );

    raft.become('follower');
    await valueWhen(client, mine, leaderFlag(false));

    // etcd goes away; the node becomes leader meanwhile (the write fails, and is retried); etcd comes back.
    await etcd.pause();
    raft.become('leader');
    await etcd.resume();
    await valueWhen(client, mine, leaderFlag(true));

    await registration.stop();
    assert.equal(await valueWhen(client, mine, (v) => v === null), null, 'deregistered on stop');
    deadLease.release();
  },
);

test('etcd away from the start: one write per retry, backing off to 5 s, however often the role changes', async () => {
  const [port] = await freePorts(1);
  const raft = new StubRaft();
  const delays: number[] = [];
  let pending: (() => void) | undefined;
  let scheduled: (() => void) | undefined;
  const registration = new EtcdRegistration({
    endpoints: [`127.0.0.1:${port}`],
    timeoutMs: 300,
    nodeId: 'meta-1',
    grpcAddress: '127.0.0.1:9090',
    raft,
    logger: silentLogger,
    schedule: (delayMs, retry) => {
      assert.equal(pending, undefined, 'one retry at a time');
      delays.push(delayMs);
      pending = retry;
      scheduled?.();
    },
  });
  registration.start();
  for (let i = 1; i <= 7; i++) {
    await new Promise<void>((resolve) => (pending !== undefined ? resolve() : (scheduled = resolve)));
    assert.equal(registration.attempts, i, `write ${i} failed and nothing else was tried before its retry`);
    // Role changes while a retry waits start no write of their own.
    raft.become(i % 2 === 1 ? 'leader' : 'follower');
    assert.equal(registration.attempts, i);
    const retry = pending!;
    pending = undefined;
    retry();
  }
  await new Promise<void>((resolve) => (pending !== undefined ? resolve() : (scheduled = resolve)));
  assert.deepEqual(delays, [200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
  await registration.stop();
});
