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
import { parseBenchOptions, type BenchOptions } from './support/cli';
import { startInprocCluster } from './support/inproc-cluster';
import { runClosedLoop } from './support/closed-loop';

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

async function runOnce(concurrency: number, options: BenchOptions): Promise<RunResult> {
  const cluster = await startInprocCluster({
    size: 3,
    baseDir: options.dir,
    tune: (config) => ({ ...config, maxPendingApplies: options.maxPendingApplies }),
  });
  try {
    const leader = await cluster.waitForLeader(15_000);
    await leader.barrier(); // the leader's no-op is committed: the cluster is steady

    const leaderFsm = cluster.nodes.find((n) => n.raft === leader)!.fsm;
    const result = await runClosedLoop(leader, () => leaderFsm.count, {
      concurrency,
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
      payloadBytes: options.payloadBytes,
    });
    const errorCount = Object.keys(result.errors).length;
    process.stderr.write(
      `# c=${concurrency}: ${result.measured} applies measured; leader ${leader.stats().id} term ${result.term} commit ${result.commitIndex}; ` +
        `messages delivered ${cluster.network.delivered}, dropped ${cluster.network.dropped}` +
        (errorCount > 0 ? `; ERRORS ${JSON.stringify(result.errors)}` : '') +
        '\n',
    );
    if (errorCount > 0) process.exitCode = 1;
    return {
      bench: 'raft-inproc',
      system: 'ours',
      op: 'apply',
      concurrency,
      payload_bytes: options.payloadBytes,
      ops_per_s: result.ops_per_s,
      p50_ms: result.p50_ms,
      p99_ms: result.p99_ms,
      rss_mb: result.rss_mb,
      seconds: options.seconds,
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
