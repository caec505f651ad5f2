/**
 * The op pairs of bench/e2e: each MetaServer op, the etcd op measured right after it at the same
 * concurrency, and the target for their ratio at TARGET_CONCURRENCY (issue 7):
 *
 *   CreateNode     vs txn-create   (load.js: create-if-absent with a parent check)   >= 2x, p99 <= etcd's
 *   GetNodeInfo    vs get          (load.js: a linearizable get of one key)           >= 1.5x, p99 <= etcd's
 *   ListDirectory  vs range-1000   (etcd-range-load.ts: a linearizable range read of 1,000 keys; no target)
 */
import type { EtcdOp } from './meta-etcd-peer';
import type { RatioTarget } from './meta-lines';
import { LIST_ENTRIES, type MetaOp } from './meta-workloads';

/** Our range load's op: as many keys as ListDirectory's directory has entries. */
export const RANGE_OP = `range-${LIST_ENTRIES}` as const;
export type E2eEtcdOp = EtcdOp | typeof RANGE_OP;

export interface E2ePair {
  readonly ours: MetaOp;
  readonly etcd: E2eEtcdOp;
  readonly target: RatioTarget | undefined;
}

export const E2E_PAIRS: readonly E2ePair[] = [
  { ours: 'CreateNode', etcd: 'txn-create', target: { throughput: 2, p99: 1 } },
  { ours: 'GetNodeInfo', etcd: 'get', target: { throughput: 1.5, p99: 1 } },
  { ours: 'ListDirectory', etcd: RANGE_OP, target: undefined },
];

/** Where the targets are checked. */
export const TARGET_CONCURRENCY = 64;

export const pairLabel = (pair: E2ePair): string => `${pair.ours}/${pair.etcd}`;
