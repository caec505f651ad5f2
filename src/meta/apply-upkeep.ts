/**
 * Apply of the leader's block upkeep (DataServer registry, deletions, repairs, abandoned writes).
 * The leader decides from heartbeats, which only it sees; apply re-checks every item against the
 * replicated state it lands on and skips those that no longer fit (a block deleted meanwhile, a
 * copy already finished), so replicas agree whatever the leader's view was.
 */
import type { UpkeepCommand } from './commands';
import type { NamespaceState } from './namespace-state';
import { FILE } from './node-types';
import { refuse, type Refusal, type UpkeepResult } from './results';

/** Longest DataServer id or address accepted (both come from heartbeats). */
export const MAX_DATASERVER_NAME = 256;

export function applyUpkeep(state: NamespaceState, c: UpkeepCommand): UpkeepResult | Refusal {
  for (const [id, address] of c.register ?? []) {
    if (id === '' || address === '' || id.length > MAX_DATASERVER_NAME || address.length > MAX_DATASERVER_NAME) {
      return refuse('invalid-argument', `bad DataServer registration ${JSON.stringify([id, address])}`);
    }
  }
  let applied = 0;
  let skipped = 0;
  const count = (done: boolean): void => {
    if (done) applied++;
    else skipped++;
  };
  const { env } = state;
  for (const [id, address] of c.register ?? []) {
    env.dataservers.putSync(id, address);
    applied++;
  }
  for (const [blockId, holder] of c.gcAdd ?? []) {
    // A holder the block map names, or the target of its copy, keeps its copy.
    const mapped = state.mappedBlock(blockId);
    const needed = (mapped !== undefined && mapped.holders.includes(holder)) || env.repairing.get(blockId) === holder;
    if (!needed) state.addGcSync(blockId, [holder]);
    count(!needed);
  }
  for (const [blockId, holder] of c.gcDone ?? []) count(state.gcDoneSync(blockId, holder));
  for (const [blockId, source, target] of c.repairStart ?? []) {
    const mapped = state.mappedBlock(blockId);
    const fits = mapped !== undefined && !mapped.holders.includes(target) && source !== target && env.repairing.get(blockId) === undefined;
    if (fits) {
      env.repairing.putSync(blockId, target);
      env.repairs.putSync([target, blockId], [source, c.at]);
    }
    count(fits);
  }
  for (const [blockId, target] of c.repairDone ?? []) {
    const fits = env.repairing.get(blockId) === target;
    if (fits) {
      state.endRepairSync(blockId, target);
      // A block in `repairing` is mapped: dropping a mapping ends its repair (namespace-state).
      const mapped = state.mappedBlock(blockId)!;
      state.setHoldersSync(blockId, [...mapped.holders, target]);
    }
    count(fits);
  }
  for (const [blockId, target] of c.repairCancel ?? []) {
    const fits = env.repairing.get(blockId) === target;
    if (fits) {
      state.endRepairSync(blockId, target);
      state.addGcSync(blockId, [target]);
    }
    count(fits);
  }
  for (const [blockId, holder] of c.dropReplica ?? []) {
    const mapped = state.mappedBlock(blockId);
    // Never the last holder: a block with one bad copy is better than a block with none named.
    const fits = mapped !== undefined && mapped.holders.includes(holder) && mapped.holders.length > 1;
    if (fits) {
      state.setHoldersSync(
        blockId,
        mapped.holders.filter((h) => h !== holder),
      );
      state.addGcSync(blockId, [holder]);
    }
    count(fits);
  }
  for (const [inode, since] of c.abandon ?? []) {
    const record = env.writing.get(inode) === since ? state.inode(inode) : undefined;
    const fits = record !== undefined && record.t === FILE;
    if (fits) {
      state.removeFileSync({ inode, record });
      state.addToAncestorsSync(record.p, -record.s);
      state.touchSync(record.p, c.at);
    }
    count(fits);
  }
  return { ok: true, applied, skipped };
}
