/**
 * System test on real processes: three kv-node processes (LMDB with fsync, TCP on loopback).
 *
 *  1. 2,000 puts through the leader; SIGKILL a follower; 1,500 more puts and 500 deletes of
 *     the first keys; restart the follower (same dir and port). Once every node has applied the
 *     leader's commit index, all digests are equal and match the model, and the restarted node's
 *     own FSM (a stale local read) has none of the deleted keys.
 *  2. SIGKILL the leader under write load, tracking every acknowledged write; a new leader takes
 *     over; restart the old leader. Every acknowledged write is on every node, digests are equal.
 *
 * Timings (failover: from the kill to the first successful write) are printed as diagnostics.
 * Set SYSTEM_SEED to replay the seeded choices (which follower, which keys, when to kill).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { KvClient } from '../support/process-cluster/kv-client';
import { ProcessCluster } from '../support/process-cluster/process-cluster';
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
const FIRST_WRITES = 2_000;
const SECOND_PUTS = 1_500;
const DELETES = 500;
/** Leader-kill phase: acknowledged writes after the new leader's first one, before stopping. */
const WRITES_AFTER_FAILOVER = 500;
const CONVERGE_TIMEOUT_MS = 20_000;

const seed = Number(process.env['SYSTEM_SEED'] ?? Math.floor(Math.random() * 0x7fff_ffff));

/** What a restarted node found on disk, for the diagnostics. */
function restored(cluster: ProcessCluster, id: string): string {
  const s = cluster.startupStats(id);
  return s === undefined ? 'nothing reported' : `restored term ${s.term}, log up to ${s.lastLogIndex} (term ${s.lastLogTerm})`;
}

const ms = (from: number, to: number = performance.now()): number => Math.round(to - from);

test('kill and restart nodes of a 3-process cluster: no acknowledged write is lost', { timeout: 90_000 }, async (t) => {
  t.diagnostic(`SYSTEM_SEED=${seed}`);
  process.stderr.write(`# kill-restart: SYSTEM_SEED=${seed}\n`);
  const random = seededRandom(seed);
  const began = performance.now();
  const cluster = await ProcessCluster.start({ size: SIZE, seed });
  try {
    t.diagnostic(`cluster up in ${ms(began)} ms (${cluster.describeNodes()})`);
    const client = new KvClient(cluster);
    const model = new Map<string, string>();

    await followerKillAndRestart(t, cluster, client, model, random);
    await leaderKillUnderLoad(t, cluster, client, model, random);

    // A few linearizable reads through the leader agree with the model too.
    for (const key of shuffle([...model.keys()], random).slice(0, 20)) {
      assert.equal((await client.get(key)).value, model.get(key), `linearizable get ${key}`);
    }
    t.diagnostic(`client retries by error code: ${JSON.stringify(Object.fromEntries(client.retried))}`);
    t.diagnostic(`total ${ms(began)} ms`);
  } finally {
    await cluster.close();
  }
});

async function followerKillAndRestart(
  t: TestContext,
  cluster: ProcessCluster,
  client: KvClient,
  model: Map<string, string>,
  random: () => number,
): Promise<void> {
  let at = performance.now();
  await runPool(FIRST_WRITES, CONCURRENCY, async (i) => {
    await client.put(`a${i}`, `a${i}-${seed}`);
    model.set(`a${i}`, `a${i}-${seed}`);
  });
  t.diagnostic(`phase 1: ${FIRST_WRITES} puts in ${ms(at)} ms`);

  const leader = await cluster.leader();
  const follower = shuffle(
    cluster.ids.filter((id) => id !== leader),
    random,
  )[0]!;
  const killed = await cluster.kill(follower, 'SIGKILL');
  assert.equal(killed.signal, 'SIGKILL');

  // 1,500 new keys and 500 deletes of first-phase keys, interleaved.
  const deleted = shuffle([...model.keys()], random).slice(0, DELETES);
  const ops = shuffle(
    [
      ...Array.from({ length: SECOND_PUTS }, (_, i) => ({ kind: 'put' as const, key: `b${i}` })),
      ...deleted.map((key) => ({ kind: 'del' as const, key })),
    ],
    random,
  );
  at = performance.now();
  await runPool(ops.length, CONCURRENCY, async (i) => {
    const op = ops[i]!;
    if (op.kind === 'put') {
      await client.put(op.key, `${op.key}-${seed}`);
      model.set(op.key, `${op.key}-${seed}`);
    } else {
      await client.del(op.key);
      model.delete(op.key);
    }
  });
  t.diagnostic(`phase 2 (${follower} down, leader ${leader}): ${SECOND_PUTS} puts + ${DELETES} deletes in ${ms(at)} ms`);

  at = performance.now();
  await cluster.restart(follower);
  const index = await waitForConvergence(cluster, SIZE, CONVERGE_TIMEOUT_MS);
  t.diagnostic(`follower ${follower} restarted (${restored(cluster, follower)}) and caught up to index ${index} in ${ms(at)} ms`);

  const digest = await assertReplicasMatch(cluster, index, model);
  t.diagnostic(`digests equal at index ${index}: ${digest.hash.slice(0, 16)} (${digest.keys} keys)`);
  const stale = await localMismatches(cluster, follower, new Map(deleted.map((k) => [k, null])));
  assert.deepEqual(stale, [], `deleted keys still present on the restarted ${follower}`);
}

async function leaderKillUnderLoad(
  t: TestContext,
  cluster: ProcessCluster,
  client: KvClient,
  model: Map<string, string>,
  random: () => number,
): Promise<void> {
  const oldLeader = await cluster.leader();
  const killAfter = 200 + Math.floor(random() * 400);
  const acked = new Map<string, string>();
  let killedAt: number | undefined = undefined; // set at the kill; the workers read it
  let firstWriteAfterKill: number | undefined;
  let acksAfterFailover = 0;
  let issued = 0;
  let stop = false;
  let reachedKillPoint!: () => void;
  const killPoint = new Promise<void>((resolve) => (reachedKillPoint = resolve));

  // Each worker writes fresh keys one after another, retrying each until it is acknowledged.
  const worker = async (): Promise<void> => {
    while (!stop) {
      const i = issued++;
      const key = `c${i}`;
      const value = `c${i}-${seed}`;
      const ack = await client.put(key, value);
      acked.set(key, value);
      if (acked.size >= killAfter) reachedKillPoint();
      if (killedAt !== undefined && ack.node !== oldLeader) {
        firstWriteAfterKill ??= ack.at;
        if (++acksAfterFailover >= WRITES_AFTER_FAILOVER) stop = true;
      }
    }
  };
  const load = Promise.all(Array.from({ length: CONCURRENCY }, worker));
  // If the load fails before the kill point, fail now rather than wait for it.
  await Promise.race([killPoint, load]);

  killedAt = performance.now();
  await cluster.kill(oldLeader, 'SIGKILL');
  const newLeader = await cluster.leader();
  const electedAfter = ms(killedAt);
  await load;
  assert.notEqual(newLeader, oldLeader);
  assert.ok(firstWriteAfterKill !== undefined, 'no write succeeded after the leader was killed');
  t.diagnostic(
    `phase 3: killed leader ${oldLeader} after ${killAfter} acks; ${newLeader} announced after ${electedAfter} ms; ` +
      `failover (kill to first successful write) ${ms(killedAt, firstWriteAfterKill)} ms; ${acked.size} writes acknowledged`,
  );

  let at = performance.now();
  await cluster.restart(oldLeader);
  const index = await waitForConvergence(cluster, SIZE, CONVERGE_TIMEOUT_MS);
  t.diagnostic(`old leader ${oldLeader} restarted (${restored(cluster, oldLeader)}) and caught up to index ${index} in ${ms(at)} ms`);

  // Workers retried every write until acknowledged, so the model is exact.
  for (const [k, v] of acked) model.set(k, v);
  const digest = await assertReplicasMatch(cluster, index, model);
  t.diagnostic(`digests equal at index ${index}: ${digest.hash.slice(0, 16)} (${digest.keys} keys)`);
  at = performance.now();
  for (const id of cluster.ids) {
    const missing = await localMismatches(cluster, id, acked);
    assert.deepEqual(missing, [], `acknowledged writes missing or wrong on ${id}`);
  }
  t.diagnostic(`every acknowledged write checked on every node by local reads in ${ms(at)} ms`);
}
