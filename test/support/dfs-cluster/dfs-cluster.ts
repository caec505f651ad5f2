/**
 * The whole system in one process for end-to-end tests: 3 MetaServers (MetaCluster: LMDB, Raft
 * over loopback TCP, gRPC on port 0), N reference DataServers on loopback with their blocks in the
 * test's temp dir, and a minfs client. Liveness and repair knobs are shortened so that a dead
 * DataServer is noticed in seconds; waits are on DataServer heartbeat events, never sleeps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataServer } from '../../../src/dataserver';
import { MinfsClient } from '../../../src/client';
import type { UpkeepSettings } from '../../../src/cluster/upkeep-settings';
import { MetaCluster } from '../meta-cluster/meta-cluster';

export const FAST_UPKEEP: Partial<UpkeepSettings> = {
  tickMs: 100,
  staleAfterMs: 1_000,
  deadAfterMs: 2_500,
  safeModeGraceMs: 3_000,
  resendAfterMs: 1_000,
  reportGraceMs: 300,
  repairTimeoutMs: 30_000,
  fullCheckMs: 2_000,
};
export const HEARTBEAT_MS = 200;

export class DfsCluster {
  private constructor(
    readonly dir: string,
    readonly meta: MetaCluster,
    readonly dataServers: DataServer[],
    readonly client: MinfsClient,
  ) {}

  static async start(options: { dataServers?: number; upkeep?: Partial<UpkeepSettings> } = {}): Promise<DfsCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'dfs-cluster-'));
    const meta = await MetaCluster.start({ upkeep: { ...FAST_UPKEEP, ...options.upkeep } });
    const metaAddresses = meta.nodes.map((n) => n.grpc.address);
    const dataServers: DataServer[] = [];
    for (let i = 1; i <= (options.dataServers ?? 4); i++) {
      dataServers.push(
        new DataServer({ id: `ds-${i}`, dataDir: join(dir, `ds-${i}`), metaServers: metaAddresses, heartbeatIntervalMs: HEARTBEAT_MS, capacityBytes: 64 * 1024 ** 3 }),
      );
    }
    const client = new MinfsClient({ metaAddresses });
    const cluster = new DfsCluster(dir, meta, dataServers, client);
    try {
      await Promise.all(dataServers.map((d) => d.start()));
      // Placement needs every server registered and live on the leader.
      await cluster.eventually('every DataServer registered', async () => {
        const leader = await meta.leader();
        return leader.node.upkeep.placementCandidates().length === dataServers.length;
      });
    } catch (error: unknown) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private readonly stopped = new Set<DataServer>();

  /** The DataServers still running. */
  running(): DataServer[] {
    return this.dataServers.filter((d) => !this.stopped.has(d));
  }

  /** Stops a DataServer as if it died (its blocks stay on its disk, unreachable). */
  async kill(server: DataServer): Promise<void> {
    this.stopped.add(server);
    await server.stop();
  }

  /**
   * Re-checks `condition` after each heartbeat any running DataServer gets answered (a tick of
   * the system every HEARTBEAT_MS) until it holds; fails after `timeoutMs`.
   */
  async eventually(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await condition()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}; ${this.describe()}`);
      const servers = this.running();
      if (servers.length === 0) throw new Error(`no DataServer runs while waiting for: ${what}`);
      // The next heartbeat attempt of any running server, answered or not (listeners removed after).
      // A timer bounds the wait too, so a DataServer that went quiet fails the test rather than hangs it.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          for (const d of servers) {
            d.events.off('heartbeat', done);
            d.events.off('heartbeat-failed', done);
          }
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, deadline - Date.now()) + 1);
        for (const d of servers) {
          d.events.on('heartbeat', done);
          d.events.on('heartbeat-failed', done);
        }
      });
    }
  }

  /** The leader's view, for a failure message. */
  describe(): string {
    const leader = this.meta.nodes.find((n) => n.node.raft.state() === 'leader');
    if (leader === undefined) return 'no leader';
    const { upkeep, reader } = leader.node;
    const servers = upkeep.tracker.all().map((s) => `${s.id}:${s.liveness}:${s.blocks.length}:${[...reader.blocksHeldBy(s.id)].length}`);
    const repairs = [...reader.registry().keys()].flatMap((id) => reader.repairsTo(id).map((r) => `${r.source}->${id}:${r.blockId}`));
    return `leader ${leader.node.settings.nodeId} ${JSON.stringify(upkeep.status())} ${JSON.stringify(reader.upkeepCounts())} servers(id:liveness:reported:mapped) ${servers.join(' ')} repairs ${repairs.slice(0, 20).join(' ')}`;
  }

  /** Every block id on every running DataServer's disk, with its holder. */
  storedBlocks(): { server: string; blockId: number }[] {
    return this.running().flatMap((d) => d.blockIds().map((blockId) => ({ server: d.id, blockId })));
  }

  async stop(): Promise<void> {
    this.client.close();
    await Promise.allSettled(this.dataServers.map((d) => d.stop()));
    await this.meta.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
