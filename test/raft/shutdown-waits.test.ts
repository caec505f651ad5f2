import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Raft, defaultConfig, type FSM, type FSMSnapshot, type LogEntry } from '../../src/raft/index';
import { InmemLogStore, InmemNetwork, InmemSnapshotStore, InmemStableStore, ManualClock } from '../../src/raft/inmem/index';

/** An FSM whose batches and snapshot writes each wait for the test to release them. */
class GatedFsm implements FSM<undefined> {
  readonly gates: (() => void)[] = [];
  readonly log: string[] = [];

  private gate(what: string): Promise<void> {
    this.log.push(`${what} start`);
    return new Promise((resolve) =>
      this.gates.push(() => {
        this.log.push(`${what} end`);
        resolve();
      }),
    );
  }

  async applyBatch(entries: readonly LogEntry[]): Promise<undefined[]> {
    if (entries.some((e) => e.index > 1)) await this.gate('batch');
    return entries.map(() => undefined);
  }

  apply(): undefined {
    return undefined;
  }

  snapshot(): FSMSnapshot {
    return { persist: (write) => this.gate('persist').then(() => write(new Uint8Array([1]))), release: () => this.log.push('release') };
  }

  async restore(): Promise<void> {}
}

/** A lone voter on in-memory stores, elected, with the FSM's gated work in progress. */
async function loneNode(): Promise<{ raft: Raft<undefined>; fsm: GatedFsm; clock: ManualClock }> {
  const clock = new ManualClock(0);
  const fsm = new GatedFsm();
  const network = new InmemNetwork({ clock, seed: 1 });
  const raft = await Raft.create<undefined>({
    config: { ...defaultConfig('a'), heartbeatTimeoutMs: 50, electionTimeoutMs: 50, leaderLeaseTimeoutMs: 40 },
    fsm,
    logStore: new InmemLogStore(),
    stableStore: new InmemStableStore(),
    snapshotStore: new InmemSnapshotStore(),
    transport: network.transport('addr-a'),
    clock,
    scheduler: (cb) => clock.setTimer(0, cb),
  });
  void raft.bootstrapCluster({ servers: [{ id: 'a', address: 'addr-a', suffrage: 'voter' }] });
  const until = async (done: () => boolean): Promise<void> => {
    for (let i = 0; i < 10_000 && !done(); i++) {
      clock.advance(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(done(), 'condition not reached');
  };
  await until(() => raft.state() === 'leader');
  void raft.apply(new Uint8Array([1])).catch(() => undefined);
  await until(() => fsm.log.includes('batch start'));
  return { raft, fsm, clock };
}

test('shutdown resolves only once the FSM batch in progress has finished', async () => {
  const { raft, fsm } = await loneNode();
  let resolved = false;
  const stopping = raft.shutdown().then(() => (resolved = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(resolved, false, 'the batch is still running');
  fsm.gates.shift()!();
  await stopping;
  assert.deepEqual(fsm.log, ['batch start', 'batch end']);
});

test('shutdown waits for a snapshot being written, and the stopped node is not compacted', async () => {
  const { raft, fsm } = await loneNode();
  fsm.gates.shift()!(); // let the batch finish
  const snapshot = raft.snapshot();
  for (let i = 0; i < 100 && !fsm.log.includes('persist start'); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(fsm.log.includes('persist start'));
  const firstIndex = raft.stats().firstLogIndex;
  let resolved = false;
  const stopping = raft.shutdown().then(() => (resolved = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(resolved, false, 'the snapshot is still being written');
  fsm.gates.shift()!();
  await stopping;
  assert.ok(fsm.log.includes('release'), 'the FSM snapshot was released before shutdown resolved');
  await snapshot;
  assert.equal(raft.stats().firstLogIndex, firstIndex, 'no compaction after shutdown');
});
