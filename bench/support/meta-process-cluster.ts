/**
 * The parent's side of the MetaServer benchmarks: three (or n) MetaServer processes
 * (support/meta-node-process), each with its own dir under one fresh temp dir. The parent collects
 * their Raft and gRPC addresses, hands everyone the gRPC address table, has node 1 bootstrap the
 * voters and waits for a leader that has committed a barrier of its term. Role changes are
 * tracked, so a measurement can tell whether the leader changed under it. close() stops every
 * node and removes the temp dir, also after a failure.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ForkedNode } from './forked-node';
import { MessageInbox } from './message-inbox';
import { isChildMessage, type ChildMessage, type NodeStats, type ParentMessage } from './meta-protocol';

const NODE_SCRIPT = join(__dirname, 'meta-node-process.js');
const START_TIMEOUT_MS = 30_000;
const ASK_TIMEOUT_MS = 30_000;
/** A node stops its gRPC server (up to 5 s of grace for calls under way), Raft and stores. */
const STOP_TIMEOUT_MS = 20_000;

export interface MetaProcessClusterOptions {
  readonly size: number;
  /** Parent of the run's temp dir (default: the OS temp dir). */
  readonly baseDir: string | undefined;
  /** Pass the nodes' info logs to stderr. */
  readonly verbose: boolean;
}

type Listening = Extract<ChildMessage, { type: 'listening' }>;

export class MetaProcessCluster {
  readonly dir: string;
  private readonly nodes: ForkedNode<ParentMessage>[] = [];
  private readonly bound = new Map<string, Listening>();
  private readonly inbox = new MessageInbox<ChildMessage>((m) =>
    m.type === 'failed' ? new Error(`node ${m.id} failed: ${m.message}`) : undefined,
  );
  /** The first failure of a node (reported or an unasked exit): ends a wait for a leader at once. */
  private failure: Error | undefined;
  private leader: { id: string; term: number } | undefined;
  private leaderWaiters: (() => void)[] = [];
  /** Leadership announcements so far: more than one means an election after the first. */
  private announcements = 0;
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: MetaProcessClusterOptions) {
    this.dir = mkdtempSync(join(options.baseDir ?? tmpdir(), 'meta-bench-'));
  }

  /** Forks the nodes, wires them together and resolves once a leader serves. */
  static async start(options: MetaProcessClusterOptions, onCreated: (cluster: MetaProcessCluster) => void): Promise<MetaProcessCluster> {
    const cluster = new MetaProcessCluster(options);
    onCreated(cluster); // before anything can fail, so that an interrupt still closes it
    try {
      await cluster.wire();
    } catch (error: unknown) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  private async wire(): Promise<void> {
    for (let i = 1; i <= this.options.size; i++) this.nodes.push(this.spawn(`meta-${i}`));
    for (const n of this.nodes) this.bound.set(n.id, await this.inbox.next('listening', START_TIMEOUT_MS, n.id));
    const members = [...this.bound.values()].map((b) => ({ id: b.id, grpcAddress: b.grpcAddress }));
    for (const n of this.nodes) n.send({ type: 'members', members });
    for (const n of this.nodes) await this.inbox.next('members-set', START_TIMEOUT_MS, n.id);
    const servers = [...this.bound.values()].map((b) => ({ id: b.id, address: b.raftAddress, suffrage: 'voter' as const }));
    this.nodes[0]!.send({ type: 'bootstrap', servers });
    await this.waitForLeader(START_TIMEOUT_MS);
  }

  /** The serving leader's id (its first barrier committed). */
  leaderId(): string {
    if (this.leader === undefined) throw new Error('no leader');
    return this.leader.id;
  }

  /** Leader, term and how many leaderships have been announced: compare before and after a measurement. */
  leadership(): { readonly id: string | undefined; readonly term: number; readonly announcements: number } {
    return { id: this.leader?.id, term: this.leader?.term ?? 0, announcements: this.announcements };
  }

  /** A node that is not the leader. */
  followerId(): string {
    const leader = this.leaderId();
    const follower = this.nodes.find((n) => n.id !== leader);
    if (follower === undefined) throw new Error('no follower');
    return follower.id;
  }

  /** Every node's gRPC address. */
  grpcAddresses(): string[] {
    return this.nodes.map((n) => this.grpcAddress(n.id));
  }

  /** Every node's id. */
  ids(): string[] {
    return this.nodes.map((n) => n.id);
  }

  /** The operating-system process id of node `id` (for CPU accounting). */
  pid(id: string): number {
    const pid = this.bound.get(id)?.pid;
    if (pid === undefined) throw new Error(`node ${id} has not bound`);
    return pid;
  }

  grpcAddress(id: string): string {
    const b = this.bound.get(id);
    if (b === undefined) throw new Error(`no node ${id}`);
    return b.grpcAddress;
  }

  /** The node's stats; with resetPeak, its peak-RSS window starts anew after this reading. */
  async stats(id: string, resetPeak = false): Promise<NodeStats> {
    const node = this.nodes.find((n) => n.id === id);
    if (node === undefined) throw new Error(`no node ${id}`);
    node.send({ type: 'stats', resetPeak });
    return (await this.inbox.next('stats', ASK_TIMEOUT_MS, id)).stats;
  }

  async waitForLeader(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.leader === undefined) {
      if (this.failure !== undefined) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no leader within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.leaderWaiters.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
    return this.leader.id;
  }

  /** SIGTERM to every node (SIGKILL after a grace period), then removes the temp dir. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.inbox.fail(new Error('cluster closing'));
    try {
      await Promise.all(this.nodes.map((n) => n.stop(STOP_TIMEOUT_MS)));
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.inbox.fail(error);
    this.wakeLeaderWaiters();
  }

  private wakeLeaderWaiters(): void {
    const waiters = this.leaderWaiters;
    this.leaderWaiters = [];
    waiters.forEach((w) => w());
  }

  private onMessage(message: ChildMessage): void {
    if (message.type === 'role') {
      if (message.role !== 'leader' && this.leader?.id === message.id) this.leader = undefined;
      return;
    }
    if (message.type === 'leader') {
      this.leader = { id: message.id, term: message.term };
      this.announcements++;
      this.wakeLeaderWaiters();
      return;
    }
    if (message.type === 'failed') this.fail(new Error(`node ${message.id} failed: ${message.message}`));
    else this.inbox.push(message);
  }

  private spawn(id: string): ForkedNode<ParentMessage> {
    const dir = join(this.dir, id);
    mkdirSync(dir);
    return new ForkedNode<ParentMessage>(id, {
      script: NODE_SCRIPT,
      args: [id, dir, 'meta-bench', this.options.verbose ? '1' : '0'],
      // META_NODE_EXEC_ARGV="--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for profiling the nodes.
      execArgv: (process.env['META_NODE_EXEC_ARGV'] ?? '').split(' ').filter((a) => a !== ''),
      onMessage: (message) => {
        if (isChildMessage(message)) this.onMessage(message);
      },
      onFailure: (error) => this.fail(error),
    });
  }
}
