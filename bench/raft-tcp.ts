/**
 * `npm run bench:raft`: Raft apply throughput and latency with three node PROCESSES on loopback
 * TCP, alternating with the hashicorp/raft peer (/work/shared/peers/hashicorp-raft).
 *
 * Ours: three child processes (support/raft-tcp-node), each with LMDB stores (fsync on) and a
 * TcpTransport on 127.0.0.1; node 1 bootstraps the three voters; the leader's process runs N
 * closed-loop appliers of P-byte entries for the warm-up plus S seconds and reports the
 * measured window. The peer: the same shape in one Go process. Per concurrency value and round,
 * ours and the peer run one after the other (order: --order) and three JSON lines follow on
 * stdout: ours, the peer's (verbatim), and their ratio. Notes go to stderr. Options:
 * support/tcp-cli.ts.
 */
import { join } from 'node:path';
import { buildPeer, runPeer, type PeerResult } from './support/hashicorp-peer';
import { TcpCluster } from './support/tcp-cluster';
import { parseTcpBenchOptions, type TcpBenchOptions } from './support/tcp-cli';
import { openClusters, runBench } from './support/bench-main';

interface OursLine extends PeerResult {
  bench: 'raft';
  system: 'ours';
  op: 'apply';
  concurrency: number;
  payload_bytes: number;
  rss_mb: number;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;
const emit = (line: object | string): boolean => process.stdout.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);

async function runOurs(concurrency: number, round: number, options: TcpBenchOptions): Promise<OursLine> {
  const profDir = options.cpuProfDir;
  const cluster = new TcpCluster({
    size: 3,
    baseDir: options.dir,
    maxPendingApplies: options.maxPendingApplies,
    execArgv: (id) =>
      profDir === undefined
        ? []
        : ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', `raft-tcp-c${concurrency}-r${round}-${id}.cpuprofile`],
  });
  openClusters.add(cluster);
  try {
    await cluster.configure();
    const leader = await cluster.waitForLeader();
    const spec = { concurrency, seconds: options.seconds, warmupSeconds: options.warmupSeconds, payloadBytes: options.payloadBytes };
    const { result: r, costs } = await cluster.runLoad(leader, spec);
    const failures = Object.keys(r.errors).length > 0 ? `; ERRORS ${JSON.stringify(r.errors)}` : '';
    process.stderr.write(
      `# ours c=${concurrency}: leader ${leader} term ${r.term} commit ${r.commitIndex}, ${r.measured} applies measured; ` +
        `leader process ${JSON.stringify(costs)}${failures}\n`,
    );
    if (failures !== '') process.exitCode = 1;
    if (profDir !== undefined)
      process.stderr.write(`# leader profile: ${join(profDir, `raft-tcp-c${concurrency}-r${round}-${leader}.cpuprofile`)}\n`);
    const { ops_per_s, p50_ms, p99_ms, rss_mb } = r;
    return {
      bench: 'raft',
      system: 'ours',
      op: 'apply',
      concurrency,
      payload_bytes: options.payloadBytes,
      ops_per_s,
      p50_ms,
      p99_ms,
      rss_mb,
    };
  } finally {
    await cluster.close();
    openClusters.delete(cluster);
  }
}

async function runPair(peerBinary: string | undefined, concurrency: number, round: number, options: TcpBenchOptions): Promise<void> {
  const peerFirst = peerBinary !== undefined && (options.order === 'random' ? Math.random() < 0.5 : round % 2 === 0);
  let ours: OursLine | undefined;
  let peer: PeerResult | undefined;
  const steps = [
    async () => emit((ours = await runOurs(concurrency, round, options))),
    async () => {
      if (peerBinary === undefined) return;
      const run = await runPeer(peerBinary, concurrency, options.seconds, options.payloadBytes, options.dir);
      peer = run.result;
      emit(run.line);
    },
  ];
  for (const step of peerFirst ? steps.reverse() : steps) {
    try {
      await step();
    } catch (error: unknown) {
      process.stderr.write(
        `# c=${concurrency} round ${round}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    }
  }
  if (ours === undefined || peer === undefined) return;
  emit({
    bench: 'raft',
    system: 'ratio',
    op: 'apply',
    concurrency,
    ...(options.rounds > 1 ? { round } : {}),
    throughput_ratio: round3(ours.ops_per_s / peer.ops_per_s),
    p99_ratio: round3(ours.p99_ms / peer.p99_ms),
    p50_ms_ours: ours.p50_ms,
  });
}

async function main(): Promise<void> {
  const options = parseTcpBenchOptions(process.argv.slice(2), process.env);
  const peerBinary = options.skipPeer ? undefined : (options.peerBinary ?? buildPeer());
  for (const concurrency of options.concurrency) {
    for (let round = 1; round <= options.rounds; round++) await runPair(peerBinary, concurrency, round, options);
  }
}

runBench('raft-tcp', main);
