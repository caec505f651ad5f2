/**
 * An in-process MetaServer cluster for tests: N nodes on real LMDB in a temp dir, Raft over TCP on
 * loopback, gRPC on port 0, node 1 bootstrapping all of them. Waits on Raft events, never sleeps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Config, type Logger } from '../../../src/raft';
import { startMetaNode, type RunningMetaNode } from '../../../src/cli/meta-node-assembly';
import { StaticMemberDirectory } from '../../../src/server/members';
import { MetaClient } from './meta-client';
import type { UpkeepSettings } from '../../../src/cluster/upkeep-settings';

/**
 * Fast timeouts: elections settle in a few hundred ms on loopback. The lease is as long as it may
 * be (the heartbeat timeout): every node of an in-process cluster shares one event loop, and a
 * leader whose loop stalled longer than its lease (a busy CI machine) steps down on waking, as its
 * followers, stalled in the same loop, answer only after it has checked; with 150 ms that deposed
 * a leader mid-test in CI.
 */
export const TEST_RAFT: Partial<Config> = { heartbeatTimeoutMs: 300, electionTimeoutMs: 300, leaderLeaseTimeoutMs: 300 };

/**
 * The production defaults' timeouts, for suites that check one leader's answers throughout and
 * exercise no failover (a leader change mid-suite is noise to them, not a finding).
 */
export const STEADY_RAFT: Partial<Config> = { heartbeatTimeoutMs: 1_000, electionTimeoutMs: 1_000, leaderLeaseTimeoutMs: 500 };

export interface MetaClusterOptions {
  readonly size?: number;
  readonly raft?: Partial<Config>;
  readonly logger?: Logger;
  readonly defaultReplication?: number;
  readonly purgeBatch?: number;
  /** DataServer liveness, repair and deletion knobs (tests shorten them). */
  readonly upkeep?: Partial<UpkeepSettings>;
}

export class MetaCluster {
  private readonly clients = new Map<string, MetaClient>();

  private constructor(
    readonly dir: string,
    readonly nodes: RunningMetaNode[],
    readonly members: StaticMemberDirectory,
  ) {}

  static async start(options: MetaClusterOptions = {}): Promise<MetaCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'meta-cluster-'));
    const members = new StaticMemberDirectory();
    const nodes: RunningMetaNode[] = [];
    try {
      for (let i = 1; i <= (options.size ?? 3); i++) {
        const id = `meta-${i}`;
        const node = await startMetaNode({
          id,
          dir: join(dir, id),
          raftBind: '127.0.0.1:0',
          grpcBind: '127.0.0.1:0',
          clusterId: 'meta-test',
          members,
          logger: options.logger ?? silentLogger,
          raft: { ...TEST_RAFT, ...options.raft },
          ...(options.upkeep === undefined ? {} : { upkeep: options.upkeep }),
          settings: { defaultReplication: options.defaultReplication ?? 3, purgeBatch: options.purgeBatch ?? 1_000 },
        });
        members.set(id, node.grpc.address);
        nodes.push(node);
      }
      await nodes[0]!.bootstrap({ servers: nodes.map((n) => ({ id: n.node.settings.nodeId, address: n.raftAddress, suffrage: 'voter' as const })) });
      const cluster = new MetaCluster(dir, nodes, members);
      await cluster.leader();
      return cluster;
    } catch (error: unknown) {
      await Promise.allSettled(nodes.map((n) => n.stop()));
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The leader, once one is elected and has applied an entry of its term (waits on Raft events). */
  async leader(): Promise<RunningMetaNode> {
    for (;;) {
      const current = this.nodes.find((n) => n.node.raft.state() === 'leader');
      if (current !== undefined) {
        try {
          await current.node.raft.barrier();
        } catch {
          // Leadership moved while the barrier was in flight (a loaded machine): look again.
          continue;
        }
        if (current.node.raft.state() === 'leader') return current;
        continue;
      }
      await Promise.race(this.nodes.map((n) => new Promise<void>((resolve) => {
        const off = n.node.raft.on('role-changed', () => {
          off();
          resolve();
        });
      })));
    }
  }

  async followers(): Promise<RunningMetaNode[]> {
    const leader = await this.leader();
    return this.nodes.filter((n) => n !== leader);
  }

  client(node: RunningMetaNode): MetaClient {
    let client = this.clients.get(node.grpc.address);
    if (client === undefined) {
      client = new MetaClient(node.grpc.address);
      this.clients.set(node.grpc.address, client);
    }
    return client;
  }

  /** Waits until every node has applied what the leader has applied. */
  async converged(): Promise<void> {
    const leader = await this.leader();
    await leader.node.raft.barrier();
    await leader.node.fsm.settled();
    const target = leader.node.fsm.appliedIndex();
    await Promise.all(
      this.nodes.map(
        (n) =>
          new Promise<void>((resolve) => {
            if (n.node.fsm.appliedIndex() >= target) return resolve();
            const off = n.node.fsm.onApplied((index) => {
              if (index >= target) {
                off();
                resolve();
              }
            });
          }),
      ),
    );
  }

  async digests(): Promise<string[]> {
    await this.converged();
    return Promise.all(this.nodes.map(async (n) => (await n.node.fsm.digest()).hash));
  }

  async stop(): Promise<void> {
    for (const client of this.clients.values()) client.close();
    await Promise.allSettled(this.nodes.map((n) => n.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
