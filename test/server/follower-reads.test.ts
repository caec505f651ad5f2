/**
 * FollowerReads batching: a read never uses a read index asked for before it arrived, reads
 * arriving while a question is on its way share the next one, and the read waits until the
 * follower has applied the index.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { FollowerReads } from '../../src/server/follower-reads';
import { ServiceError } from '../../src/server/service-error';

interface Question {
  answer(index: number): void;
}

function harness(initialApplied = 100) {
  const questions: Question[] = [];
  let applied = initialApplied;
  const listeners = new Set<(index: number) => void>();
  const reads = new FollowerReads({
    askLeader: () => new Promise<number>((resolve) => questions.push({ answer: resolve })),
    appliedIndex: () => applied,
    onApplied: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    maxApplyWaitMs: 60_000,
  });
  const apply = (index: number): void => {
    applied = index;
    for (const l of [...listeners]) l(index);
  };
  return { questions, reads, apply };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('reads arriving while a question is out wait for the next one, which they all share', async () => {
  const { questions, reads } = harness(1_000);
  const done: string[] = [];
  const first = reads.barrier().then(() => done.push('first'));
  assert.equal(questions.length, 1);
  const second = reads.barrier().then(() => done.push('second'));
  const third = reads.barrier().then(() => done.push('third'));
  assert.equal(questions.length, 1, 'no second question while the first is out');
  questions[0]!.answer(10);
  await first;
  await tick();
  assert.deepEqual(done, ['first'], 'later reads do not use the earlier answer');
  assert.equal(questions.length, 2, 'one new question for both waiting reads');
  questions[1]!.answer(11);
  await Promise.all([second, third]);
  assert.deepEqual(done.sort(), ['first', 'second', 'third']);
  assert.equal(questions.length, 2);
});

test('a read waits until the follower has applied the read index', async () => {
  const { questions, reads, apply } = harness(5);
  let served = false;
  const read = reads.barrier().then(() => (served = true));
  questions[0]!.answer(8);
  await tick();
  apply(7);
  await tick();
  assert.equal(served, false);
  apply(8);
  await read;
  assert.equal(served, true);
});

test('a failed question fails its reads with its error, and the next read asks again', async () => {
  const failing = new FollowerReads({
    askLeader: () => Promise.reject(new ServiceError(status.UNAVAILABLE, 'no leader')),
    appliedIndex: () => 0,
    onApplied: () => () => {},
    maxApplyWaitMs: 10,
  });
  await assert.rejects(failing.barrier(), (e: unknown) => e instanceof ServiceError && e.code === status.UNAVAILABLE);
  await assert.rejects(failing.barrier(), /no leader/);
});

test('a follower too far behind answers UNAVAILABLE instead of waiting forever', async () => {
  const slow = new FollowerReads({ askLeader: () => Promise.resolve(50), appliedIndex: () => 1, onApplied: () => () => {}, maxApplyWaitMs: 1 });
  await assert.rejects(slow.barrier(), (e: unknown) => e instanceof ServiceError && e.code === status.UNAVAILABLE && /behind the leader/.test(e.message));
});
