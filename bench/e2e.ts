/**
 * `npm run bench:e2e`: the end-to-end benchmark (issue 7, item 5): the MetaServer and etcd on the
 * same machine, op for op, at closed-loop client concurrency 1, 16, 64 and 256.
 *
 * Ours as in bench/meta: three MetaServer PROCESSES on loopback (support/meta-session.ts), this
 * process the load generator with N closed-loop clients on one gRPC channel to the leader (or, with
 * --target, a follower or every node), each measurement S seconds after a warm-up. etcd: 3 members
 * on loopback (shared/peers/etcd), its load generators in processes of their own at the same
 * concurrency. Per concurrency, each pair (support/e2e-pairs.ts) in turn, ours first, then etcd's:
 *
 *   CreateNode                               vs txn-create  (shared/peers/etcd/load.js)
 *   GetNodeInfo                              vs get         (load.js)
 *   ListDirectory of a 1,000-entry directory vs range-1000  (support/etcd-range-load.ts)
 *
 * One JSON line per measurement on stdout (bench "e2e"; ours with the leader's rss_mb), then the
 * concurrency's ratio lines (support/meta-lines.ts, as bench/meta's); at concurrency 64 they carry
 * the targets (CreateNode >= 2x txn-create, GetNodeInfo >= 1.5x get, p99 no worse than
 * etcd's) and ok. At the end a PNG chart of ops/s and p99 per pair and concurrency, ours beside
 * etcd's (support/e2e-chart.ts), whose absolute path is a note. Notes go to stderr. Options: support/e2e-cli.ts.
 */
import { runBench } from './support/bench-main';
import { withMetaBench } from './support/meta-bench-run';
import { parseE2eOptions, type E2eOptions } from './support/e2e-cli';
import { writeE2eChart, type Figures, type PairFigures } from './support/e2e-chart';
import { E2E_PAIRS, RANGE_OP, TARGET_CONCURRENCY, pairLabel, type E2eEtcdOp, type E2ePair } from './support/e2e-pairs';
import type { LoopResult } from './support/meta-closed-loop';
import { EtcdPeer, type EtcdResult } from './support/meta-etcd-peer';
import { emit, etcdLine, note, ratioLine } from './support/meta-lines';
import { measureOurs, reportFailure } from './support/meta-measure';
import { MetaSession } from './support/meta-session';
import { LIST_ENTRIES, MetaWorkloads } from './support/meta-workloads';

const BENCH = 'e2e';

/** A pair's results per concurrency (by index), filled as they are measured: for the ratios and the chart. */
interface PairRecord {
  readonly pair: E2ePair;
  readonly ours: (LoopResult | undefined)[];
  readonly etcd: (EtcdResult | undefined)[];
}

/** load.js for its ops; our range load, with our warm-up, for the range read. */
function measureEtcd(etcd: EtcdPeer, op: E2eEtcdOp, concurrency: number, options: E2eOptions): Promise<EtcdResult> {
  return op === RANGE_OP
    ? etcd.runRange(LIST_ENTRIES, concurrency, options.seconds, options.warmupSeconds)
    : etcd.run(op, concurrency, options.seconds);
}

/** Both sides of one pair at one concurrency, ours first; the figures go into `record` at `index`. */
async function measurePair(
  session: MetaSession,
  workloads: MetaWorkloads,
  etcd: EtcdPeer | undefined,
  record: PairRecord,
  index: number,
  options: E2eOptions,
): Promise<void> {
  const { pair } = record;
  const concurrency = options.concurrency[index]!;
  try {
    record.ours[index] = await measureOurs(BENCH, session, workloads, pair.ours, concurrency, options);
  } catch (error: unknown) {
    reportFailure(`${pair.ours} c=${concurrency}`, error);
  }
  if (etcd === undefined) return;
  try {
    const result = await measureEtcd(etcd, pair.etcd, concurrency, options);
    record.etcd[index] = result;
    emit(etcdLine(BENCH, pair.etcd, concurrency, result));
  } catch (error: unknown) {
    reportFailure(`etcd ${pair.etcd} c=${concurrency}`, error);
  }
}

function emitRatios(records: readonly PairRecord[], index: number, concurrency: number): void {
  for (const { pair, ours, etcd } of records) {
    const o = ours[index];
    const e = etcd[index];
    if (o === undefined || e === undefined) continue;
    const target = concurrency === TARGET_CONCURRENCY ? pair.target : undefined;
    emit(ratioLine(BENCH, pairLabel(pair), concurrency, o, e, target));
  }
}

function chart(records: readonly PairRecord[], options: E2eOptions, dir: string): void {
  const at = new Date();
  const pairs: PairFigures[] = records.map(({ pair, ours, etcd }) => ({
    label: `${pair.ours} vs ${pair.etcd}`,
    ours: options.concurrency.map((_, i): Figures | undefined => ours[i]),
    etcd: options.etcd ? options.concurrency.map((_, i): Figures | undefined => etcd[i]) : [],
  }));
  const subtitle =
    `${options.seconds} s measured per bar (ours after ${options.warmupSeconds} s warm-up), ` +
    `our calls to the ${options.target}; ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  note(`chart: ${writeE2eChart(dir, { concurrency: options.concurrency, pairs, subtitle }, at)}`);
}

async function main(): Promise<void> {
  const options = parseE2eOptions(process.argv.slice(2));
  const records: PairRecord[] = E2E_PAIRS.filter((p) => options.ops.includes(p.ours)).map((pair) => ({ pair, ours: [], etcd: [] }));
  await withMetaBench(options, 'e2e-etcd-', async ({ session, etcd, workloads }) => {
    for (const [index, concurrency] of options.concurrency.entries()) {
      for (const record of records) await measurePair(session, workloads, etcd, record, index, options);
      emitRatios(records, index, concurrency);
    }
  });
  if (options.chartDir !== undefined) chart(records, options, options.chartDir);
}

runBench('e2e', main);
