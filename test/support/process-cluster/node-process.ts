/**
 * The parent's handle on one kv-node process (one incarnation: a restart forks a new one).
 * It forks the child, matches replies to requests by sequence number, and rejects every
 * request still waiting when the child exits, so no caller waits on a dead process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  isChildMessage,
  type ChildMessage,
  type KvNodeOptions,
  type NodeErrorInfo,
  type NodeOp,
  type NodeRequest,
  type NodeResults,
  type ParentMessage,
} from './protocol';

const NODE_SCRIPT = join(__dirname, 'kv-node.js');

/** A failed request: the node's own error (a RaftError's code and hint) or the process's fate. */
export class NodeRequestError extends Error {
  readonly code: string;
  readonly outcome: 'not-applied' | 'unknown';
  readonly leaderId: string | undefined;

  constructor(
    readonly nodeId: string,
    info: NodeErrorInfo,
  ) {
    super(`${nodeId}: ${info.message}`);
    this.name = 'NodeRequestError';
    this.code = info.code;
    this.outcome = info.outcome;
    this.leaderId = info.leaderId;
  }
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface NodeProcessOptions {
  readonly id: string;
  readonly dir: string;
  /** 0 on the first start; the previous port on a restart. */
  readonly port: number;
  readonly seed: number;
  readonly clusterId: string;
  /** How the node is built (FSM, snapshots, Raft overrides); {} for the defaults. */
  readonly node: KvNodeOptions;
  /** Every message that is not a reply (listening, role, leader, failed). */
  readonly onEvent: (message: Exclude<ChildMessage, { type: 'reply' }>) => void;
  readonly onExit: (info: ExitInfo) => void;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class NodeProcess {
  readonly id: string;
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private exit: ExitInfo | undefined;

  constructor(options: NodeProcessOptions) {
    this.id = options.id;
    const args = [options.id, options.dir, String(options.port), String(options.seed), options.clusterId, JSON.stringify(options.node)];
    // The child's stdout goes to our stderr: a test's stdout belongs to the test runner.
    this.child = fork(NODE_SCRIPT, args, { stdio: ['ignore', 2, 2, 'ipc'] });
    this.child.on('message', (message: unknown) => {
      if (!isChildMessage(message)) return;
      if (message.type === 'reply') this.settle(message);
      else options.onEvent(message);
    });
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.failPending({ code: 'node-exited', message: `exited (code ${code}, signal ${signal})`, outcome: 'unknown' });
        options.onExit(this.exit);
        resolve(this.exit);
      });
    });
    // A failed fork (or a failed send) also ends in 'exit' or is reported by send's callback.
    this.child.on('error', (error) => process.stderr.write(`# ${this.id}: child process error: ${error.message}\n`));
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends one operation; rejects with NodeRequestError (node-exited, ipc-timeout, or the node's error). */
  request<K extends NodeOp>(request: Extract<NodeRequest, { op: K }>, timeoutMs: number): Promise<NodeResults[K]> {
    if (!this.alive || !this.child.connected) {
      return Promise.reject(new NodeRequestError(this.id, { code: 'node-exited', message: 'not running', outcome: 'not-applied' }));
    }
    const seq = ++this.seq;
    return new Promise<NodeResults[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(
          new NodeRequestError(this.id, {
            code: 'ipc-timeout',
            message: `no reply to ${request.op} within ${timeoutMs} ms`,
            outcome: 'unknown',
          }),
        );
      }, timeoutMs);
      // The reply's value is whatever the child sent for this op (our own protocol): cast at the boundary.
      this.pending.set(seq, { resolve: (value) => resolve(value as NodeResults[K]), reject, timer });
      this.child.send({ type: 'request', seq, request }, (error) => {
        if (error !== null)
          this.settleError(seq, { code: 'node-exited', message: `send failed: ${error.message}`, outcome: 'not-applied' });
      });
    });
  }

  /** Sends a one-way message (bootstrap). */
  post(message: Extract<ParentMessage, { type: 'bootstrap' }>): void {
    if (this.child.connected) this.child.send(message);
  }

  /** Sends `signal` (unless already gone) and resolves once the process has exited. */
  async kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<ExitInfo> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }

  private settle(reply: Extract<ChildMessage, { type: 'reply' }>): void {
    if (reply.ok) {
      const pending = this.take(reply.seq);
      pending?.resolve(reply.value);
    } else {
      this.settleError(reply.seq, reply.error);
    }
  }

  private settleError(seq: number, info: NodeErrorInfo): void {
    this.take(seq)?.reject(new NodeRequestError(this.id, info));
  }

  private take(seq: number): Pending | undefined {
    const pending = this.pending.get(seq);
    if (pending === undefined) return undefined;
    this.pending.delete(seq);
    clearTimeout(pending.timer);
    return pending;
  }

  private failPending(info: NodeErrorInfo): void {
    for (const seq of [...this.pending.keys()]) this.settleError(seq, info);
  }
}
