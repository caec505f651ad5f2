/**
 * Read-side queries of the namespace, straight from LMDB (lmdb-js's read transaction of the
 * moment): nothing is cached in the JS heap. Callers decide consistency beforehand (read index on
 * the leader, or a deliberate stale read).
 */
import { cleanPath, joinPath } from './paths';
import type { FoundNode, NamespaceState } from './namespace-state';
import { FILE, ROOT_INODE, type BlockMapping, type InodeRecord } from './node-types';
import { refuse, type Refusal } from './results';

/** A node with the path it was found at. */
export interface NodeAt extends FoundNode {
  readonly path: string;
}

export interface ListPage {
  readonly entries: NodeAt[];
  /** The name to continue after, when more entries follow. */
  readonly next: string | undefined;
}

export class NamespaceReader {
  constructor(private readonly state: NamespaceState) {}

  /** The node at `path`, or the refusal that explains why there is none. */
  stat(path: string): NodeAt | Refusal {
    const cleaned = cleanPath(path);
    if (!cleaned.ok) return refuse('invalid-argument', cleaned.message);
    const walked = this.state.walk(cleaned.names);
    if (walked === undefined) return refuse('failed-precondition', 'the namespace has no root yet');
    if (walked.depth < cleaned.names.length) return this.state.missing(cleaned.names, `no such file or directory: ${cleaned.path}`);
    return { ...walked.found, path: cleaned.path };
  }

  /**
   * Up to `limit` entries of directory `dir`, in byte order of their names, starting after `after`
   * (exclusive; undefined for the start).
   */
  list(dir: NodeAt, after: string | undefined, limit: number): ListPage {
    const entries: NodeAt[] = [];
    const range = this.state.env.dirents.getRange({
      start: after === undefined ? [dir.inode] : [dir.inode, after],
      end: [dir.inode + 1],
      limit: limit + 2,
    });
    let next: string | undefined;
    for (const { key, value } of range) {
      const name = key[1];
      if (after !== undefined && name === after) continue;
      if (entries.length === limit) {
        next = entries.at(-1)!.record.n;
        break;
      }
      const record = this.state.inode(value);
      if (record === undefined) throw new Error(`namespace corrupt: entry ${name} of ${dir.inode} names missing inode ${value}`);
      entries.push({ inode: value, record, path: joinPath(dir.path, name) });
    }
    return { entries, next };
  }

  blocks(node: FoundNode): BlockMapping[] {
    return node.record.t === FILE ? this.state.blocksOf(node.inode, node.record.b) : [];
  }

  /** The path of an inode, from its parent chain (undefined for a detached or unknown inode). */
  pathOf(inode: number): string | undefined {
    const names: string[] = [];
    for (let at = inode; at !== ROOT_INODE; ) {
      const record = this.state.inode(at);
      if (record === undefined || record.p === 0) return undefined;
      if (this.state.child(record.p, record.n) !== at) return undefined;
      names.push(record.n);
      at = record.p;
    }
    return '/' + names.reverse().join('/');
  }

  /** Every file reachable in the namespace, in inode order. */
  *files(): Generator<NodeAt> {
    for (const { key, value } of this.state.env.inodes.getRange({})) {
      if ((value as InodeRecord).t !== FILE) continue;
      const path = this.pathOf(key);
      if (path !== undefined) yield { inode: key, record: value, path };
    }
  }

  /** Whether deleted directories are waiting for purge commands. */
  hasTrash(): boolean {
    for (const _ of this.state.env.trash.getKeys({ limit: 1 })) return true;
    return false;
  }
}
