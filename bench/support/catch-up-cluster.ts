/**
 * The parent's side of bench/catch-up: node processes (support/catch-up-node), each with its own
 * dir under one temp dir, on loopback TCP. A node can be stopped (SIGTERM, a clean shutdown) and
 * started again on the same dir and address, as a restarted server would be. Messages from the
 * nodes arrive in one inbox; a node that dies unasked or reports a failure fails every wait.
 * close() stops every node and removes the temp dir, also after a failure.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isChildMessage, type ChildMessage, type ParentMessage } from './catch-up-protocol';
import { MessageInbox } from './message-inbox';
import { ForkedNode } from './forked-node';

const NODE_SCRIPT = join(__dirname, 'catch-up-node.js');
/** Opening a million-key FSM and a log of a million entries is quick, but the machine may be busy. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000; // a node under --cpu-prof writes its profile before it exits

export interface CatchUpClusterOptions {
  /** Parent of the run's temp dir (default: the OS temp dir). */
  readonly baseDir: string | undefined;
  /** The node script's arguments after ID, DIR and BIND. */
  readonly nodeArgs: readonly string[];
  /** Node flags for one run of one node (`run` counts its starts from 1), e.g. --cpu-prof. */
  readonly execArgv: (id: string, run: number) => string[];
  /** Nice value for a node's process (undefined: inherit ours). */
  readonly niceness: (id: string) => number | undefined;
}

export type StartedNode = Extract<ChildMessage, { type: 'listening' }>;

export class CatchUpCluster {
  readonly dir: string;
  private readonly nodes = new Map<string, ForkedNode<ParentMessage>>();
  /** Each node's address once it first listened: a restart binds it again. */
  private readonly addresses = new Map<string, string>();
  private readonly runs = new Map<string, number>();
  private readonly inbox = new MessageInbox<ChildMessage>((m) =>
    m.type === 'failed' ? new Error(`node ${m.id} failed: ${m.message}`) : undefined,
  );
  private closing: Promise<void> | undefined;

  constructor(private readonly options: CatchUpClusterOptions) {
    this.dir = mkdtempSync(join(options.baseDir ?? tmpdir(), 'catch-up-'));
  }

  /** Forks node `id` (on its old dir and address if it ran before) and waits until its transport listens. */
  async start(id: string): Promise<StartedNode> {
    if (this.closing !== undefined) throw new Error('cluster closing');
    if (this.nodes.has(id)) throw new Error(`node ${id} is running`);
    this.nodes.set(id, this.spawn(id));
    const started = await this.inbox.next('listening', START_TIMEOUT_MS, id);
    this.addresses.set(id, started.address);
    return started;
  }

  /** SIGTERM and wait for the exit (SIGKILL after a grace period). */
  async stop(id: string): Promise<void> {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`node ${id} is not running`);
    await node.stop(STOP_TIMEOUT_MS);
    this.nodes.delete(id);
  }

  send(id: string, message: ParentMessage): void {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`node ${id} is not running`);
    node.send(message);
  }

  next<K extends ChildMessage['type']>(type: K, timeoutMs: number, from?: string): Promise<Extract<ChildMessage, { type: K }>> {
    return this.inbox.next(type, timeoutMs, from);
  }

  /** Sends `message` to `id` and waits for its answer of type `answer`. */
  async ask<K extends ChildMessage['type']>(
    id: string,
    message: ParentMessage,
    answer: K,
    timeoutMs: number,
  ): Promise<Extract<ChildMessage, { type: K }>> {
    this.send(id, message);
    return this.next(answer, timeoutMs, id);
  }

  /** Stops every node, then removes the temp dir. Idempotent. */
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
    mkdirSync(dir, { recursive: true });
    const run = (this.runs.get(id) ?? 0) + 1;
    this.runs.set(id, run);
    const bind = this.addresses.get(id) ?? '127.0.0.1:0';
    return new ForkedNode<ParentMessage>(id, {
      script: NODE_SCRIPT,
      args: [id, dir, bind, ...this.options.nodeArgs],
      execArgv: this.options.execArgv(id, run),
      nice: this.options.niceness(id),
      onMessage: (message) => {
        if (isChildMessage(message)) this.inbox.push(message);
      },
      onFailure: (error) => this.inbox.fail(error),
    });
  }
}
