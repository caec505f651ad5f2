/**
 * Config.deferSnapshotCopies on a three-node cluster in one process (manual clock, in-memory
 * stores): snapshots store only their label and compact the log; a follower whose next entry was
 * compacted away gets a copy that the leader writes then, and ends with the leader's state;
 * restarts resume from the FSM's own state, and an FSM that lost it is refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CorruptionError,
  ConfigValidationError,
  LogType,
  Raft,
  defaultConfig,
  seededRandom,
  type FSM,
  type FSMSnapshot,
  type LogEntry,
} from '../../src/raft/index';
import { InmemLogStore, InmemNetwork, InmemSnapshotStore, InmemStableStore, ManualClock } from '../../src/raft/inmem/index';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A key-value FSM that plays a persistent one: the object outlives its Raft (the "disk"), every
 * batch is committed when applyBatch returns, and appliedIndex() reports it. Counts the copies
 * it writes and the restores it takes.
 */
class DurableKv implements FSM<undefined> {
  readonly data = new Map<string, string>();
  applied = 0;
  persisted = 0;
  restores = 0;

  applyBatch(entries: readonly LogEntry[]): undefined[] {
    for (const e of entries) {
      if (e.index !== this.applied + 1) throw new Error(`applied ${e.index} after ${this.applied}`);
      if (e.type === LogType.Command) {
        const [key, value] = decoder.decode(e.data).split('=');
        this.data.set(key!, value!);
      }
      this.applied = e.index;
    }
    return entries.map(() => undefined);
  }

  apply(): undefined {
    throw new Error('applyBatch is used');
  }

  appliedIndex(): number {
    return this.applied;
  }

  snapshot(): FSMSnapshot {
    const bytes = encoder.encode(JSON.stringify({ applied: this.applied, data: [...this.data] }));
    return {
      persist: async (write) => {
        this.persisted++;
        await write(bytes);
      },
      release: () => undefined,
    };
  }

  async restore(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c);
    const state = JSON.parse(decoder.decode(Buffer.concat(parts))) as { applied: number; data: [string, string][] };
    this.data.clear();
    for (const [k, v] of state.data) this.data.set(k, v);
    this.applied = state.applied;
    this.restores++;
  }

  digest(): string {
    return JSON.stringify([...this.data].sort());
  }
}

interface Node {
  readonly id: string;
  readonly address: string;
  readonly fsm: DurableKv;
  readonly logStore: InmemLogStore;
  readonly stableStore: InmemStableStore;
  readonly snapshotStore: InmemSnapshotStore;
  raft: Raft<undefined>;
  installs: number;
}

class Cluster {
  readonly clock = new ManualClock(0);
  readonly network = new InmemNetwork({ clock: this.clock, seed: 7 });
  readonly nodes: Node[] = [];

  static async start(deferSnapshotCopies: boolean): Promise<Cluster> {
    const cluster = new Cluster();
    for (const id of ['a', 'b', 'c']) {
      const stores = { logStore: new InmemLogStore(), stableStore: new InmemStableStore(), snapshotStore: new InmemSnapshotStore() };
      const fsm = new DurableKv();
      const node: Node = { id, address: `addr-${id}`, fsm, ...stores, raft: undefined!, installs: 0 };
      node.raft = await cluster.open(node, fsm, deferSnapshotCopies);
      cluster.nodes.push(node);
    }
    const configuration = { servers: cluster.nodes.map((n) => ({ id: n.id, address: n.address, suffrage: 'voter' as const })) };
    void cluster.nodes[0]!.raft.bootstrapCluster(configuration);
    await cluster.until(() => cluster.leader() !== undefined);
    return cluster;
  }

  open(node: Omit<Node, 'raft'>, fsm: DurableKv, deferSnapshotCopies: boolean): Promise<Raft<undefined>> {
    return Raft.create<undefined>({
      config: {
        ...defaultConfig(node.id),
        heartbeatTimeoutMs: 50,
        electionTimeoutMs: 50,
        leaderLeaseTimeoutMs: 40,
        // Snapshots only when the test asks, and none of the log kept behind them.
        snapshotIntervalMs: 3_600_000,
        trailingLogs: 0,
        deferSnapshotCopies,
      },
      fsm,
      logStore: node.logStore,
      stableStore: node.stableStore,
      snapshotStore: node.snapshotStore,
      transport: this.network.transport(node.address),
      clock: this.clock,
      random: seededRandom(node.id.charCodeAt(0)),
      scheduler: (cb) => this.clock.setTimer(0, cb),
    });
  }

  leader(): Node | undefined {
    return this.nodes.find((n) => n.raft.state() === 'leader');
  }

  async until(done: () => boolean, what = 'condition'): Promise<void> {
    for (let i = 0; i < 20_000 && !done(); i++) {
      this.clock.advance(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(done(), `${what} not reached`);
  }

  async write(leader: Node, from: number, to: number): Promise<void> {
    let done = 0;
    for (let i = from; i < to; i++) void leader.raft.apply(encoder.encode(`k${i % 7}=v${i}`)).then(() => done++);
    await this.until(() => done === to - from, 'writes applied');
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.raft.shutdown()));
  }
}

test('deferred snapshots store a label; a follower behind them gets a copy written for it, and ends equal', async () => {
  const cluster = await Cluster.start(true);
  try {
    const leader = cluster.leader()!;
    const [behind, other] = cluster.nodes.filter((n) => n !== leader) as [Node, Node];
    behind.raft.on('snapshot-installed', () => behind.installs++);
    await cluster.write(leader, 0, 10);
    cluster.network.isolate(behind.address);
    await cluster.write(leader, 10, 40);

    const taken = await Promise.all([leader.raft.snapshot(), other.raft.snapshot()]);
    for (const meta of taken) {
      assert.equal(meta?.deferred, true, 'a label only');
      assert.equal(meta?.size, 0);
    }
    assert.equal(leader.fsm.persisted + other.fsm.persisted, 0, 'no copy of the state was written');
    const leaderStats = leader.raft.stats();
    assert.ok(leaderStats.firstLogIndex > behind.fsm.applied + 1, `compacted past the isolated follower: ${JSON.stringify(leaderStats)}`);

    cluster.network.heal();
    await cluster.until(() => behind.fsm.applied === leader.fsm.applied, 'the follower caught up');
    assert.equal(behind.installs, 1, 'it caught up through InstallSnapshot');
    assert.equal(behind.fsm.digest(), leader.fsm.digest());
    assert.equal(leader.fsm.persisted, 1, 'the leader wrote one copy, for the follower');
    const stored = await leader.snapshotStore.list();
    assert.equal(stored[0]?.deferred, undefined, 'the copy is the newest snapshot');
    assert.equal(stored[0]?.index, taken[0]!.index, 'taken where the label was (nothing applied since)');

    // Later writes still reach it through the log.
    await cluster.write(leader, 40, 50);
    await cluster.until(() => behind.fsm.applied === leader.fsm.applied);
    assert.equal(behind.fsm.digest(), leader.fsm.digest());
  } finally {
    await cluster.stop();
  }
});

test('without deferSnapshotCopies every snapshot holds a copy (the control)', async () => {
  const cluster = await Cluster.start(false);
  try {
    const leader = cluster.leader()!;
    await cluster.write(leader, 0, 10);
    const meta = await leader.raft.snapshot();
    assert.equal(meta?.deferred, undefined);
    assert.ok(meta!.size > 0);
    assert.equal(leader.fsm.persisted, 1);
  } finally {
    await cluster.stop();
  }
});

test('a restart over a deferred snapshot resumes from the FSM; an FSM short of it is refused', async () => {
  const cluster = await Cluster.start(true);
  try {
    const leader = cluster.leader()!;
    await cluster.write(leader, 0, 20);
    const node = cluster.nodes.find((n) => n !== leader)!;
    await cluster.until(() => node.fsm.applied === leader.fsm.applied);
    const meta = await node.raft.snapshot();
    assert.equal(meta?.deferred, true);
    await node.raft.shutdown();
    cluster.network.disconnect(node.address);

    node.raft = await cluster.open(node, node.fsm, true);
    assert.equal(node.fsm.restores, 0, 'nothing restored: the FSM holds the state');
    assert.ok(node.raft.stats().appliedIndex >= meta!.index);
    await cluster.write(leader, 20, 25);
    await cluster.until(() => node.fsm.applied === leader.fsm.applied, 'the restarted node applies new entries');
    assert.equal(node.fsm.digest(), leader.fsm.digest());
    await node.raft.shutdown();
    cluster.network.disconnect(node.address);

    // Its state lost (a fresh FSM over the same Raft stores): only a label, nothing to restore from.
    await assert.rejects(cluster.open(node, new DurableKv(), true), (error: unknown) => {
      assert.ok(error instanceof CorruptionError, String(error));
      assert.match(error.message, /deferred/);
      return true;
    });
    cluster.network.disconnect(node.address);
    node.raft = await cluster.open(node, node.fsm, true);
  } finally {
    await cluster.stop();
  }
});

test('deferSnapshotCopies needs an FSM that keeps its own state', async () => {
  const cluster = await Cluster.start(false);
  try {
    const volatile: FSM<undefined> = {
      apply: () => undefined,
      snapshot: () => ({ persist: async () => {}, release: () => {} }),
      restore: async () => {},
    };
    const node = {
      id: 'x',
      address: 'addr-x',
      fsm: new DurableKv(),
      logStore: new InmemLogStore(),
      stableStore: new InmemStableStore(),
      snapshotStore: new InmemSnapshotStore(),
    };
    await assert.rejects(
      Raft.create<undefined>({
        config: { ...defaultConfig('x'), deferSnapshotCopies: true },
        fsm: volatile,
        logStore: node.logStore,
        stableStore: node.stableStore,
        snapshotStore: node.snapshotStore,
        transport: cluster.network.transport(node.address),
        clock: cluster.clock,
      }),
      ConfigValidationError,
    );
  } finally {
    await cluster.stop();
  }
});
