/**
 * Known Raft bugs switched on in a metaServer process for the fault suite, which must prove
 * that its checks can fail on real processes the way the simulation proves it for its own
 * (design notes §5). Read from MINFS_TEST_ONLY_RAFT_BUGS, a comma-separated list of
 * BugSwitches names; never set in production, where the variable is absent and nothing changes.
 */
import type { BugName, BugSwitches } from '../raft/index';

export const TEST_ONLY_BUGS_VARIABLE = 'MINFS_TEST_ONLY_RAFT_BUGS';

/** Every switch of BugSwitches: a Record, so the compiler says when one is added or renamed. */
const SWITCHES: Record<BugName, true> = {
  commitOldTermByCounting: true,
  voteWithoutLogCheck: true,
  ackBeforePersist: true,
  skipHardStatePersist: true,
  readIndexWithoutQuorum: true,
  installSnapshotKeepsConflictingLog: true,
};
const KNOWN = Object.keys(SWITCHES);

/** The switches the variable names, undefined when it is unset; a problem for unknown names. */
export function testOnlyBugs(value: string | undefined): { bugs: BugSwitches | undefined } | { problem: string } {
  if (value === undefined || value.trim() === '') return { bugs: undefined };
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const unknown = names.filter((n) => !KNOWN.includes(n));
  if (unknown.length > 0) return { problem: `${TEST_ONLY_BUGS_VARIABLE}: unknown bug ${unknown.join(', ')} (known: ${KNOWN.join(', ')})` };
  return { bugs: Object.fromEntries(names.map((n) => [n, true])) as BugSwitches };
}
