/**
 * Options of bench/meta (and the number parsers bench/meta-scale shares):
 *
 *   --seconds 5                      measured seconds per measurement (ours and etcd's)
 *   --warmup 1                       seconds of our calls run first and not measured, per measurement
 *   --prewarm 5                      seconds of untimed calls (creates and stats at concurrency 64) before the first
 *   --concurrency 1,16,64,256        closed-loop clients per measurement
 *   --ops CreateNode,GetNodeInfo,ListDirectory,DeleteNode,FinalizeWrite
 *   --no-etcd                        skip the etcd peer (and the ratios)
 *   --target leader                  leader: every call to the leader (what the easyClient does); follower: to
 *                                    one follower; spread: each call to a random node, as the etcd peer's
 *                                    client spreads its calls over the etcd members
 *   --dir /path                      parent of the run's temp dirs (default: OS temp)
 *   --etcd-dir /path                 the etcd peer's scripts (default: shared/peers/etcd beside the repository)
 *   --verbose                        pass the nodes' info logs to stderr
 */
import { parseArgs } from 'node:util';
import { DEFAULT_ETCD_PEER_DIR } from './meta-etcd-peer';
import { META_OPS, type MetaOp } from './meta-workloads';

export type Target = 'leader' | 'follower' | 'spread';

export interface MetaBenchOptions {
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Seconds of untimed calls before the first measurement (0: none). */
  readonly prewarmSeconds: number;
  readonly concurrency: readonly number[];
  readonly ops: readonly MetaOp[];
  readonly etcd: boolean;
  readonly target: Target;
  readonly dir: string | undefined;
  readonly etcdDir: string;
  readonly verbose: boolean;
}

export function positiveNumber(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: need a number > 0, got ${JSON.stringify(text)}`);
  return v;
}

export function positiveInteger(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name}: need an integer >= 1, got ${JSON.stringify(text)}`);
  return v;
}

export function parseTarget(text: string): Target {
  if (text !== 'leader' && text !== 'follower' && text !== 'spread') throw new Error(`target: leader, follower or spread, got ${JSON.stringify(text)}`);
  return text;
}

function parseOps(text: string): MetaOp[] {
  const ops = text.split(',').map((o) => o.trim());
  for (const op of ops)
    if (!(META_OPS as readonly string[]).includes(op)) throw new Error(`ops: unknown ${JSON.stringify(op)} (known: ${META_OPS.join(',')})`);
  // Measured in the canonical order whatever the flag's order: DeleteNode uses what CreateNode left.
  return META_OPS.filter((op) => ops.includes(op));
}

/** The flags above, for parseArgs (bench/e2e parses them with its own). */
export const META_FLAGS = {
  seconds: { type: 'string' },
  warmup: { type: 'string' },
  prewarm: { type: 'string' },
  concurrency: { type: 'string' },
  ops: { type: 'string' },
  'no-etcd': { type: 'boolean' },
  target: { type: 'string' },
  dir: { type: 'string' },
  'etcd-dir': { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

/** What parseArgs gives for META_FLAGS: a string or a boolean per flag given. */
export type MetaFlagValues = {
  readonly [K in keyof typeof META_FLAGS]?: (typeof META_FLAGS)[K]['type'] extends 'boolean' ? boolean : string;
};

/** The options from parsed flags; `defaultOps` when --ops is not given. */
export function metaOptionsFrom(values: MetaFlagValues, defaultOps: readonly MetaOp[] = META_OPS): MetaBenchOptions {
  return {
    seconds: positiveNumber('seconds', values.seconds ?? '5'),
    warmupSeconds: values.warmup === '0' ? 0 : positiveNumber('warmup', values.warmup ?? '1'),
    prewarmSeconds: values.prewarm === '0' ? 0 : positiveNumber('prewarm', values.prewarm ?? '5'),
    concurrency: (values.concurrency ?? '1,16,64,256').split(',').map((c) => positiveInteger('concurrency', c.trim())),
    ops: parseOps(values.ops ?? defaultOps.join(',')),
    etcd: values['no-etcd'] !== true,
    target: parseTarget(values.target ?? 'leader'),
    dir: values.dir,
    etcdDir: values['etcd-dir'] ?? DEFAULT_ETCD_PEER_DIR,
    verbose: values.verbose === true,
  };
}

export function parseMetaOptions(argv: readonly string[]): MetaBenchOptions {
  const { values } = parseArgs({ args: [...argv], options: META_FLAGS, strict: true });
  return metaOptionsFrom(values);
}
