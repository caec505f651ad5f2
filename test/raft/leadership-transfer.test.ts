/**
 * Raft.transferLeadership() resolves once another node leads: on a network with delays, the old
 * leader first steps down on the target's vote request (no leader known for a moment) and only
 * then hears from the new leader; the promise must not wait for a direct change.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Raft, defaultConfig, seededRandom, type FSM } from '../../src/raft/index';
import { InmemLogStore, InmemNetwork, InmemSnapshotStore, InmemStableStore, ManualClock } from '../../src/raft/inmem/index';

const fsm = (): FSM<undefined> => ({
  apply: () => undefined,
  snapshot: () => ({ persist: async () => {}, release: () => {} }),
  restore: async () => {},
});

test('transferLeadership resolves once another node leads, through a leaderless moment', async () => {
  const clock = new ManualClock(0);
  const network = new InmemNetwork({ clock, seed: 3, faults: { minDelayMs: 2, maxDelayMs: 5 } });
  const ids = ['a', 'b', 'c'];
  const rafts: Raft<undefined>[] = [];
  for (const id of ids) {
    rafts.push(
      await Raft.create<undefined>({
        config: { ...defaultConfig(id), heartbeatTimeoutMs: 50, electionTimeoutMs: 50, leaderLeaseTimeoutMs: 40 },
        fsm: fsm(),
        logStore: new InmemLogStore(),
        stableStore: new InmemStableStore(),
        snapshotStore: new InmemSnapshotStore(),
        transport: network.transport(`addr-${id}`),
        clock,
        random: seededRandom(id.charCodeAt(0)),
        scheduler: (cb) => clock.setTimer(0, cb),
      }),
    );
  }
  const until = async (done: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 20_000 && !done(); i++) {
      clock.advance(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(done(), `${what} not reached`);
  };
  try {
    void rafts[0]!.bootstrapCluster({ servers: ids.map((id) => ({ id, address: `addr-${id}`, suffrage: 'voter' as const })) });
    await until(() => rafts.some((r) => r.state() === 'leader'), 'a leader');
    const leader = rafts.find((r) => r.state() === 'leader')!;
    let applied = false;
    void leader.apply(new Uint8Array([1])).then(() => (applied = true));
    await until(() => applied, 'a write applied');
    const transitions: (string | undefined)[] = [];
    leader.on('leader-changed', ({ leaderId }) => transitions.push(leaderId));
    let outcome: 'resolved' | 'rejected' | undefined;
    leader.transferLeadership().then(
      () => (outcome = 'resolved'),
      () => (outcome = 'rejected'),
    );
    await until(() => outcome !== undefined, 'the transfer settled');
    assert.equal(outcome, 'resolved', `leader changes seen: ${JSON.stringify(transitions)}`);
    const now = rafts.find((r) => r.state() === 'leader');
    assert.ok(now !== undefined && now !== leader, 'another node leads');
    assert.ok(transitions.includes(undefined), `the old leader went through a leaderless moment: ${JSON.stringify(transitions)}`);
  } finally {
    await Promise.all(rafts.map((r) => r.shutdown()));
  }
});
