/**
 * Options of bench/catch-up: command-line flags win over environment variables, which win over
 * the defaults (the sizes and targets).
 *
 *   --keys 1000000           BENCH_KEYS      keys in the FSM at the end of the load
 *   --missing 200000         BENCH_MISSING   of those, the entries written while the follower is down
 *   --load-concurrency 256                   closed-loop appliers while loading
 *   --concurrency 16                         closed-loop appliers of the steady writes (baseline and transfer)
 *   --baseline-seconds 5                     measured seconds of writes without a transfer
 *   --warmup 1                               seconds of steady writes before the baseline window
 *   --trailing-logs 1000                     Config.trailingLogs (entries kept behind a snapshot)
 *   --chunk-kb 1024                          Config.snapshotChunkBytes / 1024 (default: the library's)
 *   --window 8                               Config.snapshotWindowChunks (default: the library's)
 *   --max-mb-per-s 64                        Config.snapshotMaxBytesPerSec in MiB/s (0: no limit; default: the library's)
 *   --target-mb-per-s 50                     the transfer throughput target
 *   --target-p99-ratio 2                     the write p99 during the transfer over the baseline's, at most
 *   --follower-nice N                        run n3 at this nice value (e.g. 19): on a machine with fewer cores
 *                                            than nodes, tells CPU contention from the catching-up follower
 *                                            apart from the leader's own cost of the transfer
 *   --seed 1                                 seed of the steady writes' key choice
 *   --dir /path              BENCH_DIR       parent of the run's temp dir (default: OS temp)
 *   --cpu-prof-dir DIR                       run each node with --cpu-prof, profiles in DIR
 *   --node-args="--trace-gc ..."             more Node flags for every node process (space-separated)
 *   --verbose                                pass the nodes' info logs to stderr
 */
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../src/raft';

export interface CatchUpBenchOptions {
  readonly keys: number;
  readonly missing: number;
  readonly loadConcurrency: number;
  readonly concurrency: number;
  readonly baselineSeconds: number;
  readonly warmupSeconds: number;
  readonly trailingLogs: number;
  readonly chunkBytes: number;
  readonly windowChunks: number;
  readonly maxBytesPerSec: number;
  readonly targetMbPerS: number;
  readonly targetP99Ratio: number;
  readonly followerNice: number | undefined;
  readonly seed: number;
  readonly dir: string | undefined;
  readonly cpuProfDir: string | undefined;
  readonly nodeArgs: readonly string[];
  readonly verbose: boolean;
}

function count(name: string, text: string, min: number): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`${name}: need an integer >= ${min}, got ${JSON.stringify(text)}`);
  return v;
}

function positive(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: need a number > 0, got ${JSON.stringify(text)}`);
  return v;
}

function niceValue(text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < -20 || v > 19) throw new Error(`follower-nice: need an integer in -20..19, got ${JSON.stringify(text)}`);
  return v;
}

export function parseCatchUpBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CatchUpBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      keys: { type: 'string' },
      missing: { type: 'string' },
      'load-concurrency': { type: 'string' },
      concurrency: { type: 'string' },
      'baseline-seconds': { type: 'string' },
      warmup: { type: 'string' },
      'trailing-logs': { type: 'string' },
      'chunk-kb': { type: 'string' },
      window: { type: 'string' },
      'max-mb-per-s': { type: 'string' },
      'target-mb-per-s': { type: 'string' },
      'target-p99-ratio': { type: 'string' },
      'follower-nice': { type: 'string' },
      seed: { type: 'string' },
      dir: { type: 'string' },
      'cpu-prof-dir': { type: 'string' },
      'node-args': { type: 'string' },
      verbose: { type: 'boolean' },
    },
    strict: true,
  });
  const library = defaultConfig('defaults');
  const keys = count('keys', values.keys ?? env['BENCH_KEYS'] ?? '1000000', 2);
  const missing = count('missing', values.missing ?? env['BENCH_MISSING'] ?? '200000', 1);
  if (missing >= keys) throw new Error(`missing (${missing}) must be below keys (${keys}): the follower needs a state to come back to`);
  const trailingLogs = count('trailing-logs', values['trailing-logs'] ?? '1000', 0);
  // Otherwise the leader could bring the follower up from its log and no snapshot would be sent.
  if (trailingLogs >= missing) throw new Error(`trailing-logs (${trailingLogs}) must be below missing (${missing})`);
  return {
    keys,
    missing,
    loadConcurrency: count('load-concurrency', values['load-concurrency'] ?? '256', 1),
    concurrency: count('concurrency', values.concurrency ?? '16', 1),
    baselineSeconds: positive('baseline-seconds', values['baseline-seconds'] ?? '5'),
    warmupSeconds: positive('warmup', values.warmup ?? '1'),
    trailingLogs,
    chunkBytes: values['chunk-kb'] === undefined ? library.snapshotChunkBytes : count('chunk-kb', values['chunk-kb'], 1) * 1024,
    windowChunks: count('window', values.window ?? String(library.snapshotWindowChunks), 1),
    maxBytesPerSec: count('max-mb-per-s', values['max-mb-per-s'] ?? String(library.snapshotMaxBytesPerSec / 2 ** 20), 0) * 2 ** 20,
    targetMbPerS: positive('target-mb-per-s', values['target-mb-per-s'] ?? '50'),
    targetP99Ratio: positive('target-p99-ratio', values['target-p99-ratio'] ?? '2'),
    followerNice: values['follower-nice'] === undefined ? undefined : niceValue(values['follower-nice']),
    seed: count('seed', values.seed ?? '1', 0),
    dir: values.dir ?? env['BENCH_DIR'],
    cpuProfDir: values['cpu-prof-dir'],
    nodeArgs: (values['node-args'] ?? '').split(' ').filter((a) => a !== ''),
    verbose: values.verbose === true,
  };
}
