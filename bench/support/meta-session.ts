/**
 * One benchmark run's MetaServer side: the 3-process cluster, the gRPC client of the node the
 * calls go to (the leader, or a follower that forwards), and measurement of a closed loop with the
 * leader's memory and any change of leadership around it. Registered with bench-main's open
 * clusters from the start, so an interrupt stops the node processes and removes the temp dir.
 */
import { MetaClient } from '../../test/support/meta-cluster/meta-client';
import { SpreadMetaClient, type MetaCaller } from './meta-spread-client';
import { openClusters } from './bench-main';
import type { Target } from './meta-cli';
import { runMetaLoop, type LoopResult, type LoopSpec, type WorkerCall } from './meta-closed-loop';
import { MetaProcessCluster } from './meta-process-cluster';
import { note } from './meta-lines';
import type { NodeStats } from './meta-protocol';

export interface Measured {
  readonly result: LoopResult;
  /** The leader's stats after the loop; peakRssMb covers the loop. */
  readonly leader: NodeStats;
  readonly leaderChanged: boolean;
}

export class MetaSession {
  private target: { readonly id: string; readonly client: MetaClient };
  private readonly spread: SpreadMetaClient | undefined;

  private constructor(
    readonly cluster: MetaProcessCluster,
    private readonly targetRole: Target,
  ) {
    this.target = this.clientOf(targetRole === 'follower' ? cluster.followerId() : cluster.leaderId());
    this.spread = targetRole === 'spread' ? new SpreadMetaClient(cluster.grpcAddresses()) : undefined;
  }

  /** Where the calls go now: the target node's client, or the spreading one. */
  get client(): MetaCaller {
    return this.spread ?? this.target.client;
  }

  get targetId(): string {
    return this.spread === undefined ? this.target.id : 'every node';
  }

  /**
   * Points the client at the node of the wanted role again if an election moved the leadership
   * (e.g. a leader starved by a heavy load): else "leader" figures would silently be forwarded ones.
   */
  async retarget(): Promise<void> {
    const leader = await this.cluster.waitForLeader(30_000);
    const wanted = this.targetRole !== 'follower' ? leader : this.target.id !== leader ? this.target.id : this.cluster.followerId();
    if (wanted === this.target.id) return;
    note(`calls now go to ${wanted} (${this.targetRole}), not ${this.target.id}`);
    this.target.client.close();
    this.target = this.clientOf(wanted);
  }

  static async open(options: {
    readonly baseDir: string | undefined;
    readonly verbose: boolean;
    readonly target: Target;
  }): Promise<MetaSession> {
    // Closes itself if it fails to start.
    const cluster = await MetaProcessCluster.start({ size: 3, baseDir: options.baseDir, verbose: options.verbose }, (c) =>
      openClusters.add(c),
    );
    return new MetaSession(cluster, options.target);
  }

  /** The current leader's stats; resetPeak starts its peak-RSS window anew. */
  async leaderStats(resetPeak = false): Promise<NodeStats> {
    return this.cluster.stats(await this.cluster.waitForLeader(30_000), resetPeak);
  }

  async measure(spec: LoopSpec, call: WorkerCall): Promise<Measured> {
    await this.leaderStats(true);
    const before = this.cluster.leadership();
    const result = await runMetaLoop(spec, call);
    const after = this.cluster.leadership();
    const leaderChanged = after.id !== before.id || after.announcements !== before.announcements;
    const leader = await this.leaderStats();
    return { result, leader, leaderChanged };
  }

  private clientOf(id: string): { readonly id: string; readonly client: MetaClient } {
    return { id, client: new MetaClient(this.cluster.grpcAddress(id)) };
  }

  async close(): Promise<void> {
    this.target.client.close();
    this.spread?.close();
    await this.cluster.close();
    openClusters.delete(this.cluster);
  }
}
