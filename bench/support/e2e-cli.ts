/**
 * Options of bench/e2e: bench/meta's (support/meta-cli.ts: --seconds, --warmup, --prewarm,
 * --concurrency, --no-etcd, --target, --dir, --etcd-dir, --verbose, parsed the same way), with
 * --ops limited to the ops that have an etcd counterpart (support/e2e-pairs.ts), and the chart's:
 *
 *   --ops CreateNode,GetNodeInfo,ListDirectory
 *   --chart DIR                      where e2e-<timestamp>.png is written (default: the current directory)
 *   --no-chart                       write no chart
 */
import { parseArgs } from 'node:util';
import { E2E_PAIRS } from './e2e-pairs';
import { META_FLAGS, metaOptionsFrom, type MetaBenchOptions } from './meta-cli';

export interface E2eOptions extends MetaBenchOptions {
  /** The chart's directory; undefined: no chart. */
  readonly chartDir: string | undefined;
}

export function parseE2eOptions(argv: readonly string[]): E2eOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...META_FLAGS, chart: { type: 'string' }, 'no-chart': { type: 'boolean' } },
    strict: true,
  });
  const paired = E2E_PAIRS.map((p) => p.ours);
  const options = metaOptionsFrom(values, paired);
  const unpaired = options.ops.filter((op) => !paired.includes(op));
  if (unpaired.length > 0) throw new Error(`ops: ${unpaired.join(',')} has no etcd pair here (paired: ${paired.join(',')})`);
  if (values['no-chart'] === true && values.chart !== undefined) throw new Error('--chart and --no-chart together');
  return { ...options, chartDir: values['no-chart'] === true ? undefined : (values.chart ?? '.') };
}
