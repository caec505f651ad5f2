/** Majority arithmetic over the voters of a configuration. */

export function quorumSize(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/**
 * The highest value that a quorum of voters has reached: sort descending and take the
 * quorum-th. For match indexes this is the commit candidate; for acknowledged sequence
 * numbers, the newest confirmed leadership round.
 */
export function quorumValue(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => b - a);
  return sorted[quorumSize(values.length) - 1]!;
}
