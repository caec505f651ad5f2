/**
 * Options of bench/raft-inproc: command-line flags win over environment variables, which win
 * over the defaults.
 *
 *   --concurrency 1,16,64,256   BENCH_CONCURRENCY   closed-loop appliers per run (one run each)
 *   --seconds 10                BENCH_SECONDS       measured seconds per run
 *   --warmup 1                  BENCH_WARMUP        seconds run first and not measured
 *   --payload 200               BENCH_PAYLOAD       bytes per entry
 *   --dir /path                 BENCH_DIR           parent of the per-node LMDB dirs (default: OS temp)
 *   --max-pending 65536         BENCH_MAX_PENDING   Config.maxPendingApplies
 */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  readonly concurrency: readonly number[];
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly payloadBytes: number;
  readonly dir: string | undefined;
  readonly maxPendingApplies: number;
}

function positive(name: string, text: string, integer: boolean): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) throw new Error(`${name}: bad value ${JSON.stringify(text)}`);
  return v;
}

export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      concurrency: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      payload: { type: 'string' },
      dir: { type: 'string' },
      'max-pending': { type: 'string' },
    },
    strict: true,
  });
  const pick = (flag: string | undefined, variable: string, fallback: string): string => flag ?? env[variable] ?? fallback;
  const concurrency = pick(values.concurrency, 'BENCH_CONCURRENCY', '64')
    .split(',')
    .map((c) => positive('concurrency', c.trim(), true));
  if (concurrency.length === 0 || concurrency.some((c) => c < 1)) throw new Error('concurrency: need integers >= 1');
  return {
    concurrency,
    seconds: positive('seconds', pick(values.seconds, 'BENCH_SECONDS', '10'), false),
    warmupSeconds: positive('warmup', pick(values.warmup, 'BENCH_WARMUP', '1'), false),
    payloadBytes: positive('payload', pick(values.payload, 'BENCH_PAYLOAD', '200'), true),
    dir: values.dir ?? env['BENCH_DIR'],
    maxPendingApplies: positive('max-pending', pick(values['max-pending'], 'BENCH_MAX_PENDING', '65536'), true),
  };
}
