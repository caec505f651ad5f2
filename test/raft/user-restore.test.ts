/**
 * Raft.restore (hashicorp's user restore) on a three-node cluster in one process (manual clock,
 * in-memory stores): the leader replaces the replicated state with a backup's bytes, and every
 * follower, up to date, partitioned or behind deferred snapshots, installs it; entries after it
 * build on it. Refusals (not leader, one at a time, shutdown, bad bytes) change nothing, and a
 * restore that loses leadership before it took effect leaves no trace.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LeadershipTransferError,
  NotLeaderError,
  RestoreFailedError,
  RestoreInProgressError,
  ShutdownError,
  type SnapshotMeta,
} from '../../src/raft/index';
import { InmemLogStore, InmemSnapshotStore, InmemStableStore } from '../../src/raft/inmem/index';
import { KvFsm, TestCluster, pairs, readSnapshot, streamOf, type TestNode } from './recovery-harness';

const encoder = new TextEncoder();

interface Backup {
  readonly meta: SnapshotMeta;
  readonly chunks: Uint8Array[];
  /** The state the backup holds (KvFsm.digest()). */
  readonly digest: string;
}

/** Writes `a0..a9` and saves a backup of the leader's state, as an operator would (snapshot, then its bytes). */
async function takeBackup(cluster: TestCluster, leader: TestNode): Promise<Backup> {
  await cluster.write(leader, pairs('a', 10));
  const taken = await cluster.settle(leader.raft.snapshot(), 'the backup snapshot');
  assert.equal(taken.status, 'fulfilled');
  const meta = (taken as PromiseFulfilledResult<SnapshotMeta | undefined>).value!;
  return { meta, chunks: await readSnapshot(leader.stores.snapshotStore, meta.id), digest: leader.fsm.digest() };
}

function infoOf(backup: Backup): { index: number; size: number; crc32: number } {
  return { index: backup.meta.index, size: backup.meta.size, crc32: backup.meta.crc32 };
}

/** A source that yields its first chunk, then waits for release() before the rest (a slow upload). */
function gatedSource(chunks: readonly Uint8Array[]): { source: AsyncGenerator<Uint8Array>; started: () => boolean; release: () => void } {
  let started = false;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  async function* source(): AsyncGenerator<Uint8Array> {
    started = true;
    yield chunks[0]!;
    await gate;
    yield* chunks.slice(1);
  }
  return { source: source(), started: () => started, release };
}

async function expectedDigest(backup: Backup, writes: readonly (readonly [string, string])[]): Promise<string> {
  const fsm = new KvFsm();
  await fsm.restore(streamOf(backup.chunks));
  for (const [k, v] of writes) fsm.data.set(k, v);
  return fsm.digest();
}

function rejectsWith(result: PromiseSettledResult<unknown>, check: (error: unknown) => boolean, what: string): void {
  assert.equal(result.status, 'rejected', `${what}: expected a rejection`);
  assert.ok(check((result as PromiseRejectedResult).reason), `${what}: ${String((result as PromiseRejectedResult).reason)}`);
}

const notApplied =
  (message: RegExp) =>
  (error: unknown): boolean =>
    error instanceof RestoreFailedError && error.outcome === 'not-applied' && message.test(error.message);

test('restore replaces the state on every replica, a partitioned follower included; later writes build on it', async () => {
  const cluster = await TestCluster.start();
  try {
    const leader = cluster.leader()!;
    const [upToDate, partitioned] = cluster.followersOf(leader) as [TestNode, TestNode];
    const backup = await takeBackup(cluster, leader);
    await cluster.write(leader, pairs('b', 10));
    await cluster.until(() => cluster.nodes.every((n) => n.fsm.applied === leader.fsm.applied), 'everyone applied b');
    cluster.network.isolate(partitioned.address);
    await cluster.write(leader, pairs('c', 5));
    const lastBefore = leader.raft.stats().lastLogIndex;
    const announced: { index: number; term: number }[] = [];
    const off = leader.raft.on('user-restored', (e) => announced.push(e));

    const outcome = await cluster.settle(leader.raft.restore(infoOf(backup), streamOf(backup.chunks)), 'restore');
    off();
    assert.equal(outcome.status, 'fulfilled', outcome.status === 'rejected' ? String(outcome.reason) : '');
    const restored = (outcome as PromiseFulfilledResult<SnapshotMeta>).value;
    assert.ok(restored.index > lastBefore, `restore index ${restored.index} past the log (${lastBefore})`);
    assert.equal(restored.deferred, undefined);
    assert.equal(restored.size, backup.meta.size);
    assert.equal(leader.fsm.digest(), backup.digest, 'the leader holds the backup');
    assert.equal(leader.fsm.applied, leader.raft.stats().appliedIndex, 'the FSM took the restore index');
    assert.deepEqual(announced, [{ index: restored.index, term: restored.term }], "the leader's application is told once");
    // It resolved once an entry after it committed: the up-to-date follower installed it.
    assert.deepEqual(upToDate.installed, [restored.index], 'an up-to-date follower installs it too');
    await cluster.until(() => upToDate.fsm.applied > restored.index, 'the up-to-date follower applies past it');
    assert.equal(upToDate.fsm.digest(), backup.digest);
    assert.equal(leader.raft.stats().firstLogIndex, restored.index + 1, 'the log before it is gone');
    assert.notEqual(partitioned.fsm.digest(), backup.digest, 'the partitioned follower has not heard of it yet');

    cluster.network.heal();
    await cluster.until(() => partitioned.fsm.applied > restored.index, 'the partitioned follower catches up');
    assert.ok(partitioned.installed.includes(restored.index), 'through InstallSnapshot');
    assert.equal(partitioned.fsm.digest(), backup.digest);

    const later = pairs('d', 5);
    const now = cluster.leader()!;
    await cluster.write(now, later);
    const expected = await expectedDigest(backup, later);
    await cluster.until(() => cluster.nodes.every((n) => n.fsm.applied === now.fsm.applied), 'everyone applied d');
    for (const n of cluster.nodes) assert.equal(n.fsm.digest(), expected, `${n.id} holds the backup plus the later writes`);
  } finally {
    await cluster.stop();
  }
});

test('a follower refuses to restore (NotLeaderError) and changes nothing', async () => {
  const cluster = await TestCluster.start();
  try {
    const leader = cluster.leader()!;
    const backup = await takeBackup(cluster, leader);
    const follower = cluster.followersOf(leader)[0]!;
    await cluster.until(() => follower.fsm.applied === leader.fsm.applied, 'the follower applied a');
    const before = { digest: follower.fsm.digest(), snapshots: await follower.stores.snapshotStore.list() };
    await assert.rejects(follower.raft.restore(infoOf(backup), streamOf(backup.chunks)), NotLeaderError);
    assert.equal(follower.fsm.digest(), before.digest);
    assert.deepEqual(await follower.stores.snapshotStore.list(), before.snapshots);
  } finally {
    await cluster.stop();
  }
});

test('one restore at a time; proposals, membership changes and transfers wait until it is installed', async () => {
  const cluster = await TestCluster.start();
  try {
    const leader = cluster.leader()!;
    const backup = await takeBackup(cluster, leader);
    await cluster.write(leader, pairs('b', 3));
    const slow = gatedSource(backup.chunks);
    const first = leader.raft.restore(infoOf(backup), slow.source);
    await cluster.until(slow.started, 'the first restore is copying');

    await assert.rejects(leader.raft.restore(infoOf(backup), streamOf(backup.chunks)), RestoreInProgressError);
    await assert.rejects(leader.raft.apply(encoder.encode('x=1')), RestoreInProgressError);
    await assert.rejects(leader.raft.barrier(), RestoreInProgressError);
    await assert.rejects(leader.raft.addVoter('d', 'addr-d'), RestoreInProgressError);
    await assert.rejects(leader.raft.transferLeadership(), RestoreInProgressError);

    slow.release();
    const outcome = await cluster.settle(first, 'the first restore');
    assert.equal(outcome.status, 'fulfilled', outcome.status === 'rejected' ? String(outcome.reason) : '');
    await cluster.write(leader, [['x', '2']]);
    assert.equal(leader.fsm.digest(), await expectedDigest(backup, [['x', '2']]));
  } finally {
    await cluster.stop();
  }
});

test('entries proposed just before a restore are applied before it (and then replaced)', async () => {
  const cluster = await TestCluster.start();
  try {
    const leader = cluster.leader()!;
    const backup = await takeBackup(cluster, leader);
    const late = leader.raft.apply(encoder.encode('late=1'));
    const restoring = leader.raft.restore(infoOf(backup), streamOf(backup.chunks));
    const [lateOutcome, restoreOutcome] = await Promise.all([cluster.settle(late, 'the late write'), cluster.settle(restoring, 'restore')]);
    assert.equal(lateOutcome.status, 'fulfilled', lateOutcome.status === 'rejected' ? String(lateOutcome.reason) : '');
    assert.equal(restoreOutcome.status, 'fulfilled', restoreOutcome.status === 'rejected' ? String(restoreOutcome.reason) : '');
    assert.equal(leader.fsm.digest(), backup.digest);
  } finally {
    await cluster.stop();
  }
});

test('bytes that do not match the given size or CRC-32 change nothing', async () => {
  const cluster = await TestCluster.start();
  try {
    const leader = cluster.leader()!;
    const backup = await takeBackup(cluster, leader);
    await cluster.write(leader, pairs('b', 3));
    const before = { digest: leader.fsm.digest(), snapshots: (await leader.stores.snapshotStore.list()).map((m) => m.id) };

    const longer = await cluster.settle(
      leader.raft.restore({ ...infoOf(backup), size: backup.meta.size + 1 }, streamOf(backup.chunks)),
      'size',
    );
    rejectsWith(longer, notApplied(/long/), 'size mismatch');
    const damaged = await cluster.settle(
      leader.raft.restore({ ...infoOf(backup), crc32: (backup.meta.crc32 ^ 1) >>> 0 }, streamOf(backup.chunks)),
      'crc',
    );
    rejectsWith(damaged, notApplied(/CRC-32/), 'CRC-32 mismatch');
    await assert.rejects(leader.raft.restore({ index: -1 }, streamOf(backup.chunks)), notApplied(/index/));

    assert.equal(leader.fsm.digest(), before.digest);
    assert.deepEqual(
      (await leader.stores.snapshotStore.list()).map((m) => m.id),
      before.snapshots,
      'no snapshot left behind',
    );
    await cluster.write(leader, [['y', '1']]);
  } finally {
    await cluster.stop();
  }
});

test('the restore index is past the bytes’ own index when that is past the log', async () => {
  const cluster = await TestCluster.start();
  try {
    const leader = cluster.leader()!;
    const backup = await takeBackup(cluster, leader);
    const far = leader.raft.stats().lastLogIndex + 1000;
    const outcome = await cluster.settle(leader.raft.restore({ index: far }, streamOf(backup.chunks)), 'restore');
    assert.equal(outcome.status, 'fulfilled', outcome.status === 'rejected' ? String(outcome.reason) : '');
    assert.equal((outcome as PromiseFulfilledResult<SnapshotMeta>).value.index, far + 1);
    await cluster.write(leader, [['z', '1']]);
    await cluster.until(() => cluster.nodes.every((n) => n.fsm.applied === leader.fsm.applied), 'everyone applied z');
    for (const n of cluster.nodes) assert.equal(n.fsm.digest(), await expectedDigest(backup, [['z', '1']]));
  } finally {
    await cluster.stop();
  }
});

test('a restore interrupted by shutdown changes nothing; one asked of a stopped node is refused', async () => {
  const cluster = await TestCluster.start();
  try {
    const leader = cluster.leader()!;
    const backup = await takeBackup(cluster, leader);
    await cluster.write(leader, pairs('b', 3));
    const before = { digest: leader.fsm.digest(), snapshots: (await leader.stores.snapshotStore.list()).map((m) => m.id) };
    const slow = gatedSource(backup.chunks);
    const restoring = leader.raft.restore(infoOf(backup), slow.source);
    await cluster.until(slow.started, 'the restore is copying');
    const stopped = leader.raft.shutdown();
    slow.release();
    rejectsWith(await cluster.settle(restoring, 'restore'), notApplied(/shutting down/), 'interrupted restore');
    await stopped;
    await assert.rejects(leader.raft.restore(infoOf(backup), streamOf(backup.chunks)), ShutdownError);
    assert.equal(leader.fsm.digest(), before.digest);
    assert.deepEqual(
      (await leader.stores.snapshotStore.list()).map((m) => m.id),
      before.snapshots,
      'no snapshot left behind',
    );

    // It restarts with its old state and follows the new leader.
    await cluster.open(leader);
    await cluster.until(() => cluster.leader() !== undefined && cluster.leader() !== leader, 'another leader');
    const now = cluster.leader()!;
    await cluster.write(now, [['after', '1']]);
    await cluster.until(() => leader.fsm.applied === now.fsm.applied, 'the restarted node caught up');
    assert.equal(leader.fsm.digest(), now.fsm.digest());
    assert.notEqual(leader.fsm.digest(), await expectedDigest(backup, [['after', '1']]));
  } finally {
    await cluster.stop();
  }
});

test('leadership lost while copying: nothing changes and nothing is stored', async () => {
  const cluster = await TestCluster.start();
  try {
    const leader = cluster.leader()!;
    const backup = await takeBackup(cluster, leader);
    const before = { digest: leader.fsm.digest(), snapshots: (await leader.stores.snapshotStore.list()).map((m) => m.id) };
    const slow = gatedSource(backup.chunks);
    const restoring = leader.raft.restore(infoOf(backup), slow.source);
    await cluster.until(slow.started, 'the restore is copying');
    cluster.network.isolate(leader.address);
    await cluster.until(() => leader.raft.state() !== 'leader', 'the isolated leader steps down');
    slow.release();
    rejectsWith(await cluster.settle(restoring, 'restore'), notApplied(/leadership lost/), 'restore after leadership lost');
    assert.equal(leader.fsm.digest(), before.digest);
    assert.deepEqual(
      (await leader.stores.snapshotStore.list()).map((m) => m.id),
      before.snapshots,
    );
  } finally {
    await cluster.stop();
  }
});

test('leadership lost while the restore snapshot is made durable: it is removed again', async () => {
  // Snapshot closes take 200 ms of simulated fsync: long enough for an isolated leader to step down.
  const cluster = await TestCluster.start({
    openStores: (_id, clock) => ({
      logStore: new InmemLogStore(),
      stableStore: new InmemStableStore(),
      snapshotStore: new InmemSnapshotStore({ clock, fsyncDelayMs: () => 200 }),
    }),
  });
  try {
    const leader = cluster.leader()!;
    const backup = await takeBackup(cluster, leader);
    const store = leader.stores.snapshotStore as InmemSnapshotStore;
    const before = { digest: leader.fsm.digest(), snapshots: (await store.list()).map((m) => m.id), removed: store.stats.removed };
    const restoring = leader.raft.restore(infoOf(backup), streamOf(backup.chunks));
    await cluster.until(() => store.stats.pendingCloses === 1, 'the restore snapshot is closing');
    cluster.network.isolate(leader.address);
    rejectsWith(await cluster.settle(restoring, 'restore'), notApplied(/leadership lost/), 'restore after leadership lost');
    await cluster.until(() => store.stats.pendingCloses === 0, 'the removal is durable');
    assert.equal(leader.fsm.digest(), before.digest);
    assert.equal(store.stats.completed, before.snapshots.length + 1, 'the restore snapshot was made durable first');
    assert.equal(store.stats.removed, before.removed + 1, 'and then removed');
    assert.deepEqual(
      (await store.list()).map((m) => m.id),
      before.snapshots,
    );
  } finally {
    await cluster.stop();
  }
});

test('with deferred snapshots the restore snapshot is a real copy; followers install it and restarts keep it', async () => {
  const cluster = await TestCluster.start({ deferSnapshotCopies: true });
  try {
    const leader = cluster.leader()!;
    await cluster.write(leader, pairs('a', 10));
    // A backup tool's copy of the state (deferred snapshots hold no bytes to read back).
    const bytes = KvFsm.encode(leader.fsm.data, leader.fsm.applied);
    const backup: Backup = { meta: { index: leader.fsm.applied } as SnapshotMeta, chunks: [bytes], digest: leader.fsm.digest() };
    await cluster.write(leader, pairs('b', 10));
    await cluster.until(() => cluster.nodes.every((n) => n.fsm.applied === leader.fsm.applied), 'everyone applied b');
    for (const n of cluster.nodes) assert.equal((await n.raft.snapshot())?.deferred, true, `${n.id} keeps labels only`);

    const outcome = await cluster.settle(leader.raft.restore({ index: backup.meta.index }, streamOf(backup.chunks)), 'restore');
    assert.equal(outcome.status, 'fulfilled', outcome.status === 'rejected' ? String(outcome.reason) : '');
    const restored = (outcome as PromiseFulfilledResult<SnapshotMeta>).value;
    const stored = (await leader.stores.snapshotStore.list())[0]!;
    assert.equal(stored.id, restored.id, 'the newest snapshot');
    assert.equal(stored.deferred, undefined, 'with its bytes');
    assert.equal(stored.size, bytes.byteLength);
    await cluster.until(() => cluster.nodes.every((n) => n.fsm.applied > restored.index), 'everyone past the restore');
    for (const n of cluster.followersOf(leader)) assert.deepEqual(n.installed, [restored.index], `${n.id} installed it`);
    for (const n of cluster.nodes) assert.equal(n.fsm.digest(), backup.digest);

    for (const n of cluster.nodes) {
      await n.raft.shutdown();
      await cluster.open(n);
    }
    await cluster.until(() => cluster.leader() !== undefined, 'a leader after the restarts');
    const now = cluster.leader()!;
    await cluster.write(now, [['c', '1']]);
    await cluster.until(() => cluster.nodes.every((n) => n.fsm.applied === now.fsm.applied), 'everyone applied c');
    for (const n of cluster.nodes) assert.equal(n.fsm.digest(), await expectedDigest(backup, [['c', '1']]));
  } finally {
    await cluster.stop();
  }
});

test('a leader that is handing over leadership refuses to restore', async () => {
  const cluster = await TestCluster.start();
  try {
    const leader = cluster.leader()!;
    const backup = await takeBackup(cluster, leader);
    const transfer = leader.raft.transferLeadership();
    await assert.rejects(leader.raft.restore(infoOf(backup), streamOf(backup.chunks)), LeadershipTransferError);
    await cluster.settle(transfer, 'the transfer');
  } finally {
    await cluster.stop();
  }
});
