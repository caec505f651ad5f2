/**
 * The upkeep items the leader has decided on and not yet proposed. Items are deduplicated (a
 * heartbeat that repeats a finding adds nothing) and leave as one `upkeep` command per flush, so
 * a round of 1,000 heartbeats costs a handful of log entries, not thousands.
 */
import type { UpkeepCommand } from '../meta/commands';

export type UpkeepLists = Omit<UpkeepCommand, 'op' | 'at' | 'requestId'>;
export type UpkeepKind = keyof UpkeepLists;
type ItemOf<K extends UpkeepKind> = NonNullable<UpkeepLists[K]>[number];

export class UpkeepBatch {
  private lists: { [K in UpkeepKind]?: ItemOf<K>[] } = {};
  private keys = new Set<string>();
  private count = 0;

  add<K extends UpkeepKind>(kind: K, item: ItemOf<K>): void {
    const key = `${kind}:${item.join('\u0000')}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const list = (this.lists[kind] ??= []) as ItemOf<K>[];
    list.push(item);
    this.count++;
  }

  /** Whether an item is already waiting (e.g. a repair start, to count it as load). */
  has<K extends UpkeepKind>(kind: K, item: ItemOf<K>): boolean {
    return this.keys.has(`${kind}:${item.join('\u0000')}`);
  }

  get size(): number {
    return this.count;
  }

  /** The lists, emptied from the batch (undefined when there is nothing). */
  take(): UpkeepLists | undefined {
    if (this.count === 0) return undefined;
    const lists = this.lists as UpkeepLists;
    this.lists = {};
    this.keys = new Set();
    this.count = 0;
    return lists;
  }

  /** The repair starts waiting to be proposed: [block, source, target]. */
  pendingRepairs(): readonly (readonly [number, string, string])[] {
    return this.lists.repairStart ?? [];
  }
}
