import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { quorumSize, quorumValue } from '../../../src/raft/core/quorum';

/** Reference: the largest value that at least a majority of `values` have reached. */
function bruteQuorumValue(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const need = Math.floor(values.length / 2) + 1;
  let best = 0;
  for (const v of values) {
    if (v > best && values.filter((x) => x >= v).length >= need) best = v;
  }
  return best;
}

test('quorumSize is a strict majority for 1..7 voters', () => {
  const expected = [1, 2, 2, 3, 3, 4, 4];
  for (let n = 1; n <= 7; n++) {
    assert.equal(quorumSize(n), expected[n - 1], `voters=${n}`);
    // Two quorums always intersect: that is the whole point.
    assert.ok(2 * quorumSize(n) > n, `voters=${n}`);
  }
});

test('quorumValue takes the quorum-th largest value for 1..7 voters', () => {
  // Values 1..n in ascending order: a majority has reached n - quorum + 1.
  for (let n = 1; n <= 7; n++) {
    const values = Array.from({ length: n }, (_, i) => i + 1);
    assert.equal(quorumValue(values), n - quorumSize(n) + 1, `voters=${n}`);
  }
});

test('quorumValue handles ties and unsorted input, and does not mutate it', () => {
  assert.equal(quorumValue([]), 0);
  assert.equal(quorumValue([5]), 5);
  assert.equal(quorumValue([9, 1]), 1, 'two voters need both');
  assert.equal(quorumValue([3, 9, 1]), 3);
  assert.equal(quorumValue([7, 7, 1]), 7, 'a tie at the top is a majority');
  assert.equal(quorumValue([1, 7, 1]), 1);
  assert.equal(quorumValue([4, 4, 4, 4]), 4);
  assert.equal(quorumValue([10, 2, 8, 2]), 2, 'four voters need three');
  assert.equal(quorumValue([5, 1, 9, 7, 3]), 5);
  assert.equal(quorumValue([0, 0, 9, 9, 9, 0, 0]), 0, 'three of seven is not a majority');
  assert.equal(quorumValue([0, 9, 9, 9, 9, 0, 0]), 9);
  const input = [3, 1, 2];
  quorumValue(input);
  assert.deepEqual(input, [3, 1, 2]);
});

test('quorumValue agrees with a brute-force majority on random inputs', () => {
  fc.assert(
    fc.property(fc.array(fc.nat({ max: 20 }), { minLength: 0, maxLength: 7 }), (values) => {
      assert.equal(quorumValue(values), bruteQuorumValue(values));
    }),
    { numRuns: 500 },
  );
});
