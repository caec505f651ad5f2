/**
 * Closed-loop clients of the fault suite: CreateNode, DeleteNode and GetNodeInfo on a few paths,
 * each call to a node picked at random (followers forward writes and serve linearizable reads
 * through the leader's read index), every call recorded for the linearizability checker.
 *
 * What an answer means: a write whose outcome the client cannot know (the node was killed, the
 * deadline passed, no leader) is an unknown outcome, which may have taken effect or not; a read
 * without an answer constrains nothing and is dropped. Any status other than the ones a
 * well-formed call may get is recorded as improper: the suite requires every answer to be a
 * proper gRPC status.
 */
import { setTimeout as pause } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { HistoryRecorder, type NamespaceInput, type NamespaceOutput, type Operation } from '../linearizability';
import { MetaCallError } from '../meta-cluster/meta-client';
import type { FaultCluster } from './fault-cluster';

/** Statuses a well-formed call may get while the cluster is under faults, besides its answers. */
const TRANSIENT: ReadonlySet<grpc.status> = new Set([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.ABORTED,
  grpc.status.CANCELLED,
]);

/** Pause of a client after a failed call, so a dead node is not hammered in a tight loop. */
const AFTER_FAILURE_MS = 20;

export interface WorkloadOptions {
  readonly clients: number;
  readonly paths: readonly string[];
  readonly random: () => number;
  readonly callTimeoutMs: number;
}

export interface WorkloadCounts {
  ok: number;
  unknown: number;
  refused: number;
}

export class NamespaceClients {
  private readonly recorder = new HistoryRecorder<NamespaceInput, NamespaceOutput>();
  private running = false;
  private loops: Promise<void>[] = [];
  readonly improper: string[] = [];
  readonly counts: WorkloadCounts = { ok: 0, unknown: 0, refused: 0 };

  constructor(
    private readonly cluster: FaultCluster,
    private readonly options: WorkloadOptions,
  ) {}

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.options.clients }, (_, i) => this.loop(`c${i}`));
  }

  /** Stops issuing calls and waits for those in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** A linearizable read of every path through `nodeId`, repeated until it answers, into the history. */
  async readAll(nodeId: string, withinMs: number): Promise<void> {
    const deadline = performance.now() + withinMs;
    for (const path of this.options.paths) {
      for (;;) {
        if (await this.call('final', nodeId, { op: 'stat', path })) break;
        if (performance.now() > deadline) throw new Error(`no answer to a read of ${path} from ${nodeId} within ${withinMs} ms`);
        await pause(AFTER_FAILURE_MS);
      }
    }
  }

  history(): Operation<NamespaceInput, NamespaceOutput>[] {
    return this.recorder.history();
  }

  private async loop(clientId: string): Promise<void> {
    const { random, paths } = this.options;
    const ids = this.cluster.ids;
    while (this.running) {
      const nodeId = ids[Math.floor(random() * ids.length)]!;
      const path = paths[Math.floor(random() * paths.length)]!;
      const roll = random();
      const input: NamespaceInput = roll < 0.4 ? { op: 'stat', path } : roll < 0.7 ? { op: 'create', path } : { op: 'delete', path };
      if (!(await this.call(clientId, nodeId, input))) await pause(AFTER_FAILURE_MS);
    }
  }

  /** One call, recorded; true when it got a definite answer. */
  private async call(clientId: string, nodeId: string, input: NamespaceInput): Promise<boolean> {
    const client = this.cluster.client(nodeId);
    const timeout = this.options.callTimeoutMs;
    const id = this.recorder.invoke(clientId, input, performance.now());
    try {
      switch (input.op) {
        case 'create':
          await client.call('CreateNode', { path: input.path, type: 'File' }, undefined, timeout);
          this.recorder.ok(id, 'ok', performance.now());
          break;
        case 'delete':
          await client.call('DeleteNode', { path: input.path, recursive: false }, undefined, timeout);
          this.recorder.ok(id, 'ok', performance.now());
          break;
        case 'stat':
          await client.call('GetNodeInfo', { path: input.path }, undefined, timeout);
          this.recorder.ok(id, 'found', performance.now());
          break;
      }
      this.counts.ok++;
      return true;
    } catch (error: unknown) {
      const code = error instanceof MetaCallError ? error.code : undefined;
      const answer = code === undefined ? undefined : definiteAnswer(input, code);
      if (answer !== undefined) {
        this.recorder.ok(id, answer, performance.now());
        this.counts.refused++;
        return true;
      }
      if (code === undefined || !TRANSIENT.has(code)) {
        this.improper.push(`${input.op} ${input.path} on ${nodeId}: ${error instanceof Error ? error.message : String(error)}`);
      }
      // A read that got no answer had no effect; a write might have.
      if (input.op === 'stat') this.recorder.fail(id);
      else this.recorder.unknown(id);
      this.counts.unknown++;
      return false;
    }
  }
}

/** The model's output for a refusal that is an answer (the path's existence decided it). */
function definiteAnswer(input: NamespaceInput, code: grpc.status): NamespaceOutput | undefined {
  if (input.op === 'create' && code === grpc.status.ALREADY_EXISTS) return 'exists';
  if (input.op !== 'create' && code === grpc.status.NOT_FOUND) return 'not-found';
  return undefined;
}
