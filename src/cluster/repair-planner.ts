/**
 * Decides what to do about suspect blocks: copy the under-replicated ones (fewest good replicas
 * first), take dead or missing holders off blocks that have enough good replicas again, and trim
 * extra replicas. A good replica is one a non-dead holder listed in its latest block report.
 */
import type { NamespaceReader } from '../meta/namespace-reader';
import type { DataServerTracker } from './dataserver-tracker';
import type { UpkeepBatch } from './upkeep-batch';
import type { UpkeepSettings } from './upkeep-settings';

export interface PlanContext {
  readonly reader: NamespaceReader;
  readonly tracker: DataServerTracker;
  readonly batch: UpkeepBatch;
  readonly settings: UpkeepSettings;
  /** Copies in flight per DataServer id, as target or source (updated as repairs are planned). */
  readonly load: Map<string, number>;
}

export interface PlanOutcome {
  /** Blocks to look at again later (too recent to judge, or no copy slot free now). */
  readonly retry: number[];
  /** Blocks with no good replica left anywhere. */
  readonly lost: number[];
  readonly repairsPlanned: number;
}

interface Endangered {
  readonly blockId: number;
  readonly good: readonly string[];
  readonly holders: readonly string[];
}

export function planRepairs(ctx: PlanContext, suspects: Iterable<number>): PlanOutcome {
  const { reader, tracker, batch } = ctx;
  const retry: number[] = [];
  const lost: number[] = [];
  /** Index = number of good replicas: the most endangered are repaired first. */
  const byGood: Endangered[][] = [];
  for (const blockId of suspects) {
    if (reader.repairTarget(blockId) !== undefined) {
      retry.push(blockId); // a copy is under way: look again once it is confirmed or given up
      continue;
    }
    const mapped = reader.mappedBlock(blockId);
    if (mapped === undefined || reader.isWriting(mapped.inode)) continue; // deleted, or still being written
    const file = reader.inode(mapped.inode);
    if (file === undefined) continue;
    const good = mapped.holders.filter((h) => tracker.holds(h, blockId));
    const missing = mapped.holders.filter((h) => !good.includes(h) && (tracker.liveness(h) === 'dead' || tracker.heard(h)));
    // A live holder's report is believed to lack the block only if it must postdate the write.
    // A DataServer that sends its next heartbeat only once the last one was answered (the
    // reference one does) made a report whose predecessor arrived after the file last changed
    // after the write, however long it then waited in the leader's queue. And the report must
    // itself have arrived reportGraceMs after that change, for senders that do not wait. Time alone is no proof:
    // with a holder's reports held up (a fill at full speed), every block written meanwhile
    // looked lost or under-replicated.
    const unproven = (h: string): boolean =>
      tracker.liveness(h) !== 'dead' &&
      (tracker.previousReportedAtWallMs(h) <= file.m || tracker.reportedAtWallMs(h) - file.m < ctx.settings.reportGraceMs);
    if (missing.some(unproven)) {
      retry.push(blockId); // judge once a report that must postdate the write is in
      continue;
    }
    if (good.length === 0) {
      lost.push(blockId);
      continue;
    }
    if (good.length < file.r) {
      (byGood[good.length] ??= []).push({ blockId, good, holders: mapped.holders });
      continue;
    }
    // Enough good replicas: the block map should name only them, and no more than it needs.
    for (const h of missing) batch.add('dropReplica', [blockId, h]);
    const extra = good.length - file.r;
    if (extra > 0) {
      const fullest = [...good].sort((a, b) => (tracker.get(a)?.freeBytes ?? 0) - (tracker.get(b)?.freeBytes ?? 0));
      for (const h of fullest.slice(0, extra)) batch.add('dropReplica', [blockId, h]);
    }
  }
  let repairsPlanned = 0;
  // Copy targets: a server that deregistered from etcd is leaving, a copy to it would be wasted.
  const live = tracker.placeable();
  for (const bucket of byGood) {
    for (const block of bucket ?? []) {
      const started = startRepair(ctx, block, live);
      if (started) repairsPlanned++;
      else retry.push(block.blockId);
    }
  }
  return { retry, lost, repairsPlanned };
}

function startRepair(ctx: PlanContext, block: Endangered, live: ReturnType<DataServerTracker['placeable']>): boolean {
  const { load, settings, tracker } = ctx;
  const limit = settings.maxCopiesPerDataServer;
  const loadOf = (id: string): number => load.get(id) ?? 0;
  const sources = block.good.filter((h) => tracker.liveness(h) === 'live' && loadOf(h) < limit).sort((a, b) => loadOf(a) - loadOf(b));
  const source = sources[0];
  if (source === undefined) return false;
  let target: string | undefined;
  let best = -1;
  for (const s of live) {
    if (block.holders.includes(s.id) || tracker.holds(s.id, block.blockId) || loadOf(s.id) >= limit) continue;
    // Emptiest and idlest first; ties by id order (live() is sorted) keep plans reproducible.
    const score = Math.max(1, s.freeBytes) / (1 + loadOf(s.id));
    if (score > best) {
      best = score;
      target = s.id;
    }
  }
  if (target === undefined) return false;
  ctx.batch.add('repairStart', [block.blockId, source, target]);
  load.set(source, loadOf(source) + 1);
  load.set(target, loadOf(target) + 1);
  return true;
}
