/**
 * recoverCluster (hashicorp's RecoverCluster), offline: a three-node cluster loses two nodes for
 * good; the survivor's stores are rewritten to a one-node configuration, and it starts, elects
 * itself, holds every write it had (entries that never committed included, which is the danger),
 * accepts more, and can grow again. Bad configurations and empty nodes are refused untouched.
 * Runs on in-memory stores and on LMDB plus file snapshot stores.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  BadConfigurationError,
  FileSnapshotStore,
  RecoveryRefusedError,
  recoverCluster,
  type Configuration,
  type SnapshotMeta,
} from '../../src/raft/index';
import { openLmdbRaftStores } from '../../src/raft/lmdb/index';
import { KvFsm, TestCluster, inmemStores, pairs, type NodeStores, type TestNode } from './recovery-harness';

const encoder = new TextEncoder();

function alone(node: TestNode): Configuration {
  return { servers: [{ id: node.id, address: node.address, suffrage: 'voter' }] };
}

/** Stops every node but `survivor` for good (they never come back), then the survivor itself. */
async function loseAllBut(cluster: TestCluster, survivor: TestNode): Promise<void> {
  for (const n of cluster.nodes) {
    await n.raft.shutdown();
    cluster.network.disconnect(n.address);
    if (n !== survivor) await n.stores.close?.();
  }
  cluster.nodes.splice(0, cluster.nodes.length, survivor);
}

async function recover(
  cluster: TestCluster,
  node: TestNode,
  configuration: Configuration,
): Promise<{ replayed: number; snapshot: SnapshotMeta }> {
  return recoverCluster({
    config: cluster.config(node.id),
    fsm: node.fsm,
    logStore: node.stores.logStore,
    stableStore: node.stores.stableStore,
    snapshotStore: node.stores.snapshotStore,
    configuration,
  });
}

/**
 * The common story: writes, a snapshot on the survivor (a follower) and more writes after it;
 * then two nodes are lost and the survivor is recovered alone. With `lostFsmState` its FSM is
 * replaced by an empty one first (a volatile FSM after a restart), so that recovery restores the
 * snapshot and replays the log after it; otherwise the persistent FSM already holds everything.
 * Returns the state every node had applied.
 */
async function survivorRecovers(
  cluster: TestCluster,
  lostFsmState: boolean,
): Promise<{ survivor: TestNode; committed: string; lastIndex: number }> {
  const leader = cluster.leader()!;
  const survivor = cluster.followersOf(leader)[0]!;
  await cluster.write(leader, pairs('a', 20));
  await cluster.until(() => survivor.fsm.applied === leader.fsm.applied, 'the survivor applied a');
  const taken = await cluster.settle(survivor.raft.snapshot(), 'the survivor snapshot');
  assert.equal(taken.status, 'fulfilled');
  await cluster.write(leader, pairs('b', 10));
  await cluster.until(() => cluster.nodes.every((n) => n.fsm.applied === leader.fsm.applied), 'everyone applied b');
  const committed = survivor.fsm.digest();
  await loseAllBut(cluster, survivor);
  const lastIndex = survivor.stores.logStore.lastIndex();
  if (lostFsmState) survivor.fsm = new KvFsm();

  const result = await recover(cluster, survivor, alone(survivor));
  if (lostFsmState) assert.ok(result.replayed >= 10, `replayed the log after the snapshot (${result.replayed})`);
  else assert.equal(result.replayed, 0, 'the persistent FSM held every entry already');
  assert.equal(survivor.fsm.digest(), committed, 'the FSM holds the recovered state');
  assert.equal(result.snapshot.index, lastIndex, 'the snapshot covers the whole log');
  assert.deepEqual(result.snapshot.configuration, alone(survivor));
  assert.equal(result.snapshot.deferred, undefined);
  assert.equal(survivor.stores.logStore.lastIndex(), 0, 'the log is gone: no old configuration entry can come back');
  assert.equal((await survivor.stores.snapshotStore.list())[0]?.id, result.snapshot.id, 'the newest snapshot');
  return { survivor, committed, lastIndex };
}

/** Starts the recovered survivor, checks it leads alone with its state, writes, then grows the cluster by a fresh voter. */
async function startsAndGrows(cluster: TestCluster, survivor: TestNode, committed: string, fresh: NodeStores): Promise<void> {
  await cluster.open(survivor);
  await cluster.until(() => survivor.raft.state() === 'leader', 'the survivor elects itself');
  assert.equal(survivor.raft.stats().voters, 1);
  assert.equal(survivor.fsm.digest(), committed, 'every committed write is there');
  await cluster.write(survivor, pairs('c', 5));
  assert.equal(survivor.fsm.data.get('c4'), 'c-value-4');

  const joiner: TestNode = { id: 'd', address: 'addr-d', fsm: new KvFsm(), stores: fresh, raft: undefined!, installed: [] };
  await cluster.open(joiner);
  cluster.nodes.push(joiner);
  const added = await cluster.settle(survivor.raft.addVoter(joiner.id, joiner.address), 'adding a fresh voter');
  assert.equal(added.status, 'fulfilled', added.status === 'rejected' ? String(added.reason) : '');
  await cluster.write(survivor, [['after-join', '1']]);
  await cluster.until(() => joiner.fsm.applied === survivor.fsm.applied, 'the fresh voter catches up');
  assert.equal(joiner.fsm.digest(), survivor.fsm.digest());
  assert.deepEqual(
    survivor.raft.configuration().servers.map((s) => s.id),
    [survivor.id, 'd'],
  );
}

test('a survivor of a cluster that lost two nodes for good recovers alone, leads, keeps its data and grows again', async () => {
  const cluster = await TestCluster.start();
  try {
    const { survivor, committed } = await survivorRecovers(cluster, false);
    await startsAndGrows(cluster, survivor, committed, inmemStores());
  } finally {
    await cluster.stop();
  }
});

test('an FSM without state is rebuilt from the snapshot and the log, and a restart restores the recovery snapshot', async () => {
  const cluster = await TestCluster.start();
  try {
    const { survivor, committed, lastIndex } = await survivorRecovers(cluster, true);
    survivor.fsm = new KvFsm();
    await cluster.open(survivor);
    assert.equal(survivor.fsm.restores, 1);
    assert.equal(survivor.fsm.applied, lastIndex);
    await cluster.until(() => survivor.raft.state() === 'leader', 'the survivor elects itself');
    assert.equal(survivor.fsm.digest(), committed);
  } finally {
    await cluster.stop();
  }
});

test('over deferred snapshots (labels only) recovery writes a real copy, which a node without state starts from', async () => {
  const cluster = await TestCluster.start({ deferSnapshotCopies: true });
  try {
    const leader = cluster.leader()!;
    const survivor = cluster.followersOf(leader)[0]!;
    await cluster.write(leader, pairs('a', 10));
    await cluster.until(() => survivor.fsm.applied === leader.fsm.applied, 'the survivor applied a');
    const label = await cluster.settle(survivor.raft.snapshot(), 'a deferred snapshot');
    assert.equal(label.status === 'fulfilled' && label.value?.deferred, true);
    await cluster.write(leader, pairs('b', 5));
    await cluster.until(() => survivor.fsm.applied === leader.fsm.applied, 'the survivor applied b');
    const committed = survivor.fsm.digest();
    await loseAllBut(cluster, survivor);

    const result = await recover(cluster, survivor, alone(survivor));
    assert.equal(result.snapshot.deferred, undefined, 'a real copy');
    assert.ok(result.snapshot.size > 0);
    survivor.fsm = new KvFsm();
    await cluster.open(survivor);
    assert.equal(survivor.fsm.restores, 1, 'restored from the recovery snapshot');
    await cluster.until(() => survivor.raft.state() === 'leader', 'the survivor elects itself');
    assert.equal(survivor.fsm.digest(), committed);
  } finally {
    await cluster.stop();
  }
});

test('entries in the survivor’s log that never committed are committed by recovery (the danger it carries)', async () => {
  const cluster = await TestCluster.start();
  try {
    const leader = cluster.leader()!;
    await cluster.write(leader, pairs('a', 5));
    cluster.network.isolate(leader.address);
    // Appended to the isolated leader's log only: it can never commit there.
    const stranded = cluster.settle(leader.raft.apply(encoder.encode('stranded=1')), 'the stranded write');
    await cluster.until(() => leader.raft.state() !== 'leader', 'the isolated leader steps down');
    assert.equal((await stranded).status, 'rejected');
    assert.equal(leader.fsm.data.has('stranded'), false);
    await loseAllBut(cluster, leader);

    const result = await recover(cluster, leader, alone(leader));
    assert.ok(result.replayed >= 1);
    await cluster.open(leader);
    await cluster.until(() => leader.raft.state() === 'leader', 'the survivor elects itself');
    assert.equal(leader.fsm.data.get('stranded'), '1');
  } finally {
    await cluster.stop();
  }
});

test('bad configurations and nodes without state are refused, and nothing changes', async () => {
  const cluster = await TestCluster.start();
  try {
    const leader = cluster.leader()!;
    await cluster.write(leader, pairs('a', 5));
    const node = cluster.followersOf(leader)[0]!;
    await cluster.until(() => node.fsm.applied === leader.fsm.applied, 'applied a');
    await loseAllBut(cluster, node);
    const before = {
      first: node.stores.logStore.firstIndex(),
      last: node.stores.logStore.lastIndex(),
      snapshots: await node.stores.snapshotStore.list(),
      digest: node.fsm.digest(),
    };
    const voter = (id: string, address: string) => ({ id, address, suffrage: 'voter' as const });
    const bad: [Configuration, RegExp][] = [
      [{ servers: [] }, /no servers/],
      [{ servers: [{ id: node.id, address: node.address, suffrage: 'nonvoter' }] }, /no voters/],
      [{ servers: [voter(node.id, node.address), voter(node.id, 'addr-z')] }, /duplicate server id/],
      [{ servers: [voter(node.id, node.address), voter('z', node.address)] }, /duplicate server address/],
    ];
    for (const [configuration, message] of bad) {
      await assert.rejects(recover(cluster, node, configuration), (error: unknown) => {
        assert.ok(error instanceof BadConfigurationError, String(error));
        assert.match(error.message, message);
        return true;
      });
    }
    assert.deepEqual(
      {
        first: node.stores.logStore.firstIndex(),
        last: node.stores.logStore.lastIndex(),
        snapshots: await node.stores.snapshotStore.list(),
        digest: node.fsm.digest(),
      },
      before,
    );

    const empty: TestNode = { id: 'e', address: 'addr-e', fsm: new KvFsm(), stores: inmemStores(), raft: undefined!, installed: [] };
    await assert.rejects(recover(cluster, empty, alone(empty)), RecoveryRefusedError);
    assert.equal(empty.fsm.applied, 0);
  } finally {
    await cluster.stop();
  }
});

test('on LMDB log and stable stores and a file snapshot store, recovery survives closing and reopening them', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'recover-cluster-'));
  const openDiskStores = async (id: string): Promise<NodeStores> => {
    const lmdb = openLmdbRaftStores(path.join(root, id, 'raft'));
    const snapshotStore = await FileSnapshotStore.open(path.join(root, id, 'snapshots'));
    return { logStore: lmdb.logs, stableStore: lmdb.stable, snapshotStore, close: () => lmdb.close() };
  };
  // Real writes take real time while the manual clock runs on: timeouts long enough that a slow
  // fsync does not look like a dead leader.
  const cluster = await TestCluster.start({
    openStores: openDiskStores,
    timing: { heartbeatTimeoutMs: 10_000, electionTimeoutMs: 10_000, leaderLeaseTimeoutMs: 8_000 },
    maxSteps: 400_000,
  });
  try {
    const leader = cluster.leader()!;
    const survivor = cluster.followersOf(leader)[0]!;
    await cluster.write(leader, pairs('a', 20));
    await cluster.until(() => survivor.fsm.applied === leader.fsm.applied, 'the survivor applied a');
    assert.equal((await cluster.settle(survivor.raft.snapshot(), 'snapshot')).status, 'fulfilled');
    await cluster.write(leader, pairs('b', 10));
    await cluster.until(() => survivor.fsm.applied === leader.fsm.applied, 'the survivor applied b');
    const committed = survivor.fsm.digest();
    await loseAllBut(cluster, survivor);
    const lastIndex = survivor.stores.logStore.lastIndex();

    // The operator's tool opens the stores of the stopped node, recovers (with a volatile FSM:
    // snapshot plus log replay), and closes them.
    await survivor.stores.close?.();
    survivor.stores = await openDiskStores(survivor.id);
    survivor.fsm = new KvFsm();
    const result = await recover(cluster, survivor, alone(survivor));
    assert.equal(result.snapshot.index, lastIndex);
    assert.ok(result.replayed >= 10, `replayed ${result.replayed}`);
    assert.equal(survivor.fsm.digest(), committed);
    await survivor.stores.close?.();

    survivor.stores = await openDiskStores(survivor.id);
    assert.equal(survivor.stores.logStore.lastIndex(), 0, 'the log is empty on disk');
    const onDisk = (await survivor.stores.snapshotStore.list())[0]!;
    assert.equal(onDisk.id, result.snapshot.id);
    assert.deepEqual(onDisk.configuration, alone(survivor));
    // A fresh FSM: the whole state must come from the recovery snapshot on disk.
    survivor.fsm = new KvFsm();
    await startsAndGrows(cluster, survivor, committed, await openDiskStores('d'));
  } finally {
    await cluster.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
