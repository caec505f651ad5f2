/**
 * Options of bench/raft-tcp: those of bench/raft-inproc (support/cli.ts: --concurrency,
 * --seconds, --warmup, --payload, --dir, --max-pending, with their BENCH_* variables), except
 * that --concurrency defaults to 1,16,64,256, plus:
 *
 *   --rounds 1                BENCH_ROUNDS   ours/peer pairs per concurrency value
 *   --order alternate         BENCH_ORDER    alternate: ours first in odd rounds, the peer first in even
 *                                            rounds; random: a coin flip per pair
 *   --peer-binary PATH        BENCH_PEER     the hashicorp peer (default: what its build.sh prints)
 *   --skip-peer                              run ours only (e.g. for profiling)
 *   --cpu-prof-dir DIR                       run each node with --cpu-prof, profiles in DIR
 */
import { parseArgs } from 'node:util';
import { parseBenchOptions, type BenchOptions } from './cli';

export interface TcpBenchOptions extends BenchOptions {
  readonly rounds: number;
  readonly order: 'alternate' | 'random';
  readonly peerBinary: string | undefined;
  readonly skipPeer: boolean;
  readonly cpuProfDir: string | undefined;
}

const SHARED = ['concurrency', 'seconds', 'warmup', 'payload', 'dir', 'max-pending'] as const;

export function parseTcpBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): TcpBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      concurrency: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      payload: { type: 'string' },
      dir: { type: 'string' },
      'max-pending': { type: 'string' },
      rounds: { type: 'string' },
      order: { type: 'string' },
      'peer-binary': { type: 'string' },
      'skip-peer': { type: 'boolean' },
      'cpu-prof-dir': { type: 'string' },
    },
    strict: true,
  });
  const shared = SHARED.flatMap((name) => {
    const v = values[name];
    return v === undefined ? [] : [`--${name}`, v];
  });
  const base = parseBenchOptions(shared, { BENCH_CONCURRENCY: '1,16,64,256', ...env });

  const roundsText = values.rounds ?? env['BENCH_ROUNDS'] ?? '1';
  const rounds = Number(roundsText);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds: bad value ${JSON.stringify(roundsText)}`);
  const order = values.order ?? env['BENCH_ORDER'] ?? 'alternate';
  if (order !== 'alternate' && order !== 'random') throw new Error(`order: alternate or random, got ${JSON.stringify(order)}`);
  return {
    ...base,
    rounds,
    order,
    peerBinary: values['peer-binary'] ?? env['BENCH_PEER'],
    skipPeer: values['skip-peer'] === true,
    cpuProfDir: values['cpu-prof-dir'],
  };
}
