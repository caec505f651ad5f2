/**
 * A three-node cluster in one process on a manual clock, for the disaster-recovery tests
 * (user-restore, recover-cluster): in-memory stores by default, or any stores a test opens (LMDB
 * and files). Its FSM plays a persistent one that is strict about order, as the namespace FSM is.
 */
import assert from 'node:assert/strict';
import {
  LogType,
  Raft,
  defaultConfig,
  seededRandom,
  type Config,
  type Configuration,
  type FSM,
  type FSMSnapshot,
  type LogEntry,
  type LogStore,
  type RestorePoint,
  type SnapshotStore,
  type StableStore,
} from '../../src/raft/index';
import { InmemLogStore, InmemNetwork, InmemSnapshotStore, InmemStableStore, ManualClock } from '../../src/raft/inmem/index';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A key-value FSM that outlives its Raft (the object plays the disk): every batch is durable when
 * applyBatch returns and appliedIndex() reports it; a batch that does not continue the applied
 * index is a Raft bug and throws (fatal). Its snapshots carry their applied index, and restore()
 * records max(that, the restore point) as the namespace FSM does. Commands are `key=value`.
 */
export class KvFsm implements FSM<string> {
  readonly data = new Map<string, string>();
  applied = 0;
  restores = 0;

  /** The bytes a snapshot of `data` at `applied` holds (what a backup tool would have saved). */
  static encode(data: ReadonlyMap<string, string>, applied: number): Uint8Array {
    return encoder.encode(JSON.stringify({ applied, data: [...data] }));
  }

  applyBatch(entries: readonly LogEntry[]): string[] {
    return entries.map((e) => {
      if (e.index !== this.applied + 1) throw new Error(`kv: entry ${e.index} handed over after ${this.applied}`);
      this.applied = e.index;
      if (e.type !== LogType.Command) return '';
      const [key, value] = decoder.decode(e.data).split('=');
      this.data.set(key!, value!);
      return 'set';
    });
  }

  apply(): string {
    throw new Error('applyBatch is used');
  }

  appliedIndex(): number {
    return this.applied;
  }

  snapshot(): FSMSnapshot {
    const bytes = KvFsm.encode(this.data, this.applied);
    return {
      // Two chunks, so that a reader sees more than one.
      persist: async (write) => {
        const half = bytes.byteLength >> 1;
        await write(bytes.subarray(0, half));
        await write(bytes.subarray(half));
      },
      release: () => undefined,
    };
  }

  async restore(chunks: AsyncIterable<Uint8Array>, at?: RestorePoint): Promise<void> {
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c);
    const state = JSON.parse(decoder.decode(Buffer.concat(parts))) as { applied: number; data: [string, string][] };
    this.data.clear();
    for (const [k, v] of state.data) this.data.set(k, v);
    this.applied = Math.max(state.applied, at?.index ?? 0);
    this.restores++;
  }

  digest(): string {
    return JSON.stringify([...this.data].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/** A node's durable state: the stores (and FSM) survive its Raft. */
export interface NodeStores {
  readonly logStore: LogStore;
  readonly stableStore: StableStore;
  readonly snapshotStore: SnapshotStore;
  /** Closes what the stores hold open (LMDB), after the node's Raft has shut down. */
  close?(): Promise<void>;
}

/** How many turns of I/O make one millisecond while a log write is under way (see until()). */
const SLOW_WHILE_WRITING = 50;

export interface TestNode {
  readonly id: string;
  readonly address: string;
  fsm: KvFsm;
  stores: NodeStores;
  raft: Raft<string>;
  /** 'snapshot-installed' events seen since the node was opened, by index. */
  installed: number[];
}

export interface ClusterOptions {
  readonly deferSnapshotCopies?: boolean;
  /** Opens a node's stores (default: in memory); `clock` is the cluster's. */
  readonly openStores?: (id: string, clock: ManualClock) => Promise<NodeStores> | NodeStores;
  /** Timing (default: 50 ms heartbeat and election, 40 ms lease); slower for stores doing real I/O. */
  readonly timing?: Partial<Pick<Config, 'heartbeatTimeoutMs' | 'electionTimeoutMs' | 'leaderLeaseTimeoutMs'>>;
  /** Clock steps until() takes before giving up (default 20,000): real I/O lets many steps pass per write. */
  readonly maxSteps?: number;
}

export function inmemStores(): NodeStores {
  return { logStore: new InmemLogStore(), stableStore: new InmemStableStore(), snapshotStore: new InmemSnapshotStore() };
}

export class TestCluster {
  readonly clock = new ManualClock(0);
  readonly network = new InmemNetwork({ clock: this.clock, seed: 11 });
  readonly nodes: TestNode[] = [];

  private constructor(private readonly options: ClusterOptions) {}

  /** Three voters a, b, c, bootstrapped, with a leader elected. */
  static async start(options: ClusterOptions = {}): Promise<TestCluster> {
    const cluster = new TestCluster(options);
    for (const id of ['a', 'b', 'c']) {
      const stores = await (options.openStores ?? inmemStores)(id, cluster.clock);
      const node: TestNode = { id, address: `addr-${id}`, fsm: new KvFsm(), stores, raft: undefined!, installed: [] };
      await cluster.open(node);
      cluster.nodes.push(node);
    }
    void cluster.nodes[0]!.raft.bootstrapCluster(cluster.configurationOf(cluster.nodes));
    await cluster.until(() => cluster.leader() !== undefined, 'a leader');
    return cluster;
  }

  config(id: string): Config {
    return {
      ...defaultConfig(id),
      heartbeatTimeoutMs: 50,
      electionTimeoutMs: 50,
      leaderLeaseTimeoutMs: 40,
      ...this.options.timing,
      // Snapshots only when a test asks, with nothing of the log kept behind them.
      snapshotIntervalMs: 3_600_000,
      trailingLogs: 0,
      deferSnapshotCopies: this.options.deferSnapshotCopies ?? false,
    };
  }

  configurationOf(nodes: readonly TestNode[]): Configuration {
    return { servers: nodes.map((n) => ({ id: n.id, address: n.address, suffrage: 'voter' as const })) };
  }

  /** (Re)starts `node`'s Raft over its stores and FSM. */
  async open(node: TestNode): Promise<void> {
    this.network.disconnect(node.address);
    node.installed = [];
    node.raft = await Raft.create<string>({
      config: this.config(node.id),
      fsm: node.fsm,
      logStore: node.stores.logStore,
      stableStore: node.stores.stableStore,
      snapshotStore: node.stores.snapshotStore,
      transport: this.network.transport(node.address),
      clock: this.clock,
      random: seededRandom(node.id.charCodeAt(0)),
      scheduler: (cb) => this.clock.setTimer(0, cb),
    });
    node.raft.on('snapshot-installed', ({ index }) => node.installed.push(index));
  }

  leader(): TestNode | undefined {
    return this.nodes.find((n) => n.raft.state() === 'leader');
  }

  followersOf(leader: TestNode): TestNode[] {
    return this.nodes.filter((n) => n !== leader);
  }

  /**
   * Advances the clock a millisecond at a time, letting I/O run in between, until `done`. On
   * stores of its own (real disks) the clock runs SLOW_WHILE_WRITING times slower while a node's
   * log write is on its way: a slow fsync (a loaded machine) would otherwise pass for seconds of
   * silence and cost the leader its lease (seen in a full test run: the membership change of a
   * recovered node failed). It never stops: the stores' own timers run on it.
   */
  async until(done: () => boolean, what: string): Promise<void> {
    const maxSteps = this.options.maxSteps ?? 20_000;
    for (let i = 0; i < maxSteps && !done(); i++) {
      if (!this.writingLog() || i % SLOW_WHILE_WRITING === 0) this.clock.advance(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(done(), `${what}: not reached`);
  }

  private writingLog(): boolean {
    if (this.options.openStores === undefined) return false; // in memory: a write is never slow
    return this.nodes.some((n) => {
      const s = n.raft.stats();
      return s.state !== 'shutdown' && s.persistedIndex < s.lastLogIndex;
    });
  }

  /** Settles `promise` while the cluster runs; fails if it has not settled within the steps. */
  async settle<T>(promise: Promise<T>, what: string): Promise<PromiseSettledResult<T>> {
    let result: PromiseSettledResult<T> | undefined;
    promise.then(
      (value) => (result = { status: 'fulfilled', value }),
      (reason: unknown) => (result = { status: 'rejected', reason }),
    );
    await this.until(() => result !== undefined, what);
    return result!;
  }

  /** Applies `key=value` for each pair through `leader` and waits until all are applied there. */
  async write(leader: TestNode, pairs: readonly (readonly [string, string])[]): Promise<void> {
    const outcome = await this.settle(Promise.all(pairs.map(([k, v]) => leader.raft.apply(encoder.encode(`${k}=${v}`)))), 'writes applied');
    if (outcome.status === 'rejected') throw outcome.reason;
  }

  /** Shuts down every node still running and closes the stores. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.raft.shutdown()));
    await Promise.all(this.nodes.map((n) => n.stores.close?.() ?? Promise.resolve()));
  }
}

/** `n` pairs `${prefix}${i}` = `${prefix}-value-${i}`. */
export function pairs(prefix: string, n: number): [string, string][] {
  return Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `${prefix}-value-${i}`]);
}

/** The bytes of a stored snapshot, read back as a backup tool would have saved them. */
export async function readSnapshot(store: SnapshotStore, id: string): Promise<Uint8Array[]> {
  const opened = await store.open(id);
  const chunks: Uint8Array[] = [];
  for await (const c of opened.chunks) chunks.push(new Uint8Array(c));
  return chunks;
}

/** A saved backup streamed back. */
export { stream as streamOf } from '../support/chunk-stream';
