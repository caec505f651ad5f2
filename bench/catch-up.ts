/**
 * `npm run bench:catch-up`: the issue's catch-up target, "a follower missing 200,000 compacted
 * entries of a 1,000,000-key FSM is back in sync within a time you measure and report, with
 * snapshot transfer >= 50 MB/s on loopback and the leader's write p99 during the transfer no more
 * than 2x its p99 without it".
 *
 * Three node processes on loopback TCP (support/catch-up-node), each with LMDB Raft stores, a
 * FileSnapshotStore and the LMDB key-value FSM (fsync on: the defaults) in a temp dir; n1
 * bootstraps the three voters and leads.
 *  1. Load: the leader puts --keys minus --missing keys (one 117-byte command per key) with
 *     closed-loop appliers; every node applies them.
 *  2. n3 is stopped (SIGTERM); the leader puts the --missing remaining keys; n1 and n2 snapshot,
 *     keeping --trailing-logs entries, so the entries n3 needs next are compacted away.
 *  3. Steady overwrites of random keys start on the leader (--concurrency closed-loop appliers)
 *     and run to the end: --warmup seconds, then the baseline window of --baseline-seconds.
 *  4. n3 restarts on its own dir and address while the writes go on. Measured: the transfer,
 *     from the moment n3 gets its first message (the leader's transfer began while n3 was down,
 *     and its redial waits out a backoff, reported apart) to 'snapshot-installed' on n3 (FSM
 *     restored), and within it the stream alone and the restore alone; the catch-up, from n3's
 *     restart to its applied index reaching the leader's commit index as of the restart; the
 *     leader's write latency in the transfer window.
 *  5. With n3 caught up, the same writes for another --baseline-seconds ("steady-after": all
 *     three nodes up, no transfer). The p99 target compares the transfer window with that normal
 *     state; the ratio to the follower-down baseline is printed too.
 *  6. The writes stop; once every node has applied the same index, their digests (map hash and
 *     applied index) must be equal.
 * JSON lines on stdout (support/catch-up-lines.ts); notes on stderr. Options:
 * support/catch-up-cli.ts.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RaftStats } from '../src/raft';
import { parseCatchUpBenchOptions, type CatchUpBenchOptions } from './support/catch-up-cli';
import { CatchUpCluster } from './support/catch-up-cluster';
import { catchUpLine, loadLine, windowLine } from './support/catch-up-lines';
import { phaseNotes } from './support/catch-up-notes';
import type { NodeReport, SnapshotTaken, TimeWindow } from './support/catch-up-protocol';
import { wallNow } from './support/snapshot-protocol';
import { openClusters, runBench } from './support/bench-main';

const IDS = ['n1', 'n2', 'n3'] as const;
const FOLLOWER = 'n3';
const RUNNING = IDS.filter((id) => id !== FOLLOWER);
const ASK_TIMEOUT_MS = 30_000;
/** After the follower caught up, before the steady window: its replay's tail settles. */
const STEADY_SETTLE_MS = 1000;

/** Generous: a slow disk takes a few ms per entry; a million-key snapshot or digest takes seconds. */
const loadTimeoutMs = (entries: number): number => 120_000 + 5 * entries;
const SLOW_STEP_MS = 600_000;
/** The leader learns of the install from the follower's next answer, up to a retransmit interval later. */
const SENDING_END_WAIT_MS = 5_000;
const SETTLE_POLL_MS = 50;
/** The install precedes the catch-up when there is one; its event may trail the applied index by a moment. */
const NO_INSTALL_GRACE_MS = 5_000;
/** Longer than an election takes (timeouts of 1 to 2 s), so a settled leader is not about to lose. */
const LEADER_QUIET_MS = 3_000;

const emit = (line: object): boolean => process.stdout.write(`${JSON.stringify(line)}\n`);
const note = (text: string): boolean => process.stderr.write(`# ${text}\n`);
const secondsSince = (from: number): string => `${((performance.now() - from) / 1000).toFixed(1)} s`;

async function stats(cluster: CatchUpCluster, id: string): Promise<RaftStats> {
  return (await cluster.ask(id, { type: 'stats' }, 'stats', ASK_TIMEOUT_MS)).stats;
}

/** Waits until every node in `ids` has applied the same index, at least `atLeast`; returns it. */
async function settle(cluster: CatchUpCluster, ids: readonly string[], atLeast: number): Promise<number> {
  const deadline = performance.now() + SLOW_STEP_MS;
  for (;;) {
    const applied = (await Promise.all(ids.map((id) => stats(cluster, id)))).map((s) => s.appliedIndex);
    if (applied.every((a) => a === applied[0] && a >= atLeast)) return applied[0]!;
    if (performance.now() > deadline) throw new Error(`nodes did not settle: applied ${applied.join(', ')}, want >= ${atLeast}`);
    await sleep(SETTLE_POLL_MS);
  }
}

/** The node leading among `ids` once an entry of its term has committed, polled until one does. */
async function currentLeader(cluster: CatchUpCluster, ids: readonly string[]): Promise<RaftStats> {
  const deadline = performance.now() + ASK_TIMEOUT_MS;
  for (;;) {
    const all = await Promise.all(ids.map((id) => stats(cluster, id)));
    const leader = all.find((s) => s.state === 'leader' && s.commitIndex === s.lastLogIndex);
    if (leader !== undefined) return leader;
    if (performance.now() > deadline)
      throw new Error(`no leader among ${ids.join(', ')}: ${all.map((s) => `${s.id} ${s.state}`).join(', ')}`);
    await sleep(SETTLE_POLL_MS);
  }
}

/**
 * The leader once it has kept the same term for `quietMs`. After the snapshots the log
 * compaction runs on its own and has stalled nodes long enough to cost the leader its lease, so
 * the bench waits until leadership is settled and goes on with whichever node leads: an
 * election is a finding to report (`elections`), not a reason to stop.
 */
async function settledLeader(cluster: CatchUpCluster, ids: readonly string[], quietMs: number): Promise<RaftStats> {
  let leader = await currentLeader(cluster, ids);
  let since = performance.now();
  while (performance.now() - since < quietMs) {
    await sleep(SETTLE_POLL_MS);
    const now = await currentLeader(cluster, ids);
    if (now.id !== leader.id || now.term !== leader.term) since = performance.now();
    leader = now;
  }
  return leader;
}

/** Starts the three nodes; n1 alone is bootstrapped, so n1 leads (the others cannot campaign). */
async function startCluster(cluster: CatchUpCluster): Promise<RaftStats> {
  const started = [];
  for (const id of IDS) started.push(await cluster.start(id));
  cluster.send('n1', { type: 'configure', servers: started.map((n) => ({ id: n.id, address: n.address, suffrage: 'voter' as const })) });
  return stats(cluster, (await cluster.next('leader', ASK_TIMEOUT_MS)).id);
}

/** Loads the keys, with n3 down for the last `missing`, and compacts n1's and n2's logs past n3's. */
async function loadAndCompact(cluster: CatchUpCluster, leader: string, o: CatchUpBenchOptions): Promise<SnapshotTaken> {
  const present = o.keys - o.missing;
  let at = performance.now();
  const load = { type: 'load', first: 0, count: present, concurrency: o.loadConcurrency } as const;
  const first = await cluster.ask(leader, load, 'loaded', loadTimeoutMs(present));
  emit(loadLine('load', present, o.loadConcurrency, first.result));
  const applied = await settle(cluster, IDS, first.result.commitIndex);
  note(`loaded ${present} keys in ${secondsSince(at)}; all nodes applied ${applied}`);

  const down = await stats(cluster, FOLLOWER);
  await cluster.stop(FOLLOWER);
  at = performance.now();
  const rest = await cluster.ask(leader, { ...load, first: present, count: o.missing }, 'loaded', loadTimeoutMs(o.missing));
  emit(loadLine('load-follower-down', o.missing, o.loadConcurrency, rest.result));
  note(`${FOLLOWER} stopped at log index ${down.lastLogIndex}; ${o.missing} more keys in ${secondsSince(at)}`);

  at = performance.now();
  await settle(cluster, RUNNING, rest.result.commitIndex);
  const taken = await Promise.all(RUNNING.map((id) => cluster.ask(id, { type: 'snapshot' }, 'snapshotted', SLOW_STEP_MS)));
  for (const { id, snapshot: s } of taken) {
    note(
      `${id} snapshot at ${s.index}: ${(s.size / 2 ** 20).toFixed(1)} MiB in ${s.takeMs} ms, log from ${s.firstLogIndex}; ` +
        `event loop late by up to ${s.loopDelay.maxMs} ms meanwhile (p99 ${s.loopDelay.p99Ms})`,
    );
    // Otherwise the leader could bring n3 up from its log and no snapshot would be sent.
    if (s.firstLogIndex <= down.lastLogIndex + 1)
      throw new Error(`${id}'s log starts at ${s.firstLogIndex}; ${FOLLOWER} needs ${down.lastLogIndex + 1}`);
  }
  note(`snapshots taken in ${secondsSince(at)}`);
  return taken.find((t) => t.id === leader)!.snapshot;
}

/** The leader's report once its transfer has ended (it hears of the install a little after the follower). */
async function leaderReportAfterTransfer(cluster: CatchUpCluster, leader: string): Promise<NodeReport> {
  const deadline = performance.now() + SENDING_END_WAIT_MS;
  for (;;) {
    const { report } = await cluster.ask(leader, { type: 'report' }, 'report', ASK_TIMEOUT_MS);
    if (report.sendingEndedAt !== undefined || performance.now() >= deadline) return report;
    await sleep(100);
  }
}

interface CatchUpRun {
  readonly restartAt: number;
  /** When n3 got the transfer's first message (its sink was created on the opening probe). */
  readonly transferFrom: number;
  readonly installed: { readonly index: number; readonly size: number; readonly at: number };
  readonly caughtUp: { readonly index: number; readonly at: number };
  readonly leader: NodeReport;
  readonly follower: NodeReport;
}

/** Restarts n3 while the writes go on and waits until it has caught up. */
async function restartFollower(cluster: CatchUpCluster, leader: string): Promise<CatchUpRun> {
  await cluster.ask(leader, { type: 'watch-transfer' }, 'watching', ASK_TIMEOUT_MS);
  const target = (await stats(cluster, leader)).commitIndex;
  const restartAt = wallNow();
  const { startup } = await cluster.start(FOLLOWER);
  note(
    `${FOLLOWER} restarted (listening after ${Math.round(wallNow() - restartAt)} ms) with log ${startup.firstLogIndex}..${startup.lastLogIndex}, ` +
      `applied ${startup.appliedIndex}; to catch up to the leader's commit index ${target}`,
  );
  cluster.send(FOLLOWER, { type: 'catch-up', target });
  const caughtUp = await cluster.next('caught-up', SLOW_STEP_MS, FOLLOWER);
  const installed = await cluster.next('installed', NO_INSTALL_GRACE_MS, FOLLOWER).catch(() => {
    // The leader's transport kept the AppendEntries in flight when n3 went down and delivers them
    // once it is back: up to maxInflightAppends x maxAppendEntries entries after n3's last one.
    // When those reach the compacted part, n3 catches up from the log and the snapshot is stale.
    throw new Error(
      `${FOLLOWER} caught up from the log without installing the snapshot: raise --missing (above 32768 with the default config)`,
    );
  });
  const leaderReport = await leaderReportAfterTransfer(cluster, leader);
  const { report: follower } = await cluster.ask(FOLLOWER, { type: 'report' }, 'report', ASK_TIMEOUT_MS);
  const transferFrom = follower.logged['snapshot sink created']?.first;
  if (transferFrom === undefined) throw new Error(`${FOLLOWER} never created a snapshot sink`);
  return { restartAt, transferFrom, installed, caughtUp, leader: leaderReport, follower };
}

/** The latency windows: without a transfer, during it, and its two halves (stream, restore). */
function latencyWindows(baseline: TimeWindow, run: CatchUpRun, steady: TimeWindow): TimeWindow[] {
  const streamDone = run.follower.logged['snapshot created']?.last;
  const restoreFrom = run.follower.logged['snapshot received']?.last;
  return [
    baseline,
    steady,
    { name: 'during-transfer', from: run.transferFrom, to: run.installed.at },
    ...(streamDone === undefined ? [] : [{ name: 'during-stream', from: run.transferFrom, to: streamDone }]),
    ...(restoreFrom === undefined ? [] : [{ name: 'during-restore', from: restoreFrom, to: run.installed.at }]),
  ];
}

async function main(): Promise<void> {
  const o = parseCatchUpBenchOptions(process.argv.slice(2), process.env);
  const began = performance.now();
  const profDir = o.cpuProfDir;
  const cluster = new CatchUpCluster({
    baseDir: o.dir,
    nodeArgs: [o.trailingLogs, o.chunkBytes, o.windowChunks, o.maxBytesPerSec, o.verbose ? 1 : 0].map(String),
    execArgv: (id, run) => [
      ...o.nodeArgs,
      ...(profDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', `catch-up-${id}-${run}.cpuprofile`]),
    ],
    niceness: (id) => (id === FOLLOWER ? o.followerNice : undefined),
  });
  openClusters.add(cluster);
  try {
    const first = await startCluster(cluster);
    if (first.id === FOLLOWER) throw new Error(`${FOLLOWER} leads; the bench needs it as a follower`);
    await loadAndCompact(cluster, first.id, o);
    const { id: leader, term } = await settledLeader(cluster, RUNNING, LEADER_QUIET_MS);
    if (leader !== first.id || term !== first.term)
      note(`ELECTION: ${first.id} led in term ${first.term}; ${leader} leads in term ${term} after the snapshots`);

    cluster.send(leader, { type: 'writes-start', concurrency: o.concurrency, keys: o.keys, seed: o.seed });
    await sleep(o.warmupSeconds * 1000);
    const baselineFrom = wallNow();
    await sleep(o.baselineSeconds * 1000);
    const baseline = { name: 'baseline', from: baselineFrom, to: wallNow() };
    const run = await restartFollower(cluster, leader);
    // The same writes once all three nodes run again and no transfer is under way: the cluster's
    // normal state, which is what "the p99 without the transfer" means (the first baseline ran
    // with the follower down, so the leader replicated to one peer only).
    await sleep(STEADY_SETTLE_MS);
    const steadyFrom = wallNow();
    await sleep(o.baselineSeconds * 1000);
    const steady = { name: 'steady-after', from: steadyFrom, to: wallNow() };
    const stopped = await cluster.ask(
      leader,
      { type: 'writes-stop', windows: latencyWindows(baseline, run, steady) },
      'writes-stopped',
      ASK_TIMEOUT_MS,
    );
    const { restartAt, caughtUp, installed } = run;
    note(
      phaseNotes({ follower: FOLLOWER, restartAt, installedAt: installed.at, caughtUp, leader: run.leader, followerReport: run.follower }),
    );
    if (Object.keys(stopped.errors).length > 0) note(`write errors (each retried after 1 ms): ${JSON.stringify(stopped.errors)}`);

    const index = await settle(cluster, IDS, run.caughtUp.index);
    const digests = await Promise.all(IDS.map((id) => cluster.ask(id, { type: 'digest' }, 'digest', SLOW_STEP_MS)));
    const digestEqual = digests.every((d) => d.digest.hash === digests[0]!.digest.hash && d.digest.appliedIndex === index);
    note(`digests at index ${index}: ${digests.map((d) => `${d.id} ${d.digest.hash.slice(0, 16)} (${d.digest.keys} keys)`).join(', ')}`);
    const finalTerm = (await currentLeader(cluster, IDS)).term;

    for (const w of stopped.windows) emit(windowLine(w.name, o.concurrency, w));
    const byName = new Map(stopped.windows.map((w) => [w.name, w]));
    const streamDone = run.follower.logged['snapshot created']?.last;
    const restoreFrom = run.follower.logged['snapshot received']?.last;
    const line = catchUpLine({
      keys: o.keys,
      missing: o.missing,
      snapshotBytes: run.installed.size,
      snapshotIndex: run.installed.index,
      firstMessageMs: run.transferFrom - run.restartAt,
      transferMs: run.installed.at - run.transferFrom,
      streamMs: streamDone === undefined ? undefined : streamDone - run.transferFrom,
      restoreMs: restoreFrom === undefined ? undefined : run.installed.at - restoreFrom,
      catchUpMs: run.caughtUp.at - run.restartAt,
      replayedEntries: run.caughtUp.index - run.installed.index,
      baseline: byName.get('baseline')!,
      steady: byName.get('steady-after')!,
      during: byName.get('during-transfer')!,
      leaderPeakRssMb: run.leader.rss.hwmMb ?? run.leader.rss.sampledMb,
      elections: finalTerm - first.term,
      writeErrors: Object.values(stopped.errors).reduce((a, b) => a + b, 0),
      digestEqual,
      followerNice: o.followerNice,
      targetMbPerS: o.targetMbPerS,
      targetP99Ratio: o.targetP99Ratio,
    });
    emit(line);
    if (!line.ok) process.exitCode = 1;
    if (profDir !== undefined) note(`profiles: ${join(profDir, 'catch-up-<node>-<run>.cpuprofile')} (leader ${leader})`);
    note(`wall time ${secondsSince(began)}`);
  } finally {
    await cluster.close();
    openClusters.delete(cluster);
  }
}

runBench('catch-up', main);
