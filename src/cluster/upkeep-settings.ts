/** Knobs of the leader's DataServer upkeep; the defaults follow HDFS's spirit at minfs's scale. */
export interface UpkeepSettings {
  /** How often the leader looks for dead servers, under-replicated blocks and abandoned writes. */
  readonly tickMs: number;
  /** Silence after which a DataServer is stale (no new blocks, no copies to or from it). */
  readonly staleAfterMs: number;
  /** Silence after which a DataServer is dead and its replicas are made again elsewhere. */
  readonly deadAfterMs: number;
  /**
   * Safe mode of a new leader: no new deletions or repairs until every registered DataServer has
   * been heard from, or this long after becoming leader.
   */
  readonly safeModeGraceMs: number;
  /** A command not confirmed by a block report is sent again after this long. */
  readonly resendAfterMs: number;
  /** Copies in flight per DataServer (as target or as source): the repair throttle. */
  readonly maxCopiesPerDataServer: number;
  /** DELETE_BLOCK commands per heartbeat reply. */
  readonly maxDeletesPerHeartbeat: number;
  /** A copy not confirmed after this long is given up and planned again. */
  readonly repairTimeoutMs: number;
  /** A file allocated and not finalized for this long is an abandoned write and is removed. */
  readonly abandonAfterMs: number;
  /**
   * A replica missing from the report of a live holder is only believed once its file has been
   * unchanged this long (the report may predate the write).
   */
  readonly reportGraceMs: number;
  /** Blocks examined per tick. */
  readonly checksPerTick: number;
  /**
   * How often every live server's latest report is compared whole with the block map (the
   * FSCK): a safety net under the event-driven checks, at O(replicas) cost per round.
   */
  readonly fullCheckMs: number;
}

export const DEFAULT_UPKEEP: UpkeepSettings = {
  tickMs: 1_000,
  staleAfterMs: 15_000,
  deadAfterMs: 60_000,
  safeModeGraceMs: 30_000,
  resendAfterMs: 30_000,
  maxCopiesPerDataServer: 8,
  maxDeletesPerHeartbeat: 1_000,
  repairTimeoutMs: 5 * 60_000,
  abandonAfterMs: 60 * 60_000,
  reportGraceMs: 15_000,
  checksPerTick: 20_000,
  fullCheckMs: 60_000,
};
