/**
 * `npm run bench:scale`: the MetaServer with a namespace of 10,000,000 inodes. Three metaServer
 * processes started as an operator starts them (default Raft timings, fsync on). In order:
 *
 *   1. empty: CreateNode, and GetNodeInfo of 1,000 hot files, at concurrency 64 (after a pre-warm);
 *   2. import: the inodes through the leader's Import call (bulk load through the log, 10,000 per
 *      entry), with the leader's peak RSS;
 *   3. full: the same two measurements, plus GetNodeInfo of random files among the 10,000,000 (no
 *      hot set: every read walks cold B-tree pages), with the leader's RSS;
 *   4. snapshot: a full snapshot streamed from the leader (SnapshotSave, the FSM's own format): its
 *      size and time;
 *   5. restart: a follower, then the leader: time to serving and to a linearizable read;
 *   6. blank follower: a follower's data directory rebuilt empty (minfs-admin rebuild), then the
 *      node restarted: time until InstallSnapshot brought it to the leader's commit index and it is
 *      a voter again, with the leader's peak RSS while streaming;
 *   7. check: minfs-admin check over all three replicas (every replica's digest at one index).
 *
 * One JSON line per measurement and a last line with the targets (leader RSS <= 1 GB, restart to
 * serving <= 10 s, full throughput >= 80% of empty). Options: support/scale-cli.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdminClient } from '../src/cli/admin-client';
import { MetaClient } from '../test/support/meta-cluster/meta-client';
import { leaderOf, metaServerArgs, runMetaServer, writeClusterConfig, type MetaServerProcess } from '../test/support/meta-server-process';
import { openClusters, runBench } from './support/bench-main';
import { runMetaLoop, type LoopResult, type LoopSpec, type WorkerCall } from './support/meta-closed-loop';
import { emit, note } from './support/meta-lines';
import { MetaWorkloads } from './support/meta-workloads';
import { MemoryWatch, processMemory, type MemoryPeaks } from './support/process-memory';
import { restartAndTime } from './support/restart-timing';
import { MemoryCgroup } from './support/memory-cgroup';
import { parseScaleOptions, type ScaleOptions } from './support/scale-cli';
import { admin, type CheckJson } from '../test/cli/admin-fixture';
import { rebuildBlankFollower } from './support/scale-admin';
import { importScaleNamespace, scaleFile, scaleLayout } from './support/scale-import';
import { streamSnapshot } from './support/scale-snapshot';

const BENCH = 'scale';
/** 1 GB, in the MiB the lines report. */
const TARGET_RSS_MB = Math.floor(1e9 / (1 << 20));
const TARGET_RESTART_MS = 10_000;
const TARGET_THROUGHPUT_RATIO = 0.8;

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** The leader's peak RSS over every phase watched so far (each MemoryWatch is one window). */
let leaderPeakRssMb = 0;

function watched(watch: MemoryWatch): MemoryPeaks {
  const peaks = watch.stop();
  leaderPeakRssMb = Math.max(leaderPeakRssMb, peaks.peakRssMb);
  return peaks;
}

/** The three processes, their command lines and a client of the current leader. */
class ScaleCluster {
  readonly nodes = new Map<number, MetaServerProcess>();
  leaderPort = 0;
  client: MetaClient | undefined;

  constructor(
    readonly dir: string,
    readonly ports: readonly number[],
    readonly argsOf: (port: number) => string[],
    /** Each node's memory cgroup, when the run limits memory. */
    readonly cgroups: ReadonlyMap<number, MemoryCgroup>,
  ) {}

  /** Starts node `port` (in its memory cgroup, if any) with its command line. */
  spawn(port: number): MetaServerProcess {
    const node = runMetaServer(this.argsOf(port));
    this.cgroups.get(port)?.add(node.child.pid!);
    this.nodes.set(port, node);
    return node;
  }

  get leader(): MetaClient {
    if (this.client === undefined) throw new Error('no leader found yet');
    return this.client;
  }

  leaderPid(): number {
    return this.nodes.get(this.leaderPort)!.child.pid!;
  }

  servers(except?: number): string {
    return this.ports
      .filter((p) => p !== except)
      .map((p) => `127.0.0.1:${p}`)
      .join(',');
  }

  /** Finds the leader again and points the client at it once a write there succeeds. */
  async findLeader(): Promise<void> {
    for (;;) {
      const port = (await leaderOf(`127.0.0.1:${this.ports[0]}`)).port;
      if (port !== this.leaderPort) {
        this.client?.close();
        this.client = new MetaClient(`127.0.0.1:${port}`);
        this.leaderPort = port;
      }
      const ok = await this.leader.call('CreateNode', { path: '/ready', type: 'Directory', parents: true }).then(
        () => true,
        () => false,
      );
      if (ok) return;
      await sleep(50);
    }
  }

  async close(): Promise<void> {
    this.client?.close();
    for (const node of this.nodes.values()) {
      node.child.kill('SIGTERM');
      await Promise.race([node.exited, sleep(20_000)]);
      node.kill();
    }
    for (const cgroup of this.cgroups.values()) cgroup.remove();
  }
}

async function startCluster(options: ScaleOptions): Promise<ScaleCluster> {
  const dir = mkdtempSync(path.join(options.dir ?? tmpdir(), 'minfs-scale-'));
  const { file, grpc } = await writeClusterConfig(dir, { clusterId: 'scale' });
  const cgroups = new Map<number, MemoryCgroup>();
  if (options.memoryLimitBytes !== undefined) {
    for (const port of grpc) {
      const made = MemoryCgroup.create(`minfs-scale-${port}`, options.memoryLimitBytes);
      if (typeof made === 'string') throw new Error(`--memory-limit-gb: ${made}`);
      cgroups.set(port, made);
    }
  }
  const cluster = new ScaleCluster(dir, grpc, (port) => metaServerArgs(file, dir, port), cgroups);
  openClusters.add(cluster);
  for (const port of grpc) cluster.spawn(port);
  for (const node of cluster.nodes.values()) await node.line((l) => l['event'] === 'serving');
  await cluster.findLeader();
  return cluster;
}

interface Phase {
  readonly name: 'empty' | 'full';
  readonly inodes: number;
}

async function measure(
  cluster: ScaleCluster,
  phase: Phase,
  op: string,
  paths: string,
  call: WorkerCall,
  spec: LoopSpec,
): Promise<LoopResult> {
  const watch = new MemoryWatch(cluster.leaderPid());
  const result = await runMetaLoop(spec, call);
  const memory = watched(watch);
  emit({
    bench: BENCH,
    system: 'ours',
    op,
    concurrency: spec.concurrency,
    phase: phase.name,
    inodes: phase.inodes,
    paths,
    ops_per_s: result.ops_per_s,
    p50_ms: result.p50_ms,
    p99_ms: result.p99_ms,
    rss_mb: memory.peakRssMb,
    rss_anon_mb: memory.peakAnonMb,
    rss_file_mb: memory.now.fileMb,
    ...(Object.keys(result.errors).length > 0 ? { errors: result.errors } : {}),
  });
  if (Object.keys(result.errors).length > 0) process.exitCode = 1;
  return result;
}

interface Throughput {
  readonly create: LoopResult;
  readonly stat: LoopResult;
  readonly statRandom: LoopResult | undefined;
}

async function measureThroughput(
  cluster: ScaleCluster,
  workloads: MetaWorkloads,
  phase: Phase,
  options: ScaleOptions,
): Promise<Throughput> {
  const spec = { concurrency: options.concurrency, seconds: options.seconds, warmupSeconds: options.warmupSeconds };
  const create = await measure(cluster, phase, 'CreateNode', 'a new file per call', await workloads.prepare('CreateNode', spec), spec);
  const stat = await measure(cluster, phase, 'GetNodeInfo', '1,000 hot files', await workloads.prepare('GetNodeInfo', spec), spec);
  if (phase.name === 'empty') return { create, stat, statRandom: undefined };
  const { files } = scaleLayout(options.inodes, options.perDir);
  const randomStat: WorkerCall = async () => {
    const info = await cluster.leader.call('GetNodeInfo', { path: scaleFile(Math.floor(Math.random() * files), options.perDir) });
    if (info.statInfo === null) throw new Error('GetNodeInfo answered no statInfo');
    return true;
  };
  const statRandom = await measure(cluster, phase, 'GetNodeInfo', `random among ${files} files`, randomStat, spec);
  return { create, stat, statRandom };
}

async function load(cluster: ScaleCluster, options: ScaleOptions): Promise<void> {
  const layout = scaleLayout(options.inodes, options.perDir);
  note(`importing ${layout.directories} directories and ${layout.files} files through the leader meta-${cluster.leaderPort}`);
  const watch = new MemoryWatch(cluster.leaderPid());
  let lastNote = performance.now();
  const imported = await importScaleNamespace(`127.0.0.1:${cluster.leaderPort}`, layout, options.perDir, options.inFlight, (created) => {
    if (performance.now() - lastNote < 15_000) return;
    lastNote = performance.now();
    const m = processMemory(cluster.leaderPid());
    note(`import: ${created}/${options.inodes} inodes; leader RSS ${m.rssMb} MiB (anon ${m.anonMb}, file ${m.fileMb})`);
  });
  const memory = watched(watch);
  emit({
    bench: BENCH,
    system: 'ours',
    op: 'Import',
    concurrency: options.inFlight,
    inodes: imported.created,
    entries: imported.entries,
    seconds: imported.seconds,
    ops_per_s: Math.round(imported.created / imported.seconds),
    rss_mb: memory.peakRssMb,
    rss_anon_mb: memory.peakAnonMb,
    rss_file_mb: memory.now.fileMb,
  });
}

async function snapshot(cluster: ScaleCluster, options: ScaleOptions): Promise<void> {
  const watch = new MemoryWatch(cluster.leaderPid());
  const taken = await streamSnapshot(`127.0.0.1:${cluster.leaderPort}`);
  const memory = watched(watch);
  emit({
    bench: BENCH,
    system: 'ours',
    op: 'SnapshotSave',
    concurrency: 1,
    inodes: options.inodes,
    snapshot_mb: Math.round(taken.bytes / (1 << 20)),
    seconds: taken.seconds,
    mb_per_s: Math.round(taken.bytes / (1 << 20) / taken.seconds),
    leader_rss_mb: memory.peakRssMb,
    leader_rss_anon_mb: memory.peakAnonMb,
  });
}

/** Restarts a follower, then the leader; returns the longest time to serving. */
async function restarts(cluster: ScaleCluster, options: ScaleOptions): Promise<number> {
  const probe = scaleFile(12_345 % scaleLayout(options.inodes, options.perDir).files, options.perDir);
  const follower = cluster.ports.find((p) => p !== cluster.leaderPort)!;
  let longest = 0;
  for (const port of [follower, cluster.leaderPort]) {
    const wasLeader = port === cluster.leaderPort;
    const timing = await restartAndTime(cluster.nodes.get(port)!, cluster.argsOf(port), port, probe, () => cluster.spawn(port));
    longest = Math.max(longest, timing.servingMs);
    emit({
      bench: BENCH,
      system: 'ours',
      op: 'restart',
      concurrency: 1,
      inodes: options.inodes,
      node: `meta-${port}`,
      was_leader: wasLeader,
      exit_code: timing.exitCode,
      serving_ms: timing.servingMs,
      read_ms: timing.readMs,
    });
  }
  await cluster.findLeader();
  return longest;
}

async function blankFollower(cluster: ScaleCluster, options: ScaleOptions): Promise<void> {
  const port = cluster.ports.find((p) => p !== cluster.leaderPort)!;
  const id = `meta-${port}`;
  const old = cluster.nodes.get(port)!;
  old.child.kill('SIGTERM');
  await old.exited;
  await rebuildBlankFollower(cluster.servers(port), id, path.join(cluster.dir, id));
  const leaderAdmin = new AdminClient(`127.0.0.1:${cluster.leaderPort}`);
  const target = Number((await leaderAdmin.status().finally(() => leaderAdmin.close())).commit_index);
  const watch = new MemoryWatch(cluster.leaderPid());
  const began = performance.now();
  const node = cluster.spawn(port);
  await node.line((l) => l['event'] === 'serving');
  const caughtUp = await waitForVoterAt(`127.0.0.1:${port}`, cluster.servers(port), id, target);
  const seconds = (performance.now() - began) / 1000;
  const memory = watched(watch);
  emit({
    bench: BENCH,
    system: 'ours',
    op: 'InstallSnapshot',
    concurrency: 1,
    inodes: options.inodes,
    node: id,
    seconds: Math.round(seconds * 10) / 10,
    applied_index: caughtUp,
    leader_rss_mb: memory.peakRssMb,
    leader_rss_anon_mb: memory.peakAnonMb,
  });
}

/** Polls the node and the others (the answers are in other processes) until it applied `target` and is a voter. */
async function waitForVoterAt(address: string, others: string, id: string, target: number): Promise<number> {
  const node = new AdminClient(address);
  const peers = new AdminClient(others.split(',')[0]!);
  try {
    for (;;) {
      const applied = await node.status().then(
        (s) => Number(s.applied_index),
        () => 0,
      );
      if (applied >= target) {
        const members = await peers.members().catch(() => undefined);
        if (members?.members.find((m) => m.id === id)?.suffrage === 'voter') return applied;
      }
      await sleep(100);
    }
  } finally {
    node.close();
    peers.close();
  }
}

async function check(cluster: ScaleCluster): Promise<void> {
  const began = performance.now();
  const run = await admin('--servers', cluster.servers(), '--json', '--timeout', '900', 'check', '--wait', '900');
  const verdict = (JSON.parse(run.stdout) as CheckJson).verdict;
  emit({ bench: BENCH, system: 'ours', op: 'check', concurrency: 1, verdict, seconds: Math.round((performance.now() - began) / 100) / 10 });
  if (verdict !== 'CONSISTENT') process.exitCode = 1;
}

async function main(): Promise<void> {
  const options = parseScaleOptions(process.argv.slice(2));
  const cluster = await startCluster(options);
  try {
    const workloads = new MetaWorkloads(() => cluster.leader);
    await workloads.setup(['CreateNode', 'GetNodeInfo'], options.concurrency);
    if (options.prewarmSeconds > 0) await workloads.warmUp(options.prewarmSeconds, options.concurrency);
    const empty = await measureThroughput(cluster, workloads, { name: 'empty', inodes: 0 }, options);
    await load(cluster, options);
    const full = await measureThroughput(cluster, workloads, { name: 'full', inodes: options.inodes }, options);
    const afterLoad = processMemory(cluster.leaderPid());
    await snapshot(cluster, options);
    const restartMs = await restarts(cluster, options);
    await blankFollower(cluster, options);
    await check(cluster);
    const peakRss = leaderPeakRssMb;
    const ratios = {
      create: round3(full.create.ops_per_s / empty.create.ops_per_s),
      stat: round3(full.stat.ops_per_s / empty.stat.ops_per_s),
      statRandom: round3(full.statRandom!.ops_per_s / empty.stat.ops_per_s),
    };
    emit({
      bench: BENCH,
      system: 'ratio',
      op: 'scale',
      concurrency: options.concurrency,
      inodes: options.inodes,
      create_ratio: ratios.create,
      stat_ratio: ratios.stat,
      stat_random_ratio: ratios.statRandom,
      target_throughput_ratio: TARGET_THROUGHPUT_RATIO,
      leader_peak_rss_mb: peakRss,
      leader_rss_after_load_mb: afterLoad.rssMb,
      leader_rss_anon_after_load_mb: afterLoad.anonMb,
      target_rss_mb: TARGET_RSS_MB,
      restart_serving_ms: restartMs,
      target_restart_ms: TARGET_RESTART_MS,
      ...(options.memoryLimitBytes === undefined
        ? {}
        : {
            memory_limit_mb: Math.round(options.memoryLimitBytes / (1 << 20)),
            cgroup_peak_mb: [...cluster.cgroups.values()].map((c) => c.peakMb() ?? null),
            oom_kills: [...cluster.cgroups.values()].reduce((sum, c) => sum + c.oomKills(), 0),
          }),
      ok:
        Math.min(ratios.create, ratios.stat, ratios.statRandom) >= TARGET_THROUGHPUT_RATIO &&
        peakRss <= TARGET_RSS_MB &&
        restartMs <= TARGET_RESTART_MS,
    });
  } finally {
    await cluster.close();
    openClusters.delete(cluster);
    if (options.keep) note(`kept ${cluster.dir}`);
    else rmSync(cluster.dir, { recursive: true, force: true });
  }
}

runBench(BENCH, main);
