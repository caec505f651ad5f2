/**
 * Cluster bookkeeping in the namespace FSM: members' gRPC addresses announced through the log,
 * and checkpoints, where every replica hashes its state at exactly the checkpoint's index
 * whatever its batch boundaries were (minfs-admin check compares those digests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKPOINT_MARK, COMMAND_VERSION, encodeCommand, type CheckpointCommand, type MemberCommand } from '../../src/meta/commands';
import { FILE } from '../../src/meta/node-types';
import { Replica, T0, create, entries, mkdir, withFsms, type Payload } from './support/meta-harness';

function member(id: string, grpcAddress: string, more: Partial<MemberCommand> = {}): MemberCommand {
  return { op: 'member', at: T0, id, grpcAddress, promote: false, remove: false, ...more };
}

function checkpoint(id: string): CheckpointCommand {
  return { op: 'checkpoint', at: T0, id };
}

function never(): AbortSignal {
  return new AbortController().signal;
}

test('members are recorded, updated and removed through the log; bad ones are refused and change nothing', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    await r.ok(member('meta-4', '127.0.0.1:9093', { promote: true }));
    assert.deepEqual(r.reader.member('meta-4'), { grpcAddress: '127.0.0.1:9093', promote: true });
    await r.ok(member('meta-4', '127.0.0.1:9094'));
    assert.deepEqual([...r.reader.members()], [['meta-4', { grpcAddress: '127.0.0.1:9094', promote: false }]]);
    for (const bad of [member('', '127.0.0.1:1'), member('x', 'no-port'), member('x', 'a b:1'), member('x'.repeat(300), 'h:1')]) {
      const result = await r.run(bad);
      assert.ok(!result.ok && result.kind === 'invalid-argument', JSON.stringify(result));
    }
    assert.equal(r.reader.members().size, 1);
    await r.ok(member('meta-4', '', { remove: true }));
    assert.equal(r.reader.member('meta-4'), undefined);
  });
});

test('every replica hashes the state at the checkpoint index, whatever its batches', async () => {
  await withFsms(async (open) => {
    const before: Payload[] = [mkdir('/a'), create('/a/f1', FILE), member('meta-9', 'h:9')];
    const after: Payload[] = [create('/a/f2', FILE), mkdir('/b')];
    const all = [...before, checkpoint('c1'), ...after];
    // One replica applies everything in one batch, the other one entry per batch.
    const whole = await Replica.bootstrap(open('whole'));
    const single = await Replica.bootstrap(open('single'));
    const results = await whole.fsm.applyBatch(entries(2, all));
    assert.equal(results.length, all.length, 'one result per entry, across the cut');
    assert.deepEqual(results[before.length], { ok: true, checkpoint: 'c1' });
    for (const p of all) await single.batch([p]);
    const a = await whole.fsm.checkpointDigest('c1', never());
    const b = await single.fsm.checkpointDigest('c1', never());
    assert.equal(a.appliedIndex, 1 + before.length + 1, 'the digest is at the checkpoint entry');
    assert.deepEqual(a, b);
    // A replica stopped at the checkpoint has exactly that state: the digest is not of a later one.
    const stopped = await Replica.bootstrap(open('stopped'));
    await stopped.batch([...before, checkpoint('c1')]);
    assert.deepEqual(await stopped.fsm.digest(), a);
    assert.notDeepEqual((await whole.fsm.digest()).hash, a.hash, 'the entries after the checkpoint changed the state');
    // Both replicas end in the same state.
    await whole.fsm.settled();
    assert.deepEqual(await whole.fsm.digest(), await single.fsm.digest());
  });
});

test('a digest asked for before the checkpoint is applied arrives when it is; an abort ends the wait', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    const pending = r.fsm.checkpointDigest('later', never());
    await r.batch([mkdir('/x'), checkpoint('later')]);
    assert.equal((await pending).appliedIndex, 3);
    const controller = new AbortController();
    const never_applied = r.fsm.checkpointDigest('nope', controller.signal);
    controller.abort(new Error('gave up'));
    await assert.rejects(never_applied, /gave up/);
  });
});

test('a batch handed over while a checkpoint cut is worked through waits for it: order, digest and results hold', async () => {
  await withFsms(async (open) => {
    const piped = await Replica.bootstrap(open('piped'));
    const plain = await Replica.bootstrap(open('plain'));
    const a: Payload[] = [mkdir('/p'), checkpoint('cp'), create('/p/one', FILE)];
    const b: Payload[] = [create('/p/two', FILE), mkdir('/q')];
    // The second batch is handed over before the first has resolved (as pipelined applies may).
    const first = piped.fsm.applyBatch(entries(2, a));
    const second = piped.fsm.applyBatch(entries(2 + a.length, b));
    const [ra, rb] = await Promise.all([first, second]);
    assert.equal(ra.length, a.length);
    assert.deepEqual(
      rb.map((r) => 'inode' in r && r.inode),
      [4, 5],
      'the second batch applied after the rest of the first',
    );
    await piped.fsm.committedAtLeast(1 + a.length + b.length);
    assert.equal(piped.fsm.appliedIndex(), 1 + a.length + b.length);
    await plain.batch([mkdir('/p'), checkpoint('cp')]);
    assert.deepEqual(await piped.fsm.checkpointDigest('cp', never()), await plain.fsm.checkpointDigest('cp', never()));
    await plain.batch([create('/p/one', FILE), ...b]);
    assert.deepEqual(await piped.fsm.digest(), await plain.fsm.digest());
  });
});

test('a checkpoint without its mark, or a mark on another command, is refused and changes nothing', async () => {
  await withFsms(async (open) => {
    const r = await Replica.bootstrap(open('a'));
    const before = await r.fsm.digest();
    const unmarked = encodeCommand(checkpoint('x'));
    unmarked[0] = COMMAND_VERSION;
    const marked = encodeCommand(mkdir('/m'));
    marked[0] = CHECKPOINT_MARK;
    for (const bytes of [unmarked, marked]) {
      const result = await r.run(bytes);
      assert.ok(!result.ok && result.kind === 'invalid-argument', JSON.stringify(result));
    }
    const after = await r.fsm.digest();
    assert.equal(after.records, before.records);
  });
});
