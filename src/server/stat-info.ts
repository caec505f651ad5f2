/** Namespace records as the wire's StatInfo. */
import type { NodeAt } from '../meta/namespace-reader';
import { DIRECTORY } from '../meta/node-types';
import type { StatInfo } from '../generated/dfs_project/StatInfo';

export function statInfo(node: NodeAt): StatInfo {
  const r = node.record;
  return {
    path: node.path,
    size: r.s,
    mtime: r.m,
    type: r.t === DIRECTORY ? 'Directory' : 'File',
    replicaData: [],
    md5: r.h,
    inode: node.inode,
  };
}
