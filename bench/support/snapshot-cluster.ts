/**
 * The parent's side of bench/snapshot-memory: node processes (support/snapshot-node), started one
 * by one (a receiver joins mid-run), each with its own dir under one temp dir, talking TCP on
 * loopback. Messages from them arrive in one inbox; a node that dies or reports a failure fails
 * every wait. close() stops every node and removes the temp dir, also after a failure.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageInbox } from './message-inbox';
import { isChildMessage, type ChildMessage, type ParentMessage } from './snapshot-protocol';
import { ForkedNode } from './forked-node';

const NODE_SCRIPT = join(__dirname, 'snapshot-node.js');
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 20_000; // a node under --cpu-prof writes its profile before it exits

export interface SnapshotClusterOptions {
  /** Parent of the run's temp dir (default: the OS temp dir; it must hold the snapshot twice per receiver). */
  readonly baseDir: string | undefined;
  /** The node script's arguments after ID and DIR. */
  readonly nodeArgs: readonly string[];
  /** Node flags for one node's process (e.g. --cpu-prof ...). */
  readonly execArgv: (id: string) => string[];
}

export interface StartedNode {
  readonly id: string;
  readonly address: string;
  readonly pid: number;
}

export class SnapshotCluster {
  readonly dir: string;
  private readonly nodes = new Map<string, ForkedNode<ParentMessage>>();
  private readonly inbox = new MessageInbox<ChildMessage>((m) =>
    m.type === 'failed' ? new Error(`node ${m.id} failed: ${m.message}`) : undefined,
  );
  private closing: Promise<void> | undefined;

  constructor(private readonly options: SnapshotClusterOptions) {
    this.dir = mkdtempSync(join(options.baseDir ?? tmpdir(), 'snapshot-memory-'));
  }

  /** Forks node `id` and waits until its transport listens. */
  async start(id: string): Promise<StartedNode> {
    if (this.closing !== undefined) throw new Error('cluster closing');
    this.nodes.set(id, this.spawn(id));
    const { address, pid } = await this.inbox.next('listening', START_TIMEOUT_MS, id);
    return { id, address, pid };
  }

  send(id: string, message: ParentMessage): void {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`node ${id} is not running`);
    node.send(message);
  }

  next<K extends ChildMessage['type']>(type: K, timeoutMs: number, from?: string): Promise<Extract<ChildMessage, { type: K }>> {
    return this.inbox.next(type, timeoutMs, from);
  }

  /** SIGTERM to every node (SIGKILL after a grace period), then removes the temp dir. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.inbox.fail(new Error('cluster closing'));
    try {
      await Promise.all([...this.nodes.values()].map((n) => n.stop(STOP_TIMEOUT_MS)));
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private spawn(id: string): ForkedNode<ParentMessage> {
    const dir = join(this.dir, id);
    mkdirSync(dir);
    return new ForkedNode<ParentMessage>(id, {
      script: NODE_SCRIPT,
      args: [id, dir, ...this.options.nodeArgs],
      execArgv: this.options.execArgv(id),
      onMessage: (message) => {
        if (isChildMessage(message)) this.inbox.push(message);
      },
      onFailure: (error) => this.inbox.fail(error),
    });
  }
}
