/**
 * The FSM a kv-node runs, behind what the node needs from it besides Raft's interface: stale
 * reads, a digest to compare replicas, and closing. Either the in-memory KvFsm (the default) or
 * the persistent LmdbKvFsm (KvNodeOptions.fsm = 'lmdb'); both speak the same command format.
 */
import { join } from 'node:path';
import type { FSM } from '../../../src/raft';
import { LmdbKvFsm } from '../lmdb-kv/lmdb-kv-fsm';
import { KvFsm, digestHash, mapHash, type KvResult } from './kv-fsm';
import { NODE_FSM_DIR, type KvNodeOptions, type NodeDigest } from './protocol';

export interface NodeFsm {
  readonly fsm: FSM<KvResult>;
  get(key: string): string | null;
  digest(): Promise<NodeDigest>;
  close(): Promise<void>;
}

/**
 * `raftAppliedIndex` is for the in-memory FSM, which does not track what a restored snapshot
 * covered: Raft's applied index is the index of its map whenever no batch is being applied.
 */
export function openNodeFsm(options: KvNodeOptions, dir: string, raftAppliedIndex: () => number): NodeFsm {
  if (options.fsm === 'lmdb') {
    const fsm = LmdbKvFsm.open(join(dir, NODE_FSM_DIR));
    return { fsm, get: (key) => fsm.get(key), digest: () => fsm.digest(), close: () => fsm.close() };
  }
  const fsm = new KvFsm();
  return {
    fsm,
    get: (key) => fsm.get(key),
    digest: () => {
      const appliedIndex = raftAppliedIndex();
      const hash = mapHash(fsm.data);
      return Promise.resolve({ mapHash: hash, appliedIndex, hash: digestHash(hash, appliedIndex), keys: fsm.data.size });
    },
    close: () => Promise.resolve(),
  };
}
