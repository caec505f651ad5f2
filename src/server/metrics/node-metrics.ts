/**
 * The metrics one MetaServer node records as it works (gRPC calls, Raft latencies, snapshots), in
 * that node's own registry: test clusters host several nodes in one process, and each must report
 * only its own. metrics-server.ts serves the registry and adds the gauges read at scrape time.
 */
import { Registry } from 'prom-client';
import type { MetaNode } from '../meta-node';
import { GrpcServerMetrics } from './grpc-metrics';
import { RaftMetrics } from './raft-metrics';

export class NodeMetrics {
  readonly registry = new Registry();
  readonly grpc: GrpcServerMetrics;
  readonly raft: RaftMetrics;

  constructor(node: Pick<MetaNode, 'raft' | 'clock'>) {
    this.grpc = new GrpcServerMetrics(this.registry, node.clock);
    this.raft = new RaftMetrics(this.registry, node.raft);
  }
}

/**
 * Keyed by the node object, so the gRPC handlers, propose() and the metrics endpoint of one node
 * find the same metrics without the composition roots (the CLI, the test harnesses, benchmarks)
 * having to build and pass them; weak, so a stopped node's metrics go with it.
 */
const byNode = new WeakMap<MetaNode, NodeMetrics>();

/** This node's metrics, made on first use (before the node's first call or proposal). */
export function nodeMetrics(node: MetaNode): NodeMetrics {
  let metrics = byNode.get(node);
  if (metrics === undefined) {
    metrics = new NodeMetrics(node);
    byNode.set(node, metrics);
  }
  return metrics;
}
