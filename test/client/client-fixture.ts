/**
 * What the client tests run against: an in-process 3-node MetaServer cluster, a fleet of fake
 * DataServers registered with it by heartbeat, a MinfsClient given every MetaServer address, and a
 * temp dir for local files. Everything is torn down by stop().
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetaConnection, MinfsClient, type MinfsClientOptions } from '../../src/client';
import { FakeFleet } from '../support/fake-dataserver/fake-dataserver';
import { MetaCluster, type MetaClusterOptions } from '../support/meta-cluster/meta-cluster';

export const MiB = 1024 * 1024;

/** How often the fakes report on their own, like a DataServer's heartbeat loop (the leader forgets silent ones after 10 s). */
const HEARTBEAT_EVERY_MS = 2_000;

export class ClientFixture {
  /** The fakes' own connection to the MetaServers (it follows the leader like a DataServer would). */
  private readonly beats: MetaConnection;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: (() => void)[];

  private constructor(
    readonly cluster: MetaCluster,
    readonly fleet: FakeFleet,
    readonly client: MinfsClient,
    readonly dir: string,
  ) {
    this.beats = new MetaConnection(cluster.nodes.map((n) => n.grpc.address));
    const beat = (): void => void this.heartbeat().catch(() => undefined);
    this.timer = setInterval(beat, HEARTBEAT_EVERY_MS).unref();
    // A new leader knows no DataServer until it hears from them: tell it at once (a real one waits a heartbeat interval).
    this.unsubscribe = cluster.nodes.map((n) => n.node.raft.on('role-changed', ({ role }) => role === 'leader' && beat()));
  }

  static async start(
    options: { dataServers?: number; cluster?: MetaClusterOptions; client?: Partial<MinfsClientOptions> } = {},
  ): Promise<ClientFixture> {
    const cluster = await MetaCluster.start(options.cluster);
    const fleet = await FakeFleet.start(options.dataServers ?? 3);
    const fixture = new ClientFixture(
      cluster,
      fleet,
      new MinfsClient({ metaAddresses: cluster.nodes.map((n) => n.grpc.address), ...options.client }),
      mkdtempSync(join(tmpdir(), 'minfs-client-')),
    );
    await fixture.heartbeat();
    return fixture;
  }

  get metaAddresses(): string[] {
    return this.cluster.nodes.map((n) => n.grpc.address);
  }

  /**
   * Every fake reports to the current leader now (placement uses only DataServers it heard from,
   * and replication counts only blocks reported since they were written).
   */
  async heartbeat(): Promise<void> {
    await this.fleet.heartbeat((request) => this.beats.call('Heartbeat', request));
  }

  /** A local file of `size` random bytes; returns its path and MD5. */
  localFile(name: string, size: number): { path: string; md5: string } {
    const data = randomBytes(size);
    const path = join(this.dir, name);
    writeFileSync(path, data);
    return { path, md5: createHash('md5').update(data).digest('hex') };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const off of this.unsubscribe) off();
    this.beats.close();
    this.client.close();
    this.fleet.stop();
    await this.cluster.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function md5Of(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}
