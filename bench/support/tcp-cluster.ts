/**
 * The parent's side of bench/raft-tcp: three (or n) node processes (support/raft-tcp-node), each
 * with its own LMDB dir under one temp dir, talking TCP on loopback. The parent collects their
 * bound addresses, sends everyone the full configuration (node 1 bootstraps it), learns the
 * leader from the leader itself, and asks the leader's process to run the load.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from '../../src/raft';
import { MessageInbox } from './message-inbox';
import { isChildMessage, type ChildMessage, type LoadCosts, type LoadResult, type LoadSpec, type ParentMessage } from './tcp-protocol';
import { ForkedNode } from './forked-node';

const NODE_SCRIPT = join(__dirname, 'raft-tcp-node.js');
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 20_000; // a node under --cpu-prof writes its profile before it exits

export interface TcpClusterOptions {
  readonly size: number;
  /** Parent of the run's temp dir (default: the OS temp dir; keep it on a real disk). */
  readonly baseDir?: string | undefined;
  readonly maxPendingApplies: number;
  /** Node flags for one node's process (e.g. --cpu-prof ...). */
  readonly execArgv: (id: string) => string[];
}

export class TcpCluster {
  readonly dir: string;
  private readonly nodes: ForkedNode<ParentMessage>[] = [];
  private readonly inbox = new MessageInbox<ChildMessage>((m) =>
    m.type === 'failed' ? new Error(`node ${m.id} failed: ${m.message}`) : undefined,
  );
  private closing: Promise<void> | undefined;

  constructor(private readonly options: TcpClusterOptions) {
    this.dir = mkdtempSync(join(options.baseDir ?? tmpdir(), 'raft-tcp-'));
    try {
      for (let i = 1; i <= options.size; i++) this.nodes.push(this.spawn(`n${i}`));
    } catch (error) {
      void this.close();
      throw error;
    }
  }

  /** Waits for every node's address, then sends everyone the configuration; node 1 bootstraps. */
  async configure(): Promise<void> {
    const servers: Server[] = [];
    for (const n of this.nodes) {
      const { address } = await this.inbox.next('listening', START_TIMEOUT_MS, n.id);
      servers.push({ id: n.id, address, suffrage: 'voter' });
    }
    this.nodes.forEach((n, i) => n.send({ type: 'configure', servers, bootstrap: i === 0 }));
  }

  /** The id of the node that reported leading (with its first barrier committed). */
  async waitForLeader(): Promise<string> {
    return (await this.inbox.next('leader', START_TIMEOUT_MS)).id;
  }

  /** Asks `leaderId`'s process to run the load; resolves with its figures and costs. */
  async runLoad(leaderId: string, spec: LoadSpec): Promise<{ result: LoadResult; costs: LoadCosts }> {
    const node = this.nodes.find((n) => n.id === leaderId);
    if (node === undefined) throw new Error(`no node ${leaderId}`);
    node.send({ type: 'load', spec });
    const timeoutMs = (spec.warmupSeconds + spec.seconds) * 1000 + 30_000;
    const { result, costs } = await this.inbox.next('result', timeoutMs, leaderId);
    return { result, costs };
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

  private spawn(id: string): ForkedNode<ParentMessage> {
    const dir = join(this.dir, id);
    mkdirSync(dir);
    return new ForkedNode<ParentMessage>(id, {
      script: NODE_SCRIPT,
      args: [id, dir, String(this.options.maxPendingApplies)],
      execArgv: this.options.execArgv(id),
      onMessage: (message) => {
        if (isChildMessage(message)) this.inbox.push(message);
      },
      onFailure: (error) => this.inbox.fail(error),
    });
  }
}
