/**
 * Performance: realistic large histories must check well within a test's patience. The
 * histories are generated from a fixed seed so that timings are comparable between runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLinearizable } from './checker';
import type { Operation } from './history';
import { kvRegister, type KvInput, type KvOutput } from './models/kv-register';
import { atomicKvStore } from './reference-objects';
import { type Fate, type PlannedOp, simulateHistory } from './simulated-history';
import { seededRandom as librarySeededRandom } from '../../../src/raft/environment';

/** A seeded random source as a plain function; the generator is the library's, so seeds replay. */
function seededRandom(seed: number): () => number {
  const source = librarySeededRandom(seed);
  return () => source.next();
}

interface Shape {
  readonly ops: number;
  readonly keys: number;
  readonly clients: number;
  /** Distinct values written per key: few values make reads ambiguous and the search harder. */
  readonly values: number;
}

function randomKvHistory(shape: Shape, seed: number): Operation<KvInput, KvOutput>[] {
  const random = seededRandom(seed);
  const below = (n: number): number => Math.floor(random() * n);
  const fates: Fate[] = ['failed', 'unknown-applied', 'unknown-lost'];
  const plans: PlannedOp<KvInput>[] = [];
  for (let i = 0; i < shape.ops; i++) {
    const key = `k${below(shape.keys)}`;
    const value = `${below(shape.values)}`;
    const dice = random();
    const input: KvInput =
      dice < 0.4
        ? { op: 'put', key, value }
        : dice < 0.9
          ? { op: 'get', key }
          : { op: 'cas', key, expect: `${below(shape.values)}`, value };
    plans.push({
      client: below(shape.clients),
      input,
      thinkTime: below(5),
      latencyToEffect: 1 + below(20),
      latencyToReply: 1 + below(20),
      fate: random() < 0.9 ? 'ok' : fates[below(fates.length)],
    });
  }
  return simulateHistory(plans, atomicKvStore());
}

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

for (const shape of [
  { ops: 2_000, keys: 20, clients: 8, values: 1_000 },
  { ops: 2_000, keys: 20, clients: 8, values: 3 },
  { ops: 5_000, keys: 50, clients: 16, values: 3 },
]) {
  const name = `${shape.ops} ops, ${shape.keys} keys, ${shape.clients} clients, ${shape.values} values`;

  test(`performance: ${name} checks in < 2 s`, (t) => {
    const history = randomKvHistory(shape, 20_240_601);
    const { value: result, ms } = timed(() => checkLinearizable(kvRegister, history));
    t.diagnostic(`${history.length} operations checked in ${ms.toFixed(1)} ms`);
    assert.equal(result.result, 'ok', result.explanation);
    assert.ok(ms < 2_000, `took ${ms} ms`);
  });
}

test('performance: a violation hidden in a large history is found in < 2 s', (t) => {
  const history = randomKvHistory({ ops: 2_000, keys: 20, clients: 8, values: 3 }, 7);
  const completedReads = history.filter((op) => op.input.op === 'get' && op.return !== Infinity);
  const lastRead = completedReads[completedReads.length - 1]!;
  const corrupted = history.map((op) => (op === lastRead ? { ...op, output: 'lost' } : op));
  const { value: result, ms } = timed(() => checkLinearizable(kvRegister, corrupted));
  t.diagnostic(`violation found in ${ms.toFixed(1)} ms`);
  assert.equal(result.result, 'violation');
  assert.equal(result.unplacedOpIds?.[0], lastRead.id);
  assert.ok(ms < 2_000, `took ${ms} ms`);
});
