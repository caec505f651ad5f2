/**
 * Options of bench/snapshot-memory: command-line flags win over environment variables, which win
 * over the defaults.
 *
 *   --snapshot-mb 1024     BENCH_SNAPSHOT_MB   size of the leader's snapshot, MiB
 *   --rounds 1             BENCH_ROUNDS        receivers added one after another, one full transfer each
 *   --entries 100                              commands applied before the snapshot is taken
 *   --chunk-kb 1024                             Config.snapshotChunkBytes / 1024 (default: the library's)
 *   --window 8                                  Config.snapshotWindowChunks (default: the library's)
 *   --target-rss-mb 300                         the leader's peak RSS target while sending
 *   --target-mb-per-s 50                        the transfer throughput target
 *   --seed 1                                    seed of the snapshot's pseudo-random bytes
 *   --dir /path            BENCH_DIR           parent of the run's temp dir (default: OS temp)
 *   --cpu-prof-dir DIR                          run each node with --cpu-prof, profiles in DIR
 *   --verbose                                   pass the nodes' info logs to stderr
 */
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../src/raft';

export interface SnapshotBenchOptions {
  readonly snapshotMb: number;
  readonly rounds: number;
  readonly entries: number;
  readonly chunkBytes: number;
  readonly windowChunks: number;
  readonly targetRssMb: number;
  readonly targetMbPerS: number;
  readonly seed: number;
  readonly dir: string | undefined;
  readonly cpuProfDir: string | undefined;
  readonly verbose: boolean;
}

function count(name: string, text: string, min: number): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`${name}: need an integer >= ${min}, got ${JSON.stringify(text)}`);
  return v;
}

export function parseSnapshotBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): SnapshotBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'snapshot-mb': { type: 'string' },
      rounds: { type: 'string' },
      entries: { type: 'string' },
      'chunk-kb': { type: 'string' },
      window: { type: 'string' },
      'target-rss-mb': { type: 'string' },
      'target-mb-per-s': { type: 'string' },
      seed: { type: 'string' },
      dir: { type: 'string' },
      'cpu-prof-dir': { type: 'string' },
      verbose: { type: 'boolean' },
    },
    strict: true,
  });
  const library = defaultConfig('defaults');
  return {
    snapshotMb: count('snapshot-mb', values['snapshot-mb'] ?? env['BENCH_SNAPSHOT_MB'] ?? '1024', 1),
    rounds: count('rounds', values.rounds ?? env['BENCH_ROUNDS'] ?? '1', 1),
    entries: count('entries', values.entries ?? '100', 1),
    chunkBytes: values['chunk-kb'] === undefined ? library.snapshotChunkBytes : count('chunk-kb', values['chunk-kb'], 1) * 1024,
    windowChunks: count('window', values.window ?? String(library.snapshotWindowChunks), 1),
    targetRssMb: count('target-rss-mb', values['target-rss-mb'] ?? '300', 1),
    targetMbPerS: count('target-mb-per-s', values['target-mb-per-s'] ?? '50', 1),
    seed: count('seed', values.seed ?? '1', 0),
    dir: values.dir ?? env['BENCH_DIR'],
    cpuProfDir: values['cpu-prof-dir'],
    verbose: values.verbose === true,
  };
}
