/**
 * Options of bench/meta-scale:
 *
 *   --files 1000000           files the fill creates
 *   --seconds 5               measured seconds of each CreateNode measurement
 *   --warmup 1                seconds of calls run first and not measured, per measurement
 *   --prewarm 15              seconds of untimed calls (creates and stats) before the empty measurement: with
 *                             5 s the empty figure still came out 25-35% under the full one (a cold process)
 *   --concurrency 64          closed-loop clients of the CreateNode measurements
 *   --fill-concurrency 256    CreateNode calls in flight during the fill
 *   --dir-entries 1000        files per directory of the fill
 *   --progress-seconds 5      how often the fill's progress goes to stderr
 *   --target leader           leader, or follower (which forwards)
 *   --dir /path               parent of the run's temp dir (default: OS temp)
 *   --verbose                 pass the nodes' info logs to stderr
 */
import { parseArgs } from 'node:util';
import { parseTarget, positiveInteger, positiveNumber, type Target } from './meta-cli';

export interface MetaScaleOptions {
  readonly files: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Seconds of untimed calls before the first measurement (0: none). */
  readonly prewarmSeconds: number;
  readonly concurrency: number;
  readonly fillConcurrency: number;
  readonly dirEntries: number;
  readonly progressSeconds: number;
  readonly target: Target;
  readonly dir: string | undefined;
  readonly verbose: boolean;
}

export function parseMetaScaleOptions(argv: readonly string[]): MetaScaleOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      files: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      prewarm: { type: 'string' },
      concurrency: { type: 'string' },
      'fill-concurrency': { type: 'string' },
      'dir-entries': { type: 'string' },
      'progress-seconds': { type: 'string' },
      target: { type: 'string' },
      dir: { type: 'string' },
      verbose: { type: 'boolean' },
    },
    strict: true,
  });
  return {
    files: positiveInteger('files', values.files ?? '1000000'),
    seconds: positiveNumber('seconds', values.seconds ?? '5'),
    warmupSeconds: values.warmup === '0' ? 0 : positiveNumber('warmup', values.warmup ?? '1'),
    prewarmSeconds: values.prewarm === '0' ? 0 : positiveNumber('prewarm', values.prewarm ?? '15'),
    concurrency: positiveInteger('concurrency', values.concurrency ?? '64'),
    fillConcurrency: positiveInteger('fill-concurrency', values['fill-concurrency'] ?? '256'),
    dirEntries: positiveInteger('dir-entries', values['dir-entries'] ?? '1000'),
    progressSeconds: positiveNumber('progress-seconds', values['progress-seconds'] ?? '5'),
    target: parseTarget(values.target ?? 'leader'),
    dir: values.dir,
    verbose: values.verbose === true,
  };
}
