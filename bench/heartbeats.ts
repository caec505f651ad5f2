/**
 * `npm run bench:heartbeats`: what DataServer heartbeats cost the leader. Three MetaServer
 * processes; a simulator process runs N DataServers (default 1,000) heartbeating every 5 s with
 * full block reports of B blocks each (default 10,000; each waits for its last answer before the
 * next, like a real DataServer), blocks the leader really placed on them
 * (files allocated and finalized first, so every report matches the block map). Then, per round,
 * closed-loop CreateNode at concurrency C (default 64) with heartbeats paused, and again with
 * heartbeats on, measuring the leader's CPU share and the heartbeat latency during the second.
 *
 * Lines (JSON): CreateNode without and with heartbeats (each with the leader's CPU share), Heartbeat
 * latency with the leader's CPU share over one interval of heartbeats alone, and the p99 ratio, per
 * round; then the ratio of the pooled distributions (every round's "off" samples against every
 * round's "on" samples, taken alternately), which one noisy 10 s window does not decide.
 * Options: --dataservers 1000 --blocks 10000 --interval-ms 5000 --seconds 10 --concurrency 64
 * --rounds 2 --dir PATH (the pause stays under the 15 s after which a silent server turns stale),
 * --simulator-nice N: run the simulator at that nice value. Its 1,000 DataServers share this
 * machine's cores with the MetaServers, where real ones run elsewhere; the "on" line reports the
 * simulator's CPU share so the two costs can be told apart.
 */
import { setPriority } from 'node:os';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MetaClient } from '../test/support/meta-cluster/meta-client';
import { openClusters, runBench } from './support/bench-main';
import { positiveInteger } from './support/meta-cli';
import { runMetaLoop, type LoopResult } from './support/meta-closed-loop';
import { LatencyRecorder } from './support/latency';
import { MetaProcessCluster } from './support/meta-process-cluster';

const emit = (line: object): boolean => process.stdout.write(`${JSON.stringify(line)}\n`);
const note = (text: string): boolean => process.stderr.write(`# ${text}\n`);
const round2 = (v: number): number => Math.round(v * 100) / 100;

/** CPU seconds (user + system) a process has used, from /proc/PID/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based), in clock ticks (100/s).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface SimMessage {
  readonly type: string;
  readonly phase?: string;
  readonly detail?: object;
  readonly p50_ms?: number;
  readonly p99_ms?: number;
  readonly count?: number;
  readonly errors?: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataservers: { type: 'string' },
      blocks: { type: 'string' },
      'interval-ms': { type: 'string' },
      seconds: { type: 'string' },
      concurrency: { type: 'string' },
      rounds: { type: 'string' },
      dir: { type: 'string' },
      'simulator-nice': { type: 'string' },
    },
  });
  const dataservers = positiveInteger('dataservers', values.dataservers ?? '1000');
  const blocks = positiveInteger('blocks', values.blocks ?? '10000');
  const intervalMs = positiveInteger('interval-ms', values['interval-ms'] ?? '5000');
  const seconds = positiveInteger('seconds', values.seconds ?? '10');
  const concurrency = positiveInteger('concurrency', values.concurrency ?? '64');
  const rounds = positiveInteger('rounds', values.rounds ?? '2');

  const cluster = await MetaProcessCluster.start({ size: 3, baseDir: values.dir, verbose: false }, (c) => openClusters.add(c));
  const sim = fork(join(__dirname, 'support/heartbeat-simulator.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const simulatorNice = values['simulator-nice'] === undefined ? undefined : Number(values['simulator-nice']);
  if (simulatorNice !== undefined) {
    if (!Number.isInteger(simulatorNice) || simulatorNice < -20 || simulatorNice > 19) throw new Error(`--simulator-nice: need an integer in -20..19`);
    setPriority(sim.pid!, simulatorNice);
  }
  openClusters.add({ close: () => Promise.resolve(void sim.kill('SIGKILL')) });
  const inbox: SimMessage[] = [];
  let wake: (() => void) | undefined;
  sim.on('message', (m: SimMessage) => {
    inbox.push(m);
    wake?.();
  });
  sim.on('exit', (code) => {
    if (code !== 0 && code !== null) throw new Error(`simulator exited with ${code}`);
  });
  const next = async (type: string): Promise<SimMessage> => {
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return inbox.splice(i, 1)[0]!;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  try {
    const leader = await cluster.waitForLeader(30_000);
    const client = new MetaClient(cluster.grpcAddress(leader));
    sim.send({ type: 'start', meta: [cluster.grpcAddress(leader), ...cluster.grpcAddresses().filter((a) => a !== cluster.grpcAddress(leader))].join(','), dataservers, blocks, intervalMs, replication: 3 });
    for (const phase of ['registered', 'populated', 'settled']) {
      const m = await next('phase');
      note(`simulator ${m.phase ?? phase}: ${JSON.stringify(m.detail)}`);
    }
    await client.call('CreateNode', { path: '/load', type: 'Directory' });
    let seq = 0;
    const pooled = { off: new LatencyRecorder(), on: new LatencyRecorder() };
    const createLoop = (tag: string, into: LatencyRecorder): Promise<LoopResult> =>
      runMetaLoop(
        { concurrency, seconds, warmupSeconds: 1 },
        async (w) => {
          await client2.call('CreateNode', { path: `/load/${tag}-w${w}-${seq++}`, type: 'File' });
          return true;
        },
        into,
      );
    let client2 = client;
    for (let round = 1; round <= rounds; round++) {
      // The leader of this round (an election may have moved it): its pid for CPU, calls straight to it.
      const roundLeader = await cluster.waitForLeader(60_000);
      const pid = cluster.pid(roundLeader);
      if (client2.address !== cluster.grpcAddress(roundLeader)) {
        if (client2 !== client) client2.close();
        client2 = new MetaClient(cluster.grpcAddress(roundLeader));
      }
      const before = cluster.leadership();
      const snapshotsTaken = async (ids: readonly string[]): Promise<number> =>
        (await Promise.all(ids.map((id) => cluster.stats(id)))).reduce((sum, s) => sum + s.snapshotsTaken, 0);
      const followers = cluster.ids().filter((id) => id !== roundLeader);
      const snapshotsBefore = await snapshotsTaken([roundLeader]);
      const upkeepBefore = (await cluster.stats(roundLeader)).upkeepProposals;
      const followerSnapshotsBefore = await snapshotsTaken(followers);
      sim.send({ type: 'pause', paused: true });
      const quietCpu0 = cpuSeconds(pid);
      const quietT0 = process.hrtime.bigint();
      const quiet = await createLoop(`q${round}`, pooled.off);
      const quietShare = (cpuSeconds(pid) - quietCpu0) / (Number(process.hrtime.bigint() - quietT0) / 1e9);
      sim.send({ type: 'pause', paused: false });
      // One full round of heartbeats again, then the leader's CPU with heartbeats alone.
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      const aloneCpu0 = cpuSeconds(pid);
      const aloneT0 = process.hrtime.bigint();
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      const aloneShare = (cpuSeconds(pid) - aloneCpu0) / (Number(process.hrtime.bigint() - aloneT0) / 1e9);
      sim.send({ type: 'measure' });
      const cpu0 = cpuSeconds(pid);
      const simCpu0 = cpuSeconds(sim.pid!);
      const t0 = process.hrtime.bigint();
      const loaded = await createLoop(`h${round}`, pooled.on);
      const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
      const share = (cpuSeconds(pid) - cpu0) / elapsed;
      const simShare = (cpuSeconds(sim.pid!) - simCpu0) / elapsed;
      sim.send({ type: 'report' });
      const hb = await next('latency');
      const after = cluster.leadership();
      const leaderAfter = await cluster.stats(roundLeader);
      // What else happened in this round: an election, or snapshots of the namespace (a follower's
      // too: its copy competes for the disk the three nodes share here).
      const context = {
        leader_changed: after.id !== before.id || after.announcements !== before.announcements,
        leader_snapshots: (await snapshotsTaken([roundLeader])) - snapshotsBefore,
        follower_snapshots: (await snapshotsTaken(followers)) - followerSnapshotsBefore,
        // The leader's DataServer upkeep meanwhile: entries it proposed (repairs, deletions), copies
        // in flight (the simulator makes none) and blocks it found no reported replica of.
        upkeep_proposals: leaderAfter.upkeepProposals - upkeepBefore,
        repairs_in_flight: leaderAfter.repairsInFlight,
        lost_blocks: leaderAfter.lostBlocks,
      };
      const common = { bench: 'heartbeats', system: 'ours', round, dataservers, blocks_per_server: blocks, interval_ms: intervalMs, ...context };
      emit({ ...common, op: 'CreateNode', concurrency, heartbeats: 'off', ops_per_s: quiet.ops_per_s, p50_ms: quiet.p50_ms, p99_ms: quiet.p99_ms, leader_cpu_share: round2(quietShare) });
      emit({ ...common, op: 'CreateNode', concurrency, heartbeats: 'on', ops_per_s: loaded.ops_per_s, p50_ms: loaded.p50_ms, p99_ms: loaded.p99_ms, leader_cpu_share: round2(share), simulator_cpu_share: round2(simShare), simulator_nice: simulatorNice ?? 0 });
      emit({
        ...common,
        op: 'Heartbeat',
        concurrency: dataservers,
        ops_per_s: round2((hb.count ?? 0) / elapsed),
        p50_ms: round2(hb.p50_ms ?? Number.NaN),
        p99_ms: round2(hb.p99_ms ?? Number.NaN),
        errors: hb.errors,
        leader_cpu_share_heartbeats_alone: round2(aloneShare),
      });
      emit({ ...common, system: 'ratio', op: 'CreateNode', concurrency, p99_ratio: round2(loaded.p99_ms / quiet.p99_ms), target: '<= 1.2' });
    }
    const [offP50, offP99] = pooled.off.percentiles([0.5, 0.99]);
    const [onP50, onP99] = pooled.on.percentiles([0.5, 0.99]);
    emit({
      bench: 'heartbeats',
      system: 'ratio',
      op: 'CreateNode',
      concurrency,
      rounds,
      pooled: true,
      off: { samples: pooled.off.count, p50_ms: round2(offP50!), p99_ms: round2(offP99!) },
      on: { samples: pooled.on.count, p50_ms: round2(onP50!), p99_ms: round2(onP99!) },
      p99_ratio: round2(onP99! / offP99!),
      target: '<= 1.2',
    });
    if (client2 !== client) client2.close();
    client.close();
  } finally {
    sim.kill('SIGKILL');
    await cluster.close();
    openClusters.delete(cluster);
  }
}

runBench('heartbeats', main);
