/**
 * Three (or n) Raft voters in this process, each over its own LMDB stores in its own temp dir
 * (fsync on: the stores' defaults), wired by a LoopbackNetwork.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Raft, defaultConfig, type Config, type Server } from '../../src/raft';
import { openLmdbRaftStores, type LmdbRaftStores } from '../../src/raft/lmdb';
import { CountingFsm } from './counting-fsm';
import { LoopbackNetwork, type LoopbackTransport } from './loopback-network';

export interface ClusterNode {
  readonly id: string;
  readonly dir: string;
  readonly stores: LmdbRaftStores;
  readonly fsm: CountingFsm;
  readonly transport: LoopbackTransport;
  readonly raft: Raft<number>;
}

export interface InprocCluster {
  readonly network: LoopbackNetwork;
  readonly nodes: readonly ClusterNode[];
  /** Resolves with the leader once one node reports the leader role. */
  waitForLeader(timeoutMs: number): Promise<Raft<number>>;
  /** Shuts every node down, closes transports and stores, removes the temp dirs. */
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly size: number;
  /** Parent of the per-node temp dirs (default: the OS temp dir; keep it on a real disk). */
  readonly baseDir?: string;
  /** Adjusts each node's config (defaultConfig otherwise). */
  readonly tune?: (config: Config) => Config;
}

export async function startInprocCluster(options: ClusterOptions): Promise<InprocCluster> {
  const network = new LoopbackNetwork();
  const servers: Server[] = [];
  for (let i = 1; i <= options.size; i++) servers.push({ id: `n${i}`, address: `loop://n${i}`, suffrage: 'voter' });

  const nodes: ClusterNode[] = [];
  for (const s of servers) {
    const dir = mkdtempSync(join(options.baseDir ?? tmpdir(), `raft-inproc-${s.id}-`));
    const stores = openLmdbRaftStores(dir);
    const fsm = new CountingFsm();
    const config = (options.tune ?? ((c) => c))(defaultConfig(s.id));
    const transport = network.transport(s.address);
    const raft = await Raft.create<number>({ config, fsm, logStore: stores.logs, stableStore: stores.stable, transport });
    nodes.push({ id: s.id, dir, stores, fsm, transport, raft });
  }
  await nodes[0]!.raft.bootstrapCluster({ servers });

  return {
    network,
    nodes,
    waitForLeader: (timeoutMs) => waitForLeader(nodes, timeoutMs),
    close: () => closeCluster(nodes),
  };
}

/** Polls every 10 ms: simple, and election timing is not what this benchmark measures. */
async function waitForLeader(nodes: readonly ClusterNode[], timeoutMs: number): Promise<Raft<number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leader = nodes.find((n) => n.raft.state() === 'leader');
    if (leader !== undefined) return leader.raft;
    if (Date.now() > deadline) throw new Error(`no leader within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function closeCluster(nodes: readonly ClusterNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.raft.shutdown()));
  await Promise.all(nodes.map((n) => n.transport.close()));
  await Promise.all(nodes.map((n) => n.stores.close()));
  for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
}
