/**
 * A MetaServer cluster of real processes for the fault suite: 3 or 5 metaServer processes as an
 * operator starts them, each behind a fault-injecting proxy on its Raft port (peers dial the
 * proxy at the node's raft_addr; the node listens elsewhere with --raft-listen), optionally
 * etcd. The nemesis acts through it: kill -9, restart, SIGSTOP/SIGCONT, the links' conditions,
 * etcd stopped and started. Each node's log goes to logs/<id>.log under the run's directory,
 * kept when a run fails.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { EtcdServer } from '../etcd-server';
import { freePorts } from '../free-ports';
import { MetaClient } from '../meta-cluster/meta-client';
import { runMetaServer, type MetaServerProcess } from '../meta-server-process';
import { LinkFaults } from './link-faults';
import { RaftLinkProxy } from './raft-link-proxy';

export interface FaultClusterOptions {
  readonly dir: string;
  readonly size: number;
  /** Seeds the proxies' jitter and resets. */
  readonly random: () => number;
  readonly etcd?: EtcdServer | undefined;
  /** config.yaml's raft section beyond the peers (timings). */
  readonly raft: Record<string, unknown>;
  /** Environment of every node (e.g. MINFS_TEST_ONLY_RAFT_BUGS). */
  readonly env?: Readonly<Record<string, string>>;
  /** Puts the first node's data directory on a tmpfs of this many bytes (needs root), for disk-full faults. */
  readonly smallDiskBytes?: number;
}

/** A node's data directory on a small filesystem that the nemesis can fill up and free again. */
export interface SmallDisk {
  readonly nodeId: string;
  fill(): void;
  free(): void;
}

/** What metaServer logs when Raft stopped on a failure and the process is about to exit 1. */
const SELF_STOP_MESSAGE = 'raft stopped on a failure it cannot recover from; exiting';

export type NodeState = 'running' | 'paused' | 'killed';

interface Node {
  readonly id: string;
  readonly grpcPort: number;
  process: MetaServerProcess;
  state: NodeState;
  readonly proxy: RaftLinkProxy;
}

export class FaultCluster {
  readonly links: LinkFaults;
  private readonly nodes: Node[] = [];
  private readonly clients = new Map<string, MetaClient>();
  private mounted: string | undefined;
  /** Exits reap() found that no orderly stop announced, until crashed() reports them. */
  private readonly unexplained: string[] = [];

  private constructor(
    private readonly options: FaultClusterOptions,
    private readonly configFile: string,
    ids: readonly string[],
    private readonly listenPorts: readonly number[],
  ) {
    this.links = new LinkFaults(ids);
  }

  static async start(options: FaultClusterOptions): Promise<FaultCluster> {
    const { dir, size } = options;
    const ports = await freePorts(size * 3 + 1);
    const grpc = ports.slice(0, size);
    const advertised = ports.slice(size, 2 * size);
    const listen = ports.slice(2 * size, 3 * size);
    const ids = grpc.map((p) => `meta-${p}`);
    mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const config = {
      cluster: { id: 'faults' },
      etcd: { endpoints: [options.etcd?.endpoint ?? `127.0.0.1:${ports[3 * size]}`], timeout: '500ms' },
      raft: {
        peers: ids.map((id, i) => ({ id, raft_addr: `127.0.0.1:${advertised[i]}`, grpc_addr: `127.0.0.1:${grpc[i]}` })),
        ...options.raft,
      },
      logging: { level: 'info', file: path.join(dir, 'logs', '{id}.log') },
    };
    const configFile = path.join(dir, 'config.yaml');
    writeFileSync(configFile, stringify(config));
    const cluster = new FaultCluster(options, configFile, ids, listen);
    try {
      if (options.smallDiskBytes !== undefined) cluster.mountSmallDisk(path.join(dir, ids[0]!), options.smallDiskBytes);
      for (let i = 0; i < size; i++) {
        const proxy = await RaftLinkProxy.start(ids[i]!, advertised[i]!, listen[i]!, cluster.links, options.random);
        cluster.nodes.push({ id: ids[i]!, grpcPort: grpc[i]!, proxy, state: 'killed', process: undefined as unknown as MetaServerProcess });
      }
      await Promise.all(cluster.nodes.map((n) => cluster.launch(n)));
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  get ids(): string[] {
    return this.nodes.map((n) => n.id);
  }

  grpcAddress(id: string): string {
    return `127.0.0.1:${this.node(id).grpcPort}`;
  }

  state(id: string): NodeState {
    return this.node(id).state;
  }

  /** One client per node, kept for the cluster's life (a restarted node is dialled again by it). */
  client(id: string): MetaClient {
    let client = this.clients.get(id);
    if (client === undefined) {
      client = new MetaClient(this.grpcAddress(id));
      this.clients.set(id, client);
    }
    return client;
  }

  /** The small disk of the first node, when it could be mounted. */
  smallDisk(): SmallDisk | undefined {
    const mount = this.mounted;
    if (mount === undefined) return undefined;
    const ballast = path.join(mount, 'ballast');
    return {
      nodeId: this.nodes[0]!.id,
      fill: () => fillUp(ballast),
      free: () => rmSync(ballast, { force: true }),
    };
  }

  /**
   * A node that stopped on its own (Raft stops on a failed write and the process then exits 1),
   * counted as stopped so that it is started again: waits for the exit of a node that announced
   * it; returns its exit code, or undefined when it neither exited nor announced stopping.
   */
  async reap(id: string): Promise<number | null | undefined> {
    const node = this.node(id);
    if (node.state === 'killed') return undefined;
    const announced = node.process.lines.some((l) => l['message'] === SELF_STOP_MESSAGE);
    if (!announced && node.process.child.exitCode === null) return undefined;
    const [code] = await node.process.exited;
    node.state = 'killed';
    node.proxy.resetAll();
    // Exiting without saying why is a crash (an unhandled error), not the orderly stop.
    if (!announced) this.unexplained.push(`${id} exited ${code} without saying why: ${node.process.stderr().slice(-2_000)}`);
    return code;
  }

  /** kill -9: no goodbye, nothing flushed that was not already written. */
  async kill(id: string): Promise<void> {
    const node = this.node(id);
    if (node.state === 'killed') return;
    node.process.child.kill('SIGKILL');
    await node.process.exited;
    node.state = 'killed';
    node.proxy.resetAll();
  }

  async restart(id: string): Promise<void> {
    const node = this.node(id);
    if (node.state !== 'killed') return;
    await this.launch(node);
  }

  /** SIGSTOP: the process is frozen with its sockets open, as a long GC pause or a stalled VM. */
  pause(id: string): void {
    const node = this.node(id);
    if (node.state !== 'running') return;
    node.process.child.kill('SIGSTOP');
    node.state = 'paused';
  }

  resume(id: string): void {
    const node = this.node(id);
    if (node.state !== 'paused') return;
    node.process.child.kill('SIGCONT');
    node.state = 'running';
  }

  /**
   * The leader as the running nodes report it (GetLeader), once a majority of them agree on one
   * that is running; undefined when none is known within `withinMs`. Polls: the answer lives in
   * other processes, which send this one no event to wait on.
   */
  async leader(withinMs = 10_000): Promise<string | undefined> {
    const deadline = performance.now() + withinMs;
    while (performance.now() < deadline) {
      const running = this.nodes.filter((n) => n.state === 'running');
      const answers = await Promise.all(
        running.map((n) =>
          this.client(n.id)
            .call('GetLeader', {}, undefined, 500)
            .then((r) => (r.leader !== null && r.leader !== undefined && r.leader.port > 0 ? `meta-${r.leader.port}` : undefined))
            .catch(() => undefined),
        ),
      );
      const votes = new Map<string, number>();
      for (const a of answers) if (a !== undefined) votes.set(a, (votes.get(a) ?? 0) + 1);
      for (const [id, count] of votes) {
        if (count > this.nodes.length / 2 && this.nodes.some((n) => n.id === id && n.state === 'running')) return id;
      }
      await delay(50);
    }
    return undefined;
  }

  /** Every node running and every link up; nodes that exited on their own are started again. */
  async healAll(): Promise<void> {
    this.links.healAll();
    for (const node of this.nodes) {
      if (node.state === 'paused') this.resume(node.id);
      if (node.state === 'running' && node.process.child.exitCode !== null) node.state = 'killed';
    }
    await Promise.all(this.nodes.filter((n) => n.state === 'killed').map((n) => this.launch(n)));
  }

  /** The nodes that exited without being killed by us or stopping in order (a crash), with their stderr. */
  crashed(): string[] {
    const running = this.nodes
      .filter((n) => n.state !== 'killed' && n.process.child.exitCode !== null)
      .map((n) => `${n.id} exited ${n.process.child.exitCode}: ${n.process.stderr().slice(-2_000)}`);
    const found = [...this.unexplained, ...running];
    this.unexplained.length = 0;
    return found;
  }

  async close(): Promise<void> {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
    for (const node of this.nodes) {
      if (node.state === 'paused') node.process.child.kill('SIGCONT');
      if (node.process !== undefined && node.state !== 'killed') {
        node.process.child.kill('SIGKILL');
        await node.process.exited;
        node.state = 'killed';
      }
      await node.proxy.close();
    }
    if (this.mounted !== undefined) spawnSync('umount', ['-l', this.mounted]);
  }

  private mountSmallDisk(where: string, bytes: number): void {
    mkdirSync(where, { recursive: true });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', where], { encoding: 'utf8' });
    if (mounted.status === 0) this.mounted = where;
  }

  private node(id: string): Node {
    const node = this.nodes.find((n) => n.id === id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  private async launch(node: Node): Promise<void> {
    const i = this.nodes.indexOf(node);
    const { dir } = this.options;
    node.process = runMetaServer(
      [
        '--config',
        this.configFile,
        '--port',
        String(node.grpcPort),
        '--raft-listen',
        `127.0.0.1:${this.listenPorts[i]}`,
        '--data-dir',
        path.join(dir, node.id),
        '--bootstrap',
      ],
      this.options.env,
    );
    node.state = 'running';
    await node.process.line((l) => l['event'] === 'serving');
  }
}

/** Writes zeros to `file` until the filesystem has no room left. */
function fillUp(file: string): void {
  const fd = openSync(file, 'a');
  const chunk = Buffer.alloc(1 << 20);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}
