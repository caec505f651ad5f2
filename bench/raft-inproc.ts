/**
 * `npm run bench:raft:inproc`: Raft apply throughput and latency, whole cluster in one process.
 *
 * Three voters, each over its own LMDB stores (fsync on), joined by an in-process loopback
 * transport; N closed-loop appliers call `leader.apply(payload)` for a fixed time after a
 * warm-up. One JSON line per run on stdout, in the peers' shape (/work/shared/peers); notes on
 * stderr. With several concurrency values each run gets its own child process, so memory and
 * JIT state do not carry over between runs. Options: see support/cli.ts.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseBenchOptions, type BenchOptions } from './support/cli';
import { startInprocCluster } from './support/inproc-cluster';
import { LatencyRecorder } from './support/latency';

interface RunResult {
  bench: 'raft-inproc';
  system: 'ours';
  op: 'apply';
  concurrency: number;
  payload_bytes: number;
  ops_per_s: number;
  p50_ms: number;
  p99_ms: number;
  rss_mb: number;
  seconds: number;
}

const NS_PER_S = 1_000_000_000n;
const round2 = (v: number): number => Math.round(v * 100) / 100;

async function runOnce(concurrency: number, options: BenchOptions): Promise<RunResult> {
  const cluster = await startInprocCluster({
    size: 3,
    baseDir: options.dir,
    tune: (config) => ({ ...config, maxPendingApplies: options.maxPendingApplies }),
  });
  try {
    const leader = await cluster.waitForLeader(15_000);
    await leader.barrier(); // the leader's no-op is committed: the cluster is steady

    const payload = new Uint8Array(options.payloadBytes).map((_, i) => i & 0xff);
    const latency = new LatencyRecorder();
    const errors = new Map<string, number>();
    let succeeded = 0;
    const start = process.hrtime.bigint();
    const measureFrom = start + BigInt(Math.round(options.warmupSeconds * 1e9));
    const end = measureFrom + BigInt(Math.round(options.seconds * 1e9));

    // One closed-loop applier: next apply as soon as the previous one resolves. An operation
    // counts when it completes inside the measured window (after warm-up, before the end).
    const applier = async (): Promise<void> => {
      for (let s = process.hrtime.bigint(); s < end; s = process.hrtime.bigint()) {
        try {
          await leader.apply(payload);
        } catch (error: unknown) {
          const name = error instanceof Error ? error.name : String(error);
          errors.set(name, (errors.get(name) ?? 0) + 1);
          await sleep(1); // a rejected apply settles at once: do not spin without yielding
          continue;
        }
        succeeded++;
        const f = process.hrtime.bigint();
        if (f >= measureFrom && f <= end) latency.record(s, f);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, applier));
    const rssMb = process.memoryUsage().rss / (1 << 20);

    const elapsed = Number(end - measureFrom) / Number(NS_PER_S);
    const [p50, p99] = latency.percentiles([0.5, 0.99]);
    const stats = leader.stats();
    const leaderFsm = cluster.nodes.find((n) => n.raft === leader)!.fsm;
    if (leaderFsm.count < succeeded) throw new Error(`leader FSM applied ${leaderFsm.count} < ${succeeded} acknowledged applies`);
    process.stderr.write(
      `# c=${concurrency}: ${latency.count} applies measured; leader ${stats.id} term ${stats.term} commit ${stats.commitIndex}; ` +
        `messages delivered ${cluster.network.delivered}, dropped ${cluster.network.dropped}` +
        (errors.size > 0 ? `; ERRORS ${JSON.stringify(Object.fromEntries(errors))}` : '') +
        '\n',
    );
    if (errors.size > 0) process.exitCode = 1;
    return {
      bench: 'raft-inproc',
      system: 'ours',
      op: 'apply',
      concurrency,
      payload_bytes: options.payloadBytes,
      ops_per_s: Math.round(latency.count / elapsed),
      p50_ms: round2(p50!),
      p99_ms: round2(p99!),
      rss_mb: Math.round(rssMb * 10) / 10,
      seconds: elapsed,
    };
  } finally {
    await cluster.close();
  }
}

/** Runs each concurrency value in a fresh child (same node flags, e.g. --cpu-prof). */
function runChildren(options: BenchOptions): void {
  for (const c of options.concurrency) {
    // parseArgs keeps the last value of a repeated flag, so this overrides any --concurrency.
    const args = [...process.execArgv, __filename, ...process.argv.slice(2), '--concurrency', String(c)];
    const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (child.status !== 0) process.exitCode = child.status ?? 1;
  }
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  if (options.concurrency.length > 1) return runChildren(options);
  const result = await runOnce(options.concurrency[0]!, options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`raft-inproc failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
