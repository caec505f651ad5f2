/** minfs-admin snapshot take: this node snapshots now and compacts its log behind the snapshot. */
import type { TakenSnapshot } from '../../generated/minfs/admin/TakenSnapshot';
import type { MetaNode } from '../meta-node';

export async function takeSnapshot(node: MetaNode): Promise<TakenSnapshot> {
  const meta = await node.raft.snapshot();
  return {
    node_id: node.settings.nodeId,
    index: meta?.index ?? 0,
    term: meta?.term ?? 0,
    deferred: meta?.deferred === true,
    first_log_index: node.raft.stats().firstLogIndex,
  };
}
