import { Raft, defaultConfig, seededRandom, type BugSwitches, type Configuration, type Random } from '../../../src/raft/index';
import { InmemLogStore, InmemNetwork, InmemStableStore, ManualClock } from '../../../src/raft/inmem/index';
import { KvFsm } from './kv-fsm';
import { SafetyChecker } from './safety-checker';

export interface SimNode {
  readonly id: string;
  readonly address: string;
  readonly logStore: InmemLogStore;
  readonly stableStore: InmemStableStore;
  raft: Raft<string> | undefined;
  fsm: KvFsm | undefined;
  /** Incarnation, so stale callbacks of a crashed instance are ignored. */
  generation: number;
}

export interface SimClusterOptions {
  readonly seed: number;
  readonly size: number;
  readonly bugs?: BugSwitches;
  /** Overrides the per-seed choice (a scripted scenario needs a fixed shape). */
  readonly maxAppendEntries?: number;
  /** Extra servers that start empty and unbootstrapped, for the nemesis to add (default 0). */
  readonly spares?: number;
  /** Send every message through the wire codec and damage this fraction of them. */
  readonly corruptRate?: number;
}

/**
 * A whole Raft cluster in one process on a manual clock: in-memory stores that lose whatever was
 * not yet durable on a crash, an in-memory network with faults, and a safety checker watching
 * every node. Everything random derives from one seed, so a run replays exactly.
 */
export class SimCluster {
  readonly clock = new ManualClock(0);
  readonly network: InmemNetwork;
  readonly random: Random;
  readonly checker = new SafetyChecker();
  readonly nodes: SimNode[] = [];
  /** Called when any node becomes leader (the nemesis reacts to fresh leaders). */
  readonly leaderListeners: ((node: SimNode) => void)[] = [];
  private readonly bugs: BugSwitches;
  private readonly seed: number;
  /** Per-seed shape: small append batches split old-term entries from new ones (Figure 8),
   * slow fsyncs widen the window between acknowledging and being durable. */
  readonly maxAppendEntries: number;
  readonly maxFsyncMs: number;
  /** The first `initialSize` nodes form the bootstrap configuration; the rest are spares. */
  private readonly initialSize: number;

  constructor(options: SimClusterOptions) {
    this.seed = options.seed;
    this.random = seededRandom(options.seed);
    this.bugs = options.bugs ?? {};
    this.maxAppendEntries = options.maxAppendEntries ?? [1, 2, 4, 16, 64][Math.floor(this.random.next() * 5)]!;
    this.maxFsyncMs = [2, 6, 20][Math.floor(this.random.next() * 3)]!;
    const corruptRate = options.corruptRate ?? 0;
    this.network = new InmemNetwork({
      clock: this.clock,
      seed: options.seed ^ 0x5bd1e995,
      faults: { minDelayMs: 1, maxDelayMs: 3 },
      ...(corruptRate > 0 ? { codec: true, corruptRate } : {}),
    });
    this.initialSize = options.size;
    for (let i = 1; i <= options.size + (options.spares ?? 0); i++) {
      const durability = { clock: this.clock, fsyncDelayMs: () => 1 + Math.floor(this.random.next() * this.maxFsyncMs) };
      this.nodes.push({
        id: `n${i}`,
        address: `addr-n${i}`,
        logStore: new InmemLogStore(durability),
        stableStore: new InmemStableStore(durability),
        raft: undefined,
        fsm: undefined,
        generation: 0,
      });
    }
  }

  configuration(): Configuration {
    return {
      servers: this.nodes.slice(0, this.initialSize).map((n) => ({ id: n.id, address: n.address, suffrage: 'voter' as const })),
    };
  }

  /** Starts every node and bootstraps each with the same configuration (as start.sh does). */
  async start(): Promise<void> {
    for (const n of this.nodes) await this.startNode(n);
    // Every initial member bootstraps with the same configuration; spares wait to be added.
    for (const n of this.nodes.slice(0, this.initialSize)) void n.raft!.bootstrapCluster(this.configuration());
  }

  async startNode(node: SimNode): Promise<void> {
    node.generation++;
    const generation = node.generation;
    const fsm = new KvFsm((entry) => {
      if (node.generation === generation) this.checker.onApply(node.id, entry);
    });
    const config = {
      ...defaultConfig(node.id),
      heartbeatTimeoutMs: 150,
      electionTimeoutMs: 150,
      leaderLeaseTimeoutMs: 100,
      commitTimeoutMs: 10,
      applyTimeoutMs: 2000,
      maxAppendEntries: this.maxAppendEntries,
    };
    const raft = await Raft.create<string>({
      config,
      fsm,
      logStore: node.logStore,
      stableStore: node.stableStore,
      transport: this.network.transport(node.address),
      clock: this.clock,
      random: seededRandom(this.seed * 31 + node.id.charCodeAt(1) * 7919 + generation),
      scheduler: (cb) => this.clock.setTimer(0, cb),
      testOnlyBugs: this.bugs,
    });
    raft.on('role-changed', ({ role, term }) => {
      if (role !== 'leader' || node.generation !== generation) return;
      this.checker.onLeader(node.id, term, raft as Raft<unknown>);
      for (const l of this.leaderListeners) l(node);
    });
    node.raft = raft;
    node.fsm = fsm;
    this.checker.forgetCommit(node.id);
  }

  /** Kills a node: it stops at once and loses every write that was not yet durable. */
  crash(node: SimNode): void {
    if (!node.raft) return;
    void node.raft.shutdown();
    node.raft = undefined;
    node.fsm = undefined;
    node.generation++;
    this.network.disconnect(node.address);
    node.logStore.crash();
    node.stableStore.crash();
  }

  alive(): SimNode[] {
    return this.nodes.filter((n) => n.raft !== undefined);
  }

  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.alive()) {
      if (n.raft!.state() === 'leader' && (!best || n.raft!.stats().term > best.raft!.stats().term)) best = n;
    }
    return best;
  }

  /** Called after every simulation step: record commits for the safety checks. */
  observe(): void {
    for (const n of this.nodes) {
      if (!n.raft) continue;
      const stats = n.raft.stats();
      this.checker.observeCommit(n.id, n.raft as Raft<unknown>, stats.commitIndex);
      this.checker.observeLog(n.id, n.raft as Raft<unknown>, stats.lastLogIndex);
    }
  }

  checkLogMatching(): void {
    this.checker.checkLogMatching(
      this.alive().map((n) => ({ id: n.id, raft: n.raft as Raft<unknown>, last: n.raft!.stats().lastLogIndex })),
    );
  }

  /** Runs timers (with their promise continuations) until `done()` or the time limit. */
  async runUntil(done: () => boolean, limitMs: number, stepHook?: () => void): Promise<boolean> {
    const deadline = this.clock.now() + limitMs;
    let steps = 0;
    while (!done()) {
      const next = this.clock.nextTimerAt();
      if (next === undefined || next > deadline) return false;
      this.clock.runNext();
      await drainMicrotasks();
      this.observe();
      stepHook?.();
      if (++steps % 2000 === 0) this.checkLogMatching();
    }
    return true;
  }
}

/** Lets every pending promise continuation run (setImmediate runs after the microtask queue). */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
