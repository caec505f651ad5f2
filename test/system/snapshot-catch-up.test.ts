/**
 * System test of snapshot catch-up on real processes: three kv-node processes on loopback TCP,
 * each with the LMDB key-value FSM (test/support/lmdb-kv) and a FileSnapshotStore, trailing
 * logs 10, automatic snapshots off (only forced ones, so the run is reproducible).
 *
 *  1. Puts; every node applies them; SIGKILL a follower. The other two take thousands of puts,
 *     overwrite some of the keys the follower has and delete many others. Both take a snapshot,
 *     so the leader's log starts past the follower's next entry. The restarted follower catches
 *     up: it installs the leader's snapshot (InstallSnapshot), every node's digest (map hash
 *     and applied index) is the same and matches the model, and no deleted key came back.
 *  2. More writes; SIGTERM the follower and restart it: its FSM kept everything (its startup
 *     applied index is where it stopped), no second install, same digests.
 *  3. SIGKILL it again and remove its FSM's directory: Raft restores the FSM from the node's own
 *     stored snapshot and replays its own log after it; again no install, same digests.
 *
 * Set SYSTEM_SEED to replay the seeded choices (which follower, which keys).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { RaftStats, SnapshotMeta } from '../../src/raft';
import { KvClient } from '../support/process-cluster/kv-client';
import { ProcessCluster } from '../support/process-cluster/process-cluster';
import { NODE_FSM_DIR, type KvNodeOptions } from '../support/process-cluster/protocol';
import {
  assertReplicasMatch,
  localMismatches,
  runPool,
  seededRandom,
  shuffle,
  waitForConvergence,
} from '../support/process-cluster/workload';

const SIZE = 3;
const CONCURRENCY = 32;
const FIRST_PUTS = 600;
const SECOND_PUTS = 3_000;
/** Of the first keys, the ones deleted and the ones overwritten while the follower is down. */
const DELETES = 300;
const OVERWRITES = 100;
const TRAILING_LOGS = 10;
const CONVERGE_TIMEOUT_MS = 20_000;

/** `deferSnapshotCopies`: the running nodes' snapshots are labels, and the leader copies its FSM for the follower. */
const nodeOptions = (deferSnapshotCopies: boolean): KvNodeOptions => ({
  fsm: 'lmdb',
  snapshots: true,
  // Far beyond this test's writes: snapshots happen only when the test asks for them.
  raft: { trailingLogs: TRAILING_LOGS, snapshotThreshold: 1_000_000, snapshotIntervalMs: 600_000, deferSnapshotCopies },
});

const seed = Number(process.env['SYSTEM_SEED'] ?? Math.floor(Math.random() * 0x7fff_ffff));
const ms = (from: number): number => Math.round(performance.now() - from);

type Op = { readonly kind: 'put'; readonly key: string; readonly value: string } | { readonly kind: 'del'; readonly key: string };

/** Runs `ops` through the client with bounded concurrency and mirrors each acknowledged one into `model`. */
async function run(client: KvClient, model: Map<string, string>, ops: readonly Op[]): Promise<void> {
  await runPool(ops.length, CONCURRENCY, async (i) => {
    const op = ops[i]!;
    if (op.kind === 'put') {
      await client.put(op.key, op.value);
      model.set(op.key, op.value);
    } else {
      await client.del(op.key);
      model.delete(op.key);
    }
  });
}

function installs(cluster: ProcessCluster, id: string): number[] {
  return cluster
    .snapshotEvents(id)
    .filter((e) => e.event === 'installed')
    .map((e) => e.index);
}

for (const deferSnapshotCopies of [false, true]) {
  const mode = deferSnapshotCopies ? ' (deferred snapshots: the copy is written when the follower needs it)' : '';
  test(`a follower whose entries were compacted away catches up through InstallSnapshot${mode}`, { timeout: 60_000 }, async (t) => {
    t.diagnostic(`SYSTEM_SEED=${seed}`);
    process.stderr.write(`# snapshot-catch-up: SYSTEM_SEED=${seed}\n`);
    const random = seededRandom(seed);
    const began = performance.now();
    const cluster = await ProcessCluster.start({ size: SIZE, seed, node: nodeOptions(deferSnapshotCopies) });
    try {
      const client = new KvClient(cluster);
      const model = new Map<string, string>();
      const { follower, snapshots } = await catchUpThroughSnapshot(t, cluster, client, model, random, deferSnapshotCopies);
      await restartKeepingFsm(t, cluster, client, model, follower);
      await restartWithoutFsm(t, cluster, follower, model, snapshots);
      t.diagnostic(`client retries by error code: ${JSON.stringify(Object.fromEntries(client.retried))}`);
      t.diagnostic(`total ${ms(began)} ms`);
    } finally {
      await cluster.close();
    }
  });
}

async function catchUpThroughSnapshot(
  t: TestContext,
  cluster: ProcessCluster,
  client: KvClient,
  model: Map<string, string>,
  random: () => number,
  deferred: boolean,
): Promise<{ follower: string; snapshots: SnapshotMeta[] }> {
  let at = performance.now();
  const firstKeys = Array.from({ length: FIRST_PUTS }, (_, i) => `a${i}`);
  await run(
    client,
    model,
    firstKeys.map((key) => ({ kind: 'put', key, value: `${key}-v1` })),
  );
  // The follower must hold every first key before it stops, so a resurrection would show.
  await waitForConvergence(cluster, SIZE, CONVERGE_TIMEOUT_MS);
  const leader = await cluster.leader();
  const follower = shuffle(
    cluster.ids.filter((id) => id !== leader),
    random,
  )[0]!;
  const stopped = await cluster.stats(follower);
  await cluster.kill(follower, 'SIGKILL');
  t.diagnostic(`phase 1: ${FIRST_PUTS} puts applied everywhere in ${ms(at)} ms; killed ${follower} at log index ${stopped.lastLogIndex}`);

  const shuffled = shuffle(firstKeys, random);
  const deleted = shuffled.slice(0, DELETES);
  const overwritten = shuffled.slice(DELETES, DELETES + OVERWRITES);
  const ops = shuffle<Op>(
    [
      ...Array.from({ length: SECOND_PUTS }, (_, i): Op => ({ kind: 'put', key: `b${i}`, value: `b${i}-${seed}` })),
      ...deleted.map((key): Op => ({ kind: 'del', key })),
      ...overwritten.map((key): Op => ({ kind: 'put', key, value: `${key}-v2` })),
    ],
    random,
  );
  at = performance.now();
  await run(client, model, ops);
  t.diagnostic(`phase 2 (${follower} down): ${SECOND_PUTS} puts, ${DELETES} deletes, ${OVERWRITES} overwrites in ${ms(at)} ms`);

  // Both running nodes snapshot and compact their logs behind it.
  const running = cluster.ids.filter((id) => id !== follower);
  const snapshots = await Promise.all(running.map((id) => cluster.snapshot(id)));
  const leaderStats = await cluster.stats(leader);
  snapshots.forEach((meta, i) => {
    assert.ok(meta !== null, `${running[i]} took no snapshot`);
    assert.equal(meta.deferred === true, deferred, `${running[i]}'s snapshot ${deferred ? 'is' : 'is not'} a label only`);
    assert.ok(meta.index > stopped.lastLogIndex + SECOND_PUTS, `${running[i]}'s snapshot at ${meta.index} misses the second phase`);
  });
  // The log keeps only TrailingLogs entries behind its end, and the entry the follower needs next is gone.
  assert.equal(
    leaderStats.firstLogIndex,
    leaderStats.lastLogIndex - TRAILING_LOGS + 1,
    `leader log ${leaderStats.firstLogIndex}..${leaderStats.lastLogIndex}`,
  );
  assert.ok(
    leaderStats.firstLogIndex > stopped.lastLogIndex + 1,
    `leader's log starts at ${leaderStats.firstLogIndex}; the follower needs ${stopped.lastLogIndex + 1}`,
  );

  at = performance.now();
  await cluster.restart(follower);
  assert.equal(cluster.startupStats(follower)?.lastLogIndex, stopped.lastLogIndex, 'the follower restarted with the log it had');
  const index = await waitForConvergence(cluster, SIZE, CONVERGE_TIMEOUT_MS);
  const installed = installs(cluster, follower);
  t.diagnostic(`${follower} restarted and caught up to ${index} in ${ms(at)} ms; installed snapshots at ${installed.join(', ')}`);
  assert.ok(installed.length >= 1, `${follower} installed no snapshot`);
  const sent = snapshots.map((m) => m!.index);
  assert.ok(
    installed.every((i) => sent.includes(i)),
    `installed ${installed.join(', ')}; the running nodes had snapshots at ${sent.join(', ')}`,
  );
  assert.ok((await cluster.stats(follower)).snapshotIndex >= installed.at(-1)!);

  const digest = await assertReplicasMatch(cluster, index, model);
  t.diagnostic(`digests equal at index ${index}: ${digest.hash.slice(0, 16)} (${digest.keys} keys)`);
  const expected = new Map<string, string | null>([
    ...deleted.map((k): [string, null] => [k, null]),
    ...overwritten.map((k): [string, string] => [k, `${k}-v2`]),
  ]);
  assert.deepEqual(await localMismatches(cluster, follower, expected), [], `deleted or overwritten keys wrong on ${follower}`);
  return { follower, snapshots: snapshots.map((m) => m!) };
}

/** SIGTERM and restart: the LMDB FSM resumes where it stopped, without replay or another install. */
async function restartKeepingFsm(
  t: TestContext,
  cluster: ProcessCluster,
  client: KvClient,
  model: Map<string, string>,
  follower: string,
): Promise<void> {
  // Entries after the installed snapshot, so the follower's own log has something to offer later.
  const keys = shuffle([...model.keys()], seededRandom(seed ^ 0x2)).slice(0, 50);
  await run(client, model, [
    ...Array.from({ length: 200 }, (_, i): Op => ({ kind: 'put', key: `c${i}`, value: `c${i}-${seed}` })),
    ...keys.map((key): Op => ({ kind: 'del', key })),
  ]);
  const before = await waitForConvergence(cluster, SIZE, CONVERGE_TIMEOUT_MS);
  const at = performance.now();
  assert.deepEqual(await cluster.kill(follower, 'SIGTERM'), { code: 0, signal: null });
  await cluster.restart(follower);
  const startup = cluster.startupStats(follower);
  assert.equal(startup?.appliedIndex, before, 'the FSM kept its state and applied index across the restart');
  const index = await waitForConvergence(cluster, SIZE, CONVERGE_TIMEOUT_MS);
  assert.deepEqual(installs(cluster, follower), [], 'a second install was not needed');
  const digest = await assertReplicasMatch(cluster, index, model);
  t.diagnostic(
    `phase 3: ${follower} restarted (SIGTERM) with applied index ${startup?.appliedIndex}; digests equal at ${index} in ${ms(at)} ms (${digest.keys} keys)`,
  );
}

/** SIGKILL and lose the FSM: Raft rebuilds it from the node's own snapshot and log. */
async function restartWithoutFsm(
  t: TestContext,
  cluster: ProcessCluster,
  follower: string,
  model: Map<string, string>,
  sent: readonly SnapshotMeta[],
): Promise<void> {
  const at = performance.now();
  const own: RaftStats = await cluster.stats(follower);
  await cluster.kill(follower, 'SIGKILL');
  rmSync(join(cluster.dataDir(follower), NODE_FSM_DIR), { recursive: true, force: true });
  await cluster.restart(follower);
  const startup = cluster.startupStats(follower);
  // Started from the snapshot it installed earlier (one of those the others took).
  assert.equal(startup?.snapshotIndex, own.snapshotIndex);
  assert.ok(sent.some((m) => m.index === own.snapshotIndex));
  assert.equal(startup?.appliedIndex, own.snapshotIndex, 'the FSM was restored from the local snapshot');
  const index = await waitForConvergence(cluster, SIZE, CONVERGE_TIMEOUT_MS);
  assert.deepEqual(installs(cluster, follower), [], 'no install: its own snapshot and log were enough');
  const digest = await assertReplicasMatch(cluster, index, model);
  t.diagnostic(
    `phase 4: ${follower} restarted without its FSM, restored snapshot ${own.snapshotIndex}, replayed to ${index} in ${ms(at)} ms (${digest.keys} keys)`,
  );
}
