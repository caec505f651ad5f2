/**
 * `npm run bench:snapshot-memory`: the issue's target "a leader streaming a 1 GB snapshot stays
 * under 300 MB RSS", and the transfer's throughput (target >= 50 MB/s on loopback).
 *
 * Node processes on loopback TCP (support/snapshot-node), each with LMDB stores and a
 * FileSnapshotStore (fsync on: the defaults) in a temp dir, and a synthetic FSM whose snapshot is
 * --snapshot-mb MiB of pseudo-random bytes generated on the fly (it never holds them; its restore
 * only counts and checksums). n1 bootstraps n1+n2, applies --entries commands and snapshots with
 * trailingLogs 0, so its log is compacted past everything. Then, per round, a fresh empty node
 * joins as a nonvoter: the leader can only bring it up by streaming the snapshot. Measured:
 * the leader's peak RSS while it streams (kernel VmHWM, reset at the round's start, and 50 ms
 * samples), the receiver's lifetime peak RSS, and the transfer time from the leader's first
 * snapshotsSending > 0 to 'snapshot-installed' on the receiver (its FSM restored). The receiver's
 * restore checksum must equal the leader's generated one. One JSON line per round on stdout
 * (plus a summary line with --rounds > 1); notes and the transfer's phases go to stderr.
 * Options: support/snapshot-cli.ts.
 */
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from '../src/raft';
import { parseSnapshotBenchOptions, type SnapshotBenchOptions } from './support/snapshot-cli';
import { SnapshotCluster } from './support/snapshot-cluster';
import type { ChildMessage, NodeReport } from './support/snapshot-protocol';
import { openClusters, runBench } from './support/bench-main';

const MiB = 1 << 20;
const START_TIMEOUT_MS = 15_000;
/** Generous: 0.5 s per MiB on top of two minutes covers a disk at a few MB/s. */
const slowStepMs = (mb: number): number => 120_000 + 500 * mb;
/** The leader learns the install from the receiver's next answer, up to a retransmit interval later. */
const SENDING_END_WAIT_MS = 5_000;

type Filled = Extract<ChildMessage, { type: 'filled' }>;

interface TransferLine {
  bench: 'snapshot-memory';
  system: 'ours';
  op: 'InstallSnapshot';
  concurrency: 1;
  round?: number;
  ops_per_s: number;
  p50_ms: number;
  p99_ms: number;
  /** The leader's peak RSS while streaming (the process under test). */
  rss_mb: number;
  snapshot_mb: number;
  chunk_kb: number;
  window_chunks: number;
  transfer_ms: number;
  transfer_mb_per_s: number;
  leader_peak_rss_mb: number;
  leader_peak_rss_sampled_mb: number;
  follower_peak_rss_mb: number;
  leader_take_peak_rss_mb: number;
  take_ms: number;
  target_rss_mb: number;
  target_mb_per_s: number;
  checksum_ok: boolean;
  ok: boolean;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;
const emit = (line: object): boolean => process.stdout.write(`${JSON.stringify(line)}\n`);
const note = (text: string): boolean => process.stderr.write(`# ${text}\n`);
const peakOf = (r: NodeReport['rss']): number => r.hwmMb ?? r.sampledMb;

/** Refuses to start when the disk cannot hold the leader's snapshot plus one copy per receiver. */
function checkDiskSpace(options: SnapshotBenchOptions): void {
  const dir = options.dir ?? tmpdir();
  const { bavail, bsize } = statfsSync(dir);
  const free = bavail * bsize;
  const needed = (options.rounds + 1) * options.snapshotMb * MiB + 256 * MiB;
  if (free < needed) throw new Error(`${dir} has ${Math.floor(free / MiB)} MiB free; this run needs about ${Math.ceil(needed / MiB)} MiB`);
}

/** Bootstraps n1+n2, waits for the leader, and has it apply, snapshot and compact. */
async function prepareLeader(cluster: SnapshotCluster, options: SnapshotBenchOptions): Promise<{ leader: string; filled: Filled }> {
  const first = await cluster.start('n1');
  const second = await cluster.start('n2');
  const servers: Server[] = [first, second].map((n) => ({ id: n.id, address: n.address, suffrage: 'voter' }));
  cluster.send(first.id, { type: 'configure', servers });
  const leader = (await cluster.next('leader', START_TIMEOUT_MS)).id;
  cluster.send(leader, { type: 'fill', entries: options.entries });
  const filled = await cluster.next('filled', slowStepMs(options.snapshotMb), leader);
  const { snapshot, persisted } = filled;
  const bytes = options.snapshotMb * MiB;
  if (snapshot.size !== bytes || persisted.bytes !== bytes || snapshot.crc32 !== persisted.crc32) {
    throw new Error(`the leader's snapshot is not what the FSM wrote: ${JSON.stringify({ snapshot, persisted, expectedBytes: bytes })}`);
  }
  // Otherwise a new node could be brought up from the log and no snapshot would be sent.
  if (snapshot.firstLogIndex <= snapshot.index) {
    throw new Error(`the log was not compacted past the snapshot (first index ${snapshot.firstLogIndex}, snapshot ${snapshot.index})`);
  }
  note(
    `leader ${leader}: snapshot at index ${snapshot.index}, ${options.snapshotMb} MiB taken in ${Math.round(snapshot.takeMs)} ms ` +
      `(${round1(options.snapshotMb / (snapshot.takeMs / 1000))} MB/s; FSM persist, generating and writing into the store, ${Math.round(persisted.ms)} ms), ` +
      `log now starts at ${snapshot.firstLogIndex}; leader RSS while taking: peak ${peakOf(filled.rss)} MiB`,
  );
  return { leader, filled };
}

/** The leader's report once its transfer has ended (it hears of the install a little after the receiver). */
async function leaderReportAfterTransfer(cluster: SnapshotCluster, leader: string): Promise<NodeReport> {
  const deadline = performance.now() + SENDING_END_WAIT_MS;
  for (;;) {
    cluster.send(leader, { type: 'report' });
    const { report } = await cluster.next('report', START_TIMEOUT_MS, leader);
    if (report.sendingEndedAt !== undefined || performance.now() >= deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The transfer's phases, from the library's log messages, relative to the transfer's start. */
function phaseNotes(id: string, start: number, leader: NodeReport, receiver: NodeReport, installedAt: number): string {
  const at = (report: NodeReport, message: string, which: 'first' | 'last'): string => {
    const mark = report.logged[message];
    return mark === undefined ? '?' : `+${Math.round(mark[which] - start)} ms`;
  };
  const trouble = Object.entries({ ...leader.logged, ...receiver.logged })
    .filter(([message]) => /full|fail|lost|reject|dropp/i.test(message))
    .map(([message, mark]) => `${JSON.stringify(message)} x${mark.count}`);
  return (
    `${id} phases: leader "sending snapshot" ${at(leader, 'sending snapshot', 'last')}, ` +
    `receiver first chunk (sink created) ${at(receiver, 'snapshot sink created', 'first')}, ` +
    `stream complete and fsynced ("snapshot created") ${at(receiver, 'snapshot created', 'last')}, ` +
    `FSM restored +${Math.round(installedAt - start)} ms, ` +
    `leader hears "installed" ${at(leader, 'snapshot installed on follower', 'last')}, ` +
    `leader's transfer ends ${leader.sendingEndedAt === undefined ? '?' : `+${Math.round(leader.sendingEndedAt - start)} ms`}; ` +
    `dropped messages: leader ${leader.dropped}, receiver ${receiver.dropped}` +
    (trouble.length > 0 ? `; warnings: ${trouble.join(', ')}` : '')
  );
}

/**
 * Bytes moved per snapshot byte. Ideal: the leader sends 1x and reads 1x (its snapshot file; its
 * socket reads are only small answers); the receiver gets 1x, writes 1x (its sink) and reads 2x
 * (the socket, then its stored copy for the restore).
 */
function amplification(snapshotMb: number, leader: NodeReport, receiver: NodeReport): string {
  const times = (bytes: number | undefined): string => (bytes === undefined ? '?' : `${round1(bytes / (snapshotMb * MiB))}x`);
  return (
    `per snapshot byte: leader sent ${times(leader.bytesSent)} on the wire and read ${times(leader.io?.readBytes)} through read() calls; ` +
    `receiver got ${times(receiver.bytesReceived)}, wrote ${times(receiver.io?.writtenBytes)} and read ${times(receiver.io?.readBytes)} ` +
    `(ideal: 1x, 1x; 1x, 1x, 2x)`
  );
}

async function runRound(
  cluster: SnapshotCluster,
  leader: string,
  round: number,
  filled: Filled,
  options: SnapshotBenchOptions,
): Promise<TransferLine> {
  const receiver = await cluster.start(`n${round + 2}`);
  cluster.send(leader, { type: 'add', id: receiver.id, address: receiver.address });
  const added = await cluster.next('added', slowStepMs(0), leader);
  const installed = await cluster.next('installed', slowStepMs(options.snapshotMb), receiver.id);
  const leaderReport = await leaderReportAfterTransfer(cluster, leader);
  cluster.send(receiver.id, { type: 'report' });
  const { report: receiverReport } = await cluster.next('report', START_TIMEOUT_MS, receiver.id);

  const start = leaderReport.sendingStartedAt ?? added.at;
  const transferMs = installed.at - start;
  const mbPerS = options.snapshotMb / (transferMs / 1000);
  const { persisted } = filled;
  const checksumOk =
    installed.restored.bytes === persisted.bytes &&
    installed.restored.crc32 === persisted.crc32 &&
    installed.index === filled.snapshot.index;
  if (!checksumOk) {
    note(
      `${receiver.id}: restored ${JSON.stringify(installed.restored)} at index ${installed.index}, leader wrote ${JSON.stringify(persisted)} at ${filled.snapshot.index}`,
    );
  }
  note(phaseNotes(receiver.id, start, leaderReport, receiverReport, installed.at));
  note(`${receiver.id}: ${amplification(options.snapshotMb, leaderReport, receiverReport)}`);
  note(
    `${receiver.id}: restore read ${round1(installed.restored.bytes / MiB)} MiB in ${Math.round(installed.restored.ms)} ms; ` +
      `leader RSS ${JSON.stringify(leaderReport.rss)}, receiver RSS ${JSON.stringify(receiverReport.rss)}`,
  );
  const leaderPeak = peakOf(leaderReport.rss);
  return {
    bench: 'snapshot-memory',
    system: 'ours',
    op: 'InstallSnapshot',
    concurrency: 1,
    ...(options.rounds > 1 ? { round } : {}),
    ops_per_s: Math.round((1000 / transferMs) * 1000) / 1000,
    p50_ms: Math.round(transferMs),
    p99_ms: Math.round(transferMs),
    rss_mb: leaderPeak,
    snapshot_mb: options.snapshotMb,
    chunk_kb: options.chunkBytes / 1024,
    window_chunks: options.windowChunks,
    transfer_ms: Math.round(transferMs),
    transfer_mb_per_s: round1(mbPerS),
    leader_peak_rss_mb: leaderPeak,
    leader_peak_rss_sampled_mb: leaderReport.rss.sampledMb,
    follower_peak_rss_mb: peakOf(receiverReport.rss),
    leader_take_peak_rss_mb: peakOf(filled.rss),
    take_ms: Math.round(filled.snapshot.takeMs),
    target_rss_mb: options.targetRssMb,
    target_mb_per_s: options.targetMbPerS,
    checksum_ok: checksumOk,
    ok: checksumOk && leaderPeak <= options.targetRssMb && mbPerS >= options.targetMbPerS,
  };
}

/** With several rounds: percentiles over the transfers (sorted[floor(n*q)], like latency.ts) and the worst peaks. */
function summary(lines: readonly TransferLine[]): object {
  const ms = lines.map((l) => l.transfer_ms).sort((a, b) => a - b);
  const pick = (q: number): number => ms[Math.min(ms.length - 1, Math.floor(ms.length * q))]!;
  const totalMs = ms.reduce((a, b) => a + b, 0);
  const first = lines[0]!;
  const leaderPeak = Math.max(...lines.map((l) => l.leader_peak_rss_mb));
  return {
    bench: 'snapshot-memory',
    system: 'ours',
    op: 'InstallSnapshot',
    concurrency: 1,
    rounds: lines.length,
    ops_per_s: Math.round((lines.length / (totalMs / 1000)) * 1000) / 1000,
    p50_ms: pick(0.5),
    p99_ms: pick(0.99),
    rss_mb: leaderPeak,
    snapshot_mb: first.snapshot_mb,
    transfer_mb_per_s: round1((first.snapshot_mb * lines.length) / (totalMs / 1000)),
    leader_peak_rss_mb: leaderPeak,
    follower_peak_rss_mb: Math.max(...lines.map((l) => l.follower_peak_rss_mb)),
    target_rss_mb: first.target_rss_mb,
    target_mb_per_s: first.target_mb_per_s,
    checksum_ok: lines.every((l) => l.checksum_ok),
    ok: lines.every((l) => l.ok),
  };
}

async function main(): Promise<void> {
  const options = parseSnapshotBenchOptions(process.argv.slice(2), process.env);
  checkDiskSpace(options);
  const profDir = options.cpuProfDir;
  const cluster = new SnapshotCluster({
    baseDir: options.dir,
    nodeArgs: [options.snapshotMb * MiB, options.seed, options.chunkBytes, options.windowChunks, options.verbose ? 1 : 0].map(String),
    execArgv: (id) =>
      profDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', `snapshot-memory-${id}.cpuprofile`],
  });
  openClusters.add(cluster);
  try {
    const { leader, filled } = await prepareLeader(cluster, options);
    const lines: TransferLine[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const line = await runRound(cluster, leader, round, filled, options);
      lines.push(line);
      emit(line);
      if (!line.ok) process.exitCode = 1;
    }
    if (lines.length > 1) emit(summary(lines));
    if (profDir !== undefined) note(`profiles: ${join(profDir, 'snapshot-memory-<node>.cpuprofile')} (leader ${leader})`);
  } finally {
    await cluster.close();
    openClusters.delete(cluster);
  }
}

runBench('snapshot-memory', main);
