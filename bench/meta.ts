/**
 * `npm run bench:meta`: the MetaServer under closed-loop gRPC load, beside etcd.
 *
 * Ours: three MetaServer PROCESSES (support/meta-node-process, built by the CLI's composition
 * root startMetaNode) on loopback, fresh dirs under one temp dir; this process is the load
 * generator, N closed-loop clients on one gRPC channel to the leader (or, with --target follower,
 * to a follower that forwards). Per concurrency value, each op in turn (support/meta-workloads.ts
 * says what each call does): the warm-up, then S measured seconds. The etcd peer (3 members,
 * shared/peers/etcd) runs in the same run at the same concurrency, alternating with ours:
 * txn-create right after CreateNode and get right after GetNodeInfo. One JSON line per
 * measurement on stdout (ours with the leader's rss_mb), then the ratio lines; the issue's
 * targets are checked at concurrency 64 (CreateNode >= 2x txn-create, GetNodeInfo >= 1.5x get,
 * p99 no worse than etcd's). Notes go to stderr. Options: support/meta-cli.ts.
 */
import { runBench } from './support/bench-main';
import { withMetaBench } from './support/meta-bench-run';
import { parseMetaOptions, type MetaBenchOptions } from './support/meta-cli';
import type { LoopResult } from './support/meta-closed-loop';
import { EtcdPeer, type EtcdOp, type EtcdResult } from './support/meta-etcd-peer';
import { emit, etcdLine, ratioLine, type RatioTarget } from './support/meta-lines';
import { measureOurs, reportFailure } from './support/meta-measure';
import { MetaSession } from './support/meta-session';
import { MetaWorkloads, type MetaOp } from './support/meta-workloads';

const BENCH = 'meta';
/** Our op, the etcd op measured right after it, and the target at TARGET_CONCURRENCY. */
const PAIRS: readonly { readonly ours: MetaOp; readonly etcd: EtcdOp; readonly target: RatioTarget }[] = [
  { ours: 'CreateNode', etcd: 'txn-create', target: { throughput: 2, p99: 1 } },
  { ours: 'GetNodeInfo', etcd: 'get', target: { throughput: 1.5, p99: 1 } },
];
const TARGET_CONCURRENCY = 64;

async function runConcurrency(
  session: MetaSession,
  workloads: MetaWorkloads,
  etcd: EtcdPeer | undefined,
  concurrency: number,
  options: MetaBenchOptions,
): Promise<void> {
  const ours = new Map<MetaOp, LoopResult>();
  const peer = new Map<EtcdOp, EtcdResult>();
  for (const op of options.ops) {
    try {
      ours.set(op, await measureOurs(BENCH, session, workloads, op, concurrency, options));
    } catch (error: unknown) {
      reportFailure(`${op} c=${concurrency}`, error);
    }
    const pair = PAIRS.find((p) => p.ours === op);
    if (etcd === undefined || pair === undefined) continue;
    try {
      const result = await etcd.run(pair.etcd, concurrency, options.seconds);
      peer.set(pair.etcd, result);
      emit(etcdLine(BENCH, pair.etcd, concurrency, result));
    } catch (error: unknown) {
      reportFailure(`etcd ${pair.etcd} c=${concurrency}`, error);
    }
  }
  for (const pair of PAIRS) {
    const o = ours.get(pair.ours);
    const e = peer.get(pair.etcd);
    if (o === undefined || e === undefined) continue;
    const target = concurrency === TARGET_CONCURRENCY ? pair.target : undefined;
    emit(ratioLine(BENCH, `${pair.ours}/${pair.etcd}`, concurrency, o, e, target));
  }
}

async function main(): Promise<void> {
  const options = parseMetaOptions(process.argv.slice(2));
  await withMetaBench(options, 'meta-etcd-', async ({ session, etcd, workloads }) => {
    for (const concurrency of options.concurrency) await runConcurrency(session, workloads, etcd, concurrency, options);
  });
}

runBench('meta', main);
