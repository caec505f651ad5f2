import { RaftError, NotLeaderError } from '../../../src/raft/index';
import { HistoryRecorder, type KvInput, type KvOutput } from '../linearizability/index';
import { encodeKvCommand } from './kv-fsm';
import type { SimCluster, SimNode } from './sim-cluster';

export interface WorkloadOptions {
  readonly clients: number;
  readonly opsPerClient: number;
  readonly keys: number;
}

/**
 * Closed-loop clients of the key-value register: writes through `apply`, linearizable reads
 * through `readIndex` then the node's own FSM. Every call is recorded for the linearizability
 * check; a call whose outcome the client cannot know (timeout, leadership lost, crash) is
 * recorded as unknown, one that certainly had no effect is dropped.
 */
export class Workload {
  readonly recorder = new HistoryRecorder<KvInput, KvOutput>();
  private finished = 0;
  completedOps = 0;

  constructor(
    private readonly cluster: SimCluster,
    private readonly options: WorkloadOptions,
  ) {}

  start(): void {
    for (let c = 0; c < this.options.clients; c++) void this.client(c);
  }

  done(): boolean {
    return this.finished === this.options.clients;
  }

  /** A client's think time, on the simulated clock (never the wall clock). */
  private pauseOnSimulatedClock(ms: number): Promise<void> {
    return new Promise((resolve) => this.cluster.clock.setTimer(ms, resolve));
  }

  private pickTarget(hint: string | undefined): SimNode | undefined {
    const alive = this.cluster.alive();
    if (alive.length === 0) return undefined;
    const hinted = hint ? alive.find((n) => n.id === hint) : undefined;
    return hinted ?? alive[Math.floor(this.cluster.random.next() * alive.length)];
  }

  private async client(c: number): Promise<void> {
    const random = this.cluster.random;
    let hint: string | undefined;
    for (let i = 0; i < this.options.opsPerClient;) {
      const node = this.pickTarget(hint);
      const raft = node?.raft;
      if (!node || !raft || raft.state() !== 'leader') {
        hint = raft?.leader()?.id ?? this.cluster.leader()?.id;
        await this.pauseOnSimulatedClock(5 + Math.floor(random.next() * 20));
        continue;
      }
      const key = `k${Math.floor(random.next() * this.options.keys)}`;
      const write = random.next() < 0.6;
      const input: KvInput = write ? { op: 'put', key, value: `c${c}-${i}` } : { op: 'get', key };
      const id = this.recorder.invoke(c, input, this.cluster.clock.now());
      i++;
      try {
        if (input.op === 'put') {
          await raft.apply(encodeKvCommand({ key, value: input.value }));
          this.recorder.ok(id, 'ok', this.cluster.clock.now());
        } else {
          await raft.readIndex();
          const fsm = node.fsm;
          if (!fsm || node.raft !== raft) throw new RaftError('shutdown', 'node restarted during read', 'not-applied');
          this.recorder.ok(id, fsm.get(key), this.cluster.clock.now());
        }
        this.completedOps++;
      } catch (error) {
        if (error instanceof NotLeaderError) hint = error.leaderId;
        if (error instanceof RaftError && (error.outcome === 'not-applied' || input.op === 'get')) this.recorder.fail(id);
        else this.recorder.unknown(id);
        await this.pauseOnSimulatedClock(5 + Math.floor(random.next() * 20));
      }
      await this.pauseOnSimulatedClock(Math.floor(random.next() * 3));
    }
    this.finished++;
  }
}
