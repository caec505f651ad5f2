/**
 * The count of under-replicated blocks, kept by the leader's full check (BlockUpkeep's FSCK) as
 * it goes, so that an operator's scrape reads a number and never scans 10 million blocks.
 *
 * A block is under-replicated when fewer of the holders the block map names are live than its
 * file's replication factor. Live means not dead: a stale holder (silent past staleAfterMs) still
 * counts, as it does for the repair planner, which copies nothing until the holder is dead; a
 * gauge that counted it missing would flap with every late heartbeat and disagree with what the
 * upkeep is going to do. A copy in flight counts only once its repair is done (its target joins
 * the block map then).
 *
 * Why only dead holders' blocks are looked at: every block is mapped with `r` holders (placement
 * refuses fewer) and the upkeep drops a holder only while enough good replicas remain, so a block
 * with no dead holder has at least `r` live ones. The pass already walks every dead server's
 * blocks; the blocks of live servers, nearly all of them, cost nothing more. A block with several
 * dead holders is judged once, at the first of them the pass goes through (a set of server ids,
 * not of blocks: a pass after half the cluster died must not hold millions of block ids). What
 * this misses, the FSCK misses too: a block mapped with fewer than `r` holders all live (an
 * allocate the leader did not place, or two drops of extra replicas planned on the same old map).
 *
 * Exact as of the pass, which takes its time (slices of checksPerTick per tick): each block is
 * judged when the pass reaches it, so a server that dies or comes back during a pass shows in the
 * blocks judged after that, and in the whole of the next pass.
 */
import type { NamespaceReader } from '../meta/namespace-reader';
import type { DataServerTracker } from './dataserver-tracker';

/** What the last complete full check counted. */
export interface ReplicationCount {
  /** Blocks with fewer live holders than their file's replication factor. */
  readonly underReplicated: number;
  /** Of those, blocks with no live holder at all. */
  readonly withoutLiveReplica: number;
  /** Wall-clock ms when that pass finished; 0 when no pass finished in this leadership. */
  readonly finishedAtWallMs: number;
}

export const NO_PASS_YET: ReplicationCount = { underReplicated: 0, withoutLiveReplica: 0, finishedAtWallMs: 0 };

/** The counts of one pass, accumulated over its slices. */
export class ReplicationTally {
  private underReplicated = 0;
  private withoutLiveReplica = 0;
  /** Dead servers this pass went through: their blocks are judged already. */
  private readonly deadDone = new Set<string>();
  /** The last file looked up: a dead server's blocks come in id order, mostly a file's in a row. */
  private lastInode = -1;
  private lastReplication = 0;

  constructor(
    private readonly reader: NamespaceReader,
    private readonly tracker: DataServerTracker,
  ) {}

  /** A block the block map places on the dead server the pass is going through. */
  deadHolderBlock(blockId: number): void {
    const mapped = this.reader.mappedBlock(blockId);
    if (mapped === undefined) return; // its file was deleted meanwhile
    let live = 0;
    for (const holder of mapped.holders) {
      if (this.deadDone.has(holder)) return;
      if (this.tracker.liveness(holder) !== 'dead') live++;
    }
    const replication = this.replicationOf(mapped.inode);
    if (live >= replication) return;
    this.underReplicated++;
    if (live === 0) this.withoutLiveReplica++;
  }

  /** Called once the pass has gone through all of dead server `id`'s blocks. */
  deadServerDone(id: string): void {
    this.deadDone.add(id);
  }

  result(finishedAtWallMs: number): ReplicationCount {
    return { underReplicated: this.underReplicated, withoutLiveReplica: this.withoutLiveReplica, finishedAtWallMs };
  }

  private replicationOf(inode: number): number {
    if (inode !== this.lastInode) {
      this.lastInode = inode;
      // A mapped block's file exists (removing a file removes its mappings in the same apply).
      this.lastReplication = this.reader.inode(inode)?.r ?? 0;
    }
    return this.lastReplication;
  }
}
