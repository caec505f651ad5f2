/**
 * Options of bench/scale:
 *
 *   --inodes 10000000      inodes the import adds (directories of --per-dir files, the directories counted)
 *   --per-dir 1000         files per directory
 *   --in-flight 2          import calls (10,000 nodes each) in flight at once
 *   --seconds 10           measured seconds of each throughput measurement
 *   --warmup 2             seconds of calls run first and not measured, per measurement
 *   --prewarm 15           seconds of untimed creates and stats before the empty measurement (a cold
 *                          process would make the empty figure, the divisor of the ratio, look worse)
 *   --concurrency 64       closed-loop clients of the throughput measurements
 *   --memory-limit-gb 1    each metaServer process in a memory cgroup of its own with this limit (GB of
 *                          10^9 bytes), as a container would run it (needs root; default: no limit)
 *   --dir /path            parent of the run's temp dir (default: OS temp)
 *   --keep                 leave the temp dir (data directories, logs) behind
 */
import { parseArgs } from 'node:util';
import { positiveInteger, positiveNumber } from './meta-cli';

export interface ScaleOptions {
  readonly inodes: number;
  readonly perDir: number;
  readonly inFlight: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly prewarmSeconds: number;
  readonly concurrency: number;
  /** Bytes; undefined: no cgroup. */
  readonly memoryLimitBytes: number | undefined;
  readonly dir: string | undefined;
  readonly keep: boolean;
}

export function parseScaleOptions(argv: readonly string[]): ScaleOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      inodes: { type: 'string' },
      'per-dir': { type: 'string' },
      'in-flight': { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      prewarm: { type: 'string' },
      concurrency: { type: 'string' },
      'memory-limit-gb': { type: 'string' },
      dir: { type: 'string' },
      keep: { type: 'boolean' },
    },
    strict: true,
  });
  return {
    inodes: positiveInteger('inodes', values.inodes ?? '10000000'),
    perDir: positiveInteger('per-dir', values['per-dir'] ?? '1000'),
    inFlight: positiveInteger('in-flight', values['in-flight'] ?? '2'),
    seconds: positiveNumber('seconds', values.seconds ?? '10'),
    warmupSeconds: values.warmup === '0' ? 0 : positiveNumber('warmup', values.warmup ?? '2'),
    prewarmSeconds: values.prewarm === '0' ? 0 : positiveNumber('prewarm', values.prewarm ?? '15'),
    concurrency: positiveInteger('concurrency', values.concurrency ?? '64'),
    memoryLimitBytes:
      values['memory-limit-gb'] === undefined ? undefined : Math.round(positiveNumber('memory-limit-gb', values['memory-limit-gb']) * 1e9),
    dir: values.dir,
    keep: values.keep === true,
  };
}
