/**
 * The namespace records and their invariants, over a MetaEnvironment. Reads work in or out of a
 * write transaction (lmdb-js reads inside a transaction callback see its writes); the `…Sync`
 * writers must run inside one (the FSM's apply batch or restore).
 *
 * Invariants kept here:
 * - every inode except the root has exactly one directory entry, [p, n] of its record;
 * - a directory's size is the sum of the sizes of the files below it (kept by addToAncestors);
 * - a file's blocks are exactly the indexes 0..b-1 of its record;
 * - ids come from counters in `state` and are never reused.
 */
import { APPLIED_KEY, NEXT_BLOCK_KEY, NEXT_INODE_KEY, type MetaEnvironment } from './meta-environment';
import { DIRECTORY, ROOT_INODE, type BlockMapping, type InodeRecord } from './node-types';
import { refuse, type Refusal } from './results';

export interface FoundNode {
  readonly inode: number;
  readonly record: InodeRecord;
}

export class NamespaceState {
  constructor(readonly env: MetaEnvironment) {}

  appliedIndex(): number {
    return this.env.state.get(APPLIED_KEY) ?? 0;
  }

  setAppliedIndexSync(index: number): void {
    this.env.state.putSync(APPLIED_KEY, index);
  }

  inode(inode: number): InodeRecord | undefined {
    return this.env.inodes.get(inode);
  }

  child(parent: number, name: string): number | undefined {
    return this.env.dirents.get([parent, name]);
  }

  /**
   * Walks `names` from the root. `found` is the deepest node reached; `depth` how many names were
   * resolved (names.length when the whole path exists). Stops at a file with names left over.
   */
  walk(names: readonly string[]): { found: FoundNode; depth: number } | undefined {
    const rootRecord = this.inode(ROOT_INODE);
    if (rootRecord === undefined) return undefined;
    let found: FoundNode = { inode: ROOT_INODE, record: rootRecord };
    for (let depth = 0; depth < names.length; depth++) {
      if (found.record.t !== DIRECTORY) return { found, depth };
      const next = this.child(found.inode, names[depth]!);
      if (next === undefined) return { found, depth };
      const record = this.inode(next);
      if (record === undefined) throw new Error(`namespace corrupt: entry ${names[depth]} of ${found.inode} names missing inode ${next}`);
      found = { inode: next, record };
    }
    return { found, depth: names.length };
  }

  /**
   * Why there is no node at `names`: a file where a directory is needed on the way is
   * not-a-directory, otherwise not-found with `message`. Apply and reads give the same answer.
   */
  missing(names: readonly string[], message: string): Refusal {
    const walked = this.walk(names);
    if (walked !== undefined && walked.depth < names.length && walked.found.record.t !== DIRECTORY) {
      return refuse('not-a-directory', `not a directory: /${names.slice(0, walked.depth).join('/')}`);
    }
    return refuse('not-found', message);
  }

  /** The node at `names`, or undefined when some component is missing. */
  lookup(names: readonly string[]): FoundNode | undefined {
    const walked = this.walk(names);
    return walked !== undefined && walked.depth === names.length ? walked.found : undefined;
  }

  /** Whether directory `inode` has any entry. */
  hasChildren(inode: number): boolean {
    for (const _ of this.env.dirents.getKeys({ start: [inode], end: [inode + 1], limit: 1 })) return true;
    return false;
  }

  blocksOf(inode: number, count: number): BlockMapping[] {
    const out: BlockMapping[] = [];
    for (let index = 0; index < count; index++) {
      const value = this.env.blocks.get([inode, index]);
      if (value === undefined) throw new Error(`namespace corrupt: inode ${inode} lacks block ${index} of ${count}`);
      out.push({ blockId: value[0], locations: value[1] });
    }
    return out;
  }

  // ---- writers (inside a write transaction) ----

  /** Creates the root directory if there is none (the cluster's first log entry does this). */
  ensureRootSync(): void {
    if (this.inode(ROOT_INODE) !== undefined) return;
    this.env.inodes.putSync(ROOT_INODE, { t: DIRECTORY, p: 0, n: '', s: 0, m: 0, r: 0, h: '', b: 0 });
    this.env.state.putSync(NEXT_INODE_KEY, ROOT_INODE + 1);
    this.env.state.putSync(NEXT_BLOCK_KEY, 1);
  }

  allocateInodeSync(): number {
    const id = this.env.state.get(NEXT_INODE_KEY) ?? ROOT_INODE + 1;
    this.env.state.putSync(NEXT_INODE_KEY, id + 1);
    return id;
  }

  allocateBlockIdsSync(count: number): number {
    const first = this.env.state.get(NEXT_BLOCK_KEY) ?? 1;
    this.env.state.putSync(NEXT_BLOCK_KEY, first + count);
    return first;
  }

  putInodeSync(inode: number, record: InodeRecord): void {
    this.env.inodes.putSync(inode, record);
  }

  /** Adds a new node under `parent` (which must be a directory) and touches the parent. */
  linkNewSync(parent: FoundNode, name: string, record: Omit<InodeRecord, 'p' | 'n'>, at: number): number {
    const inode = this.allocateInodeSync();
    this.env.inodes.putSync(inode, { ...record, p: parent.inode, n: name });
    this.env.dirents.putSync([parent.inode, name], inode);
    this.touchSync(parent.inode, at);
    return inode;
  }

  /** Sets a directory's mtime. */
  touchSync(inode: number, at: number): void {
    const record = this.inode(inode);
    if (record !== undefined && record.m !== at) this.env.inodes.putSync(inode, { ...record, m: at });
  }

  /** Adds `delta` to the size of directory `from` and every directory above it. */
  addToAncestorsSync(from: number, delta: number): void {
    if (delta === 0) return;
    for (let inode = from; inode !== 0; ) {
      const record = this.inode(inode);
      if (record === undefined) throw new Error(`namespace corrupt: ancestor ${inode} missing`);
      this.env.inodes.putSync(inode, { ...record, s: record.s + delta });
      inode = record.p;
    }
  }

  /** Removes every block mapping of a file, recording the blocks for deletion on the DataServers. */
  dropBlocksSync(inode: number, count: number): void {
    for (let index = 0; index < count; index++) {
      const key: [number, number] = [inode, index];
      const value = this.env.blocks.get(key);
      if (value === undefined) continue;
      this.env.gc.putSync(value[0], value[1]);
      this.env.blocks.removeSync(key);
    }
  }

  /** Sets the block mappings 0..n-1 of a file (after dropBlocksSync removed the old ones). */
  putBlocksSync(inode: number, blocks: readonly BlockMapping[]): void {
    blocks.forEach((b, index) => this.env.blocks.putSync([inode, index], [b.blockId, [...b.locations]]));
  }

  /** Unlinks a node from its parent directory (its record stays; the caller decides what next). */
  unlinkSync(node: FoundNode): void {
    this.env.dirents.removeSync([node.record.p, node.record.n]);
  }

  /** Deletes a file: its entry, record and blocks (queued for deletion). Sizes above are the caller's. */
  removeFileSync(node: FoundNode): void {
    this.dropBlocksSync(node.inode, node.record.b);
    this.env.dirents.removeSync([node.record.p, node.record.n]);
    this.env.inodes.removeSync(node.inode);
  }
}
