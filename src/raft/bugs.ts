/**
 * Known Raft bugs, switchable on for tests only. The simulation proves its checks can fail by
 * turning one on and catching the violation. Never set in production: every field defaults to off.
 */
export interface BugSwitches {
  /** Commit by counting replicas of an entry from an older term (Raft Figure 8). */
  commitOldTermByCounting?: boolean;
  /** Grant votes without the "candidate's log is at least as up to date" check (§5.4.1). */
  voteWithoutLogCheck?: boolean;
  /** Acknowledge appends (and votes) before the write is durable. */
  ackBeforePersist?: boolean;
  /** Never persist the term and vote, so a restarted node forgets whom it voted for. */
  skipHardStatePersist?: boolean;
  /** Serve read index without the quorum round that confirms leadership. */
  readIndexWithoutQuorum?: boolean;
  /** Installing a snapshot keeps the log after it without checking the term at its last index
   * (Figure 13 rule 7), so a conflicting log survives next to the snapshot. */
  installSnapshotKeepsConflictingLog?: boolean;
}

export type BugName = keyof BugSwitches;
