import { Raft, defaultConfig, seededRandom, type BugSwitches, type Configuration, type Logger, type Random } from '../../../src/raft/index';
import { InmemLogStore, InmemNetwork, InmemSnapshotStore, InmemStableStore, ManualClock } from '../../../src/raft/inmem/index';
import { KvFsm } from './kv-fsm';
import { SafetyChecker } from './safety-checker';

export interface SimNode {
  readonly id: string;
  readonly address: string;
  readonly logStore: InmemLogStore;
  readonly stableStore: InmemStableStore;
  readonly snapshotStore: InmemSnapshotStore;
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
  /** Override the per-seed snapshot shape (a scripted scenario snapshots on demand). */
  readonly snapshotThreshold?: number;
  readonly trailingLogs?: number;
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
  /** Snapshots taken, and installed from a leader, over the whole run. */
  readonly snapshotCounts = { taken: 0, installed: 0 };
  private readonly bugs: BugSwitches;
  private readonly seed: number;
  /** Per-seed shape: small append batches split old-term entries from new ones (Figure 8),
   * slow fsyncs widen the window between acknowledging and being durable. */
  readonly maxAppendEntries: number;
  readonly maxFsyncMs: number;
  /** Per-seed snapshot shape: small thresholds and trailing logs so that followers that fall
   * behind (crashed, partitioned, or added empty) often need InstallSnapshot. */
  readonly snapshotThreshold: number;
  readonly trailingLogs: number;
  /** The first `initialSize` nodes form the bootstrap configuration; the rest are spares. */
  private readonly initialSize: number;

  constructor(options: SimClusterOptions) {
    this.seed = options.seed;
    this.random = seededRandom(options.seed);
    this.bugs = options.bugs ?? {};
    this.maxAppendEntries = options.maxAppendEntries ?? [1, 2, 4, 16, 64][Math.floor(this.random.next() * 5)]!;
    this.maxFsyncMs = [2, 6, 20][Math.floor(this.random.next() * 3)]!;
    const threshold = [16, 64, 256][Math.floor(this.random.next() * 3)]!;
    const trailing = [0, 8, 64][Math.floor(this.random.next() * 3)]!;
    this.snapshotThreshold = options.snapshotThreshold ?? threshold;
    this.trailingLogs = options.trailingLogs ?? trailing;
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
        snapshotStore: new InmemSnapshotStore({ ...durability, readChunkBytes: 50 }),
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
    const fsm = new KvFsm({
      applied: (entry, chain) => {
        if (node.generation === generation) this.checker.onApply(node.id, entry, chain);
      },
      restored: (index, chain) => {
        if (node.generation === generation) this.checker.onRestore(node.id, index, chain);
      },
    });
    const config = {
      ...defaultConfig(node.id),
      heartbeatTimeoutMs: 150,
      electionTimeoutMs: 150,
      leaderLeaseTimeoutMs: 100,
      commitTimeoutMs: 10,
      applyTimeoutMs: 2000,
      maxAppendEntries: this.maxAppendEntries,
      snapshotIntervalMs: 200,
      snapshotThreshold: this.snapshotThreshold,
      trailingLogs: this.trailingLogs,
      // Small chunks and window: a snapshot of a few hundred bytes still streams in many chunks.
      snapshotChunkBytes: 64,
      snapshotWindowChunks: 2,
    };
    const raft = await Raft.create<string>({
      config,
      fsm,
      logStore: node.logStore,
      stableStore: node.stableStore,
      snapshotStore: node.snapshotStore,
      transport: this.network.transport(node.address),
      clock: this.clock,
      random: seededRandom(this.seed * 31 + node.id.charCodeAt(1) * 7919 + generation),
      scheduler: (cb) => this.clock.setTimer(0, cb),
      testOnlyBugs: this.bugs,
      logger: simLogger(node.id, this.clock),
    });
    raft.on('role-changed', ({ role, term }) => {
      if (role !== 'leader' || node.generation !== generation) return;
      this.checker.onLeader(node.id, term, raft as Raft<unknown>);
      for (const l of this.leaderListeners) l(node);
    });
    raft.on('snapshot-taken', () => this.snapshotCounts.taken++);
    raft.on('snapshot-installed', () => this.snapshotCounts.installed++);
    raft.on('fatal', ({ error }) => {
      if (node.generation === generation) this.checker.violation(`${node.id} stopped on a fatal error: ${String(error)}`);
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
    node.snapshotStore.crash();
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
      const raft = n.raft as Raft<unknown>;
      this.checker.observeCommit(n.id, raft, stats.commitIndex, stats.firstLogIndex);
      this.checker.observeLog({ id: n.id, raft, first: stats.firstLogIndex, last: stats.lastLogIndex });
    }
  }

  checkLogMatching(): void {
    this.checker.checkLogMatching(
      this.alive().map((n) => {
        const stats = n.raft!.stats();
        return { id: n.id, raft: n.raft as Raft<unknown>, first: stats.firstLogIndex, last: stats.lastLogIndex };
      }),
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

/** SIM_LOG=1 prints every node's log lines with the simulated time (for replaying a failing seed). */
function simLogger(id: string, clock: ManualClock): Logger | undefined {
  if (!process.env.SIM_LOG) return undefined;
  const line =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      process.stderr.write(`${clock.now()}ms ${id} ${level} ${message} ${fields ? JSON.stringify(fields) : ''}\n`);
    };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** Lets every pending promise continuation run (setImmediate runs after the microtask queue). */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
