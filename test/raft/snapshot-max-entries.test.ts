import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Raft, defaultConfig, type FSM, type FSMSnapshot } from '../../src/raft/index';
import { InmemLogStore, InmemNetwork, InmemSnapshotStore, InmemStableStore, ManualClock } from '../../src/raft/inmem/index';

/** Counts applied commands; its snapshot is the count. */
class CountingFsm implements FSM<undefined> {
  count = 0;

  apply(): undefined {
    this.count++;
    return undefined;
  }

  snapshot(): FSMSnapshot {
    const count = this.count;
    return { persist: (write) => write(new TextEncoder().encode(String(count))), release: () => undefined };
  }

  async restore(): Promise<void> {}
}

const INTERVAL_MS = 3_600_000;

/** A small deterministic generator (mulberry32), so each seed replays. */
function seededRandom(seed: number): { next(): number } {
  let a = seed >>> 0;
  return {
    next(): number {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/**
 * A lone voter with a snapshot interval of an hour, given `writes` commands one after another on a
 * manual clock that moves a millisecond per step; returns the snapshots it took and how long that took.
 */
async function writeAndWatch(snapshotMaxEntries: number, writes: number, seed = 1): Promise<{ snapshots: number[]; elapsedMs: number }> {
  const clock = new ManualClock(0);
  const network = new InmemNetwork({ clock, seed: 1 });
  const raft = await Raft.create<undefined>({
    config: {
      ...defaultConfig('a'),
      heartbeatTimeoutMs: 50,
      electionTimeoutMs: 50,
      leaderLeaseTimeoutMs: 40,
      snapshotIntervalMs: INTERVAL_MS,
      snapshotThreshold: 1,
      snapshotMaxEntries,
      trailingLogs: 0,
    },
    fsm: new CountingFsm(),
    logStore: new InmemLogStore(),
    stableStore: new InmemStableStore(),
    snapshotStore: new InmemSnapshotStore(),
    transport: network.transport('addr-a'),
    clock,
    random: seededRandom(seed),
    scheduler: (cb) => clock.setTimer(0, cb),
  });
  const snapshots: number[] = [];
  raft.on('snapshot-taken', (e) => snapshots.push(e.index));
  const until = async (done: () => boolean): Promise<void> => {
    for (let i = 0; i < 10_000 && !done(); i++) {
      clock.advance(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(done(), 'condition not reached');
  };
  try {
    void raft.bootstrapCluster({ servers: [{ id: 'a', address: 'addr-a', suffrage: 'voter' }] });
    await until(() => raft.state() === 'leader');
    for (let i = 0; i < writes; i++) {
      let applied = false;
      void raft.apply(new Uint8Array([i])).then(() => (applied = true));
      await until(() => applied);
    }
    // Time for a snapshot the last write may have started to finish.
    for (let i = 0; i < 50; i++) {
      clock.advance(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { snapshots, elapsedMs: clock.now() };
  } finally {
    await raft.shutdown();
  }
}

test('SnapshotMaxEntries: a snapshot is taken as soon as that many entries were applied, long before the interval', async () => {
  const { snapshots, elapsedMs } = await writeAndWatch(20, 45);
  assert.ok(elapsedMs < INTERVAL_MS / 100, `all within ${elapsedMs} ms`);
  // 47 entries in all (the configuration, the leader's no-op, 45 writes), a snapshot after 20 to 29
  // more each time: one or two; none without SnapshotMaxEntries (below).
  assert.ok(snapshots.length >= 1 && snapshots.length <= 2, `a snapshot per 20-29 entries applied (taken at ${snapshots.join(', ')})`);
  assert.ok(snapshots[0]! >= 20 && snapshots[0]! <= 30, `the first after 20 to 29 entries: ${snapshots.join(', ')}`);
  for (let i = 1; i < snapshots.length; i++) assert.ok(snapshots[i]! - snapshots[i - 1]! >= 20, `each after 20 more: ${snapshots.join(', ')}`);
});

test('SnapshotMaxEntries 0: only the interval takes snapshots', async () => {
  const { snapshots } = await writeAndWatch(0, 45);
  assert.deepEqual(snapshots, []);
});

test('SnapshotMaxEntries: nodes draw their counts, so the same entries do not make them all snapshot at once', async () => {
  const firsts: number[] = [];
  for (const seed of [1, 2, 3, 4, 5, 6]) firsts.push((await writeAndWatch(20, 32, seed)).snapshots[0]!);
  assert.ok(firsts.every((i) => i >= 20 && i <= 30), `each within 20..29 entries and a capture: ${firsts.join(', ')}`);
  assert.ok(new Set(firsts).size > 1, `not all at the same index: ${firsts.join(', ')}`);
});
