/**
 * What one heartbeat tells the leader, compared with the replicated block state: confirmations
 * (a copy arrived, a deletion happened), suspects (a replica the block map names but the report
 * lacks), copies nobody needs (orphans, extra replicas), and the commands for the reply.
 *
 * Steady state costs almost nothing: an unchanged report has an empty difference, and only the
 * DataServer's own pending copies and deletions are read (two short LMDB range scans).
 */
import type { Command } from '../generated/dfs_project/Command';
import type { NamespaceReader } from '../meta/namespace-reader';
import type { DataServerReport, DataServerTracker, ReportChange } from './dataserver-tracker';
import type { UpkeepBatch } from './upkeep-batch';
import type { UpkeepSettings } from './upkeep-settings';

export interface ReconcileContext {
  readonly reader: NamespaceReader;
  readonly tracker: DataServerTracker;
  readonly batch: UpkeepBatch;
  readonly settings: UpkeepSettings;
  /** Blocks to look at in the next tick (under- or over-replicated, maybe). */
  readonly suspects: Set<number>;
  /** Monotonic ms now. */
  readonly now: number;
  /** When each command was last sent, by "<server>/<action>/<block>". */
  readonly sentAt: Map<string, number>;
  /** Safe mode: confirm and resend, but schedule no new deletion. */
  readonly safe: boolean;
}

const FEW_ADDED = 64;

export function reconcileHeartbeat(ctx: ReconcileContext, report: DataServerReport, change: ReportChange): Command[] {
  const { reader, tracker, batch, suspects } = ctx;
  const id = report.id;
  if (change.first) {
    // One merge of the block map's blocks on this server with its report (both ascending): what
    // the map places here and the report lacks is suspect; what the report has and the map does
    // not place here is classified. No per-block lookup for the blocks that agree.
    mergeWithHeld(reader.blocksHeldBy(id), report.blocks, (blockId) => suspects.add(blockId), (blockId) => classifyReported(ctx, id, blockId));
  } else {
    for (const blockId of change.removed) suspects.add(blockId);
    // A few new blocks are looked up one by one; many (a server back with its disk) in one merge.
    if (change.added.length <= FEW_ADDED) for (const blockId of change.added) classifyReported(ctx, id, blockId);
    else mergeWithHeld(reader.blocksHeldBy(id), change.added, () => {}, (blockId) => classifyReported(ctx, id, blockId));
  }

  const commands: Command[] = [];
  for (const repair of reader.repairsTo(id)) {
    if (tracker.holds(id, repair.blockId)) {
      batch.add('repairDone', [repair.blockId, id]);
      // Looked at again once the copy is in the map: a dead holder it replaced can go then.
      suspects.add(repair.blockId);
      ctx.sentAt.delete(`${id}/COPY_BLOCK/${repair.blockId}`);
    } else if (due(ctx, id, 'COPY_BLOCK', repair.blockId)) {
      const source = reader.addressOf(repair.source);
      if (source !== undefined) commands.push({ action: 'COPY_BLOCK', block_id: repair.blockId, targets: [source] });
    }
  }
  let deletes = 0;
  for (const blockId of reader.gcOf(id, ctx.settings.maxDeletesPerHeartbeat * 4)) {
    if (!tracker.holds(id, blockId)) {
      batch.add('gcDone', [blockId, id]);
      ctx.sentAt.delete(`${id}/DELETE_BLOCK/${blockId}`);
    } else if (deletes < ctx.settings.maxDeletesPerHeartbeat && due(ctx, id, 'DELETE_BLOCK', blockId)) {
      commands.push({ action: 'DELETE_BLOCK', block_id: blockId, targets: [] });
      deletes++;
    }
  }
  return commands;
}

/**
 * Walks `held` (ascending block ids the block map places on a server) against `reported`
 * (ascending): calls onlyHeld for ids only in `held`, onlyReported for ids only in `reported`.
 */
export function mergeWithHeld(held: Iterable<number>, reported: ArrayLike<number>, onlyHeld: (blockId: number) => void, onlyReported: (blockId: number) => void): void {
  let j = 0;
  for (const blockId of held) {
    while (j < reported.length && reported[j]! < blockId) onlyReported(reported[j++]!);
    if (j < reported.length && reported[j] === blockId) j++;
    else onlyHeld(blockId);
  }
  while (j < reported.length) onlyReported(reported[j++]!);
}

/** A block this server reports: fine if the map names it here, else a copy to delete (unless safe mode). */
function classifyReported(ctx: ReconcileContext, id: string, blockId: number): void {
  const { reader } = ctx;
  const mapped = reader.mappedBlock(blockId);
  if (mapped?.holders.includes(id) === true) return;
  if (reader.repairTarget(blockId) === id) return; // the copy arriving: confirmed by the repairs loop
  if (reader.gcHolders(blockId)?.includes(id) === true) return; // its deletion is already on the way
  if (ctx.safe) return; // the next full comparison after safe mode finds it again
  // An orphan (no file maps it) or an extra copy of a mapped block: delete it. Apply re-checks
  // that the block map still does not name this holder.
  ctx.batch.add('gcAdd', [blockId, id]);
  if (mapped !== undefined) ctx.suspects.add(blockId);
}

/** Whether a command is due: never sent in this leadership, or sent longer ago than resendAfterMs. */
function due(ctx: ReconcileContext, id: string, action: string, blockId: number): boolean {
  const key = `${id}/${action}/${blockId}`;
  const last = ctx.sentAt.get(key);
  if (last !== undefined && ctx.now - last < ctx.settings.resendAfterMs) return false;
  ctx.sentAt.set(key, ctx.now);
  return true;
}
