/**
 * The namespace records and their invariants, over a MetaEnvironment. Reads work in or out of a
 * write transaction (lmdb-js reads inside a transaction callback see its writes); the `…Sync`
 * writers must run inside one (the FSM's apply batch or restore).
 *
 * Invariants kept here:
 * - every inode except the root has exactly one directory entry, [p, n] of its record;
 * - a directory's size is the sum of the sizes of the files below it (kept by addToAncestors);
 * - a file's blocks are exactly the indexes 0..b-1 of its record;
 * - `owners` and `replicas` index exactly the block maps (by block id, and by holder);
 * - `gcHolders` indexes exactly the gc records; `repairing` and `repairs` are one relation;
 * - a block id is either mapped (in `owners`) or, once unmapped, only ever in gc;
 * - ids come from counters in `state` and are never reused.
 */
import { APPLIED_KEY, NEXT_BLOCK_KEY, NEXT_INODE_KEY, type MetaEnvironment } from './meta-environment';
import { DIRECTORY, ROOT_INODE, type BlockMapping, type InodeRecord } from './node-types';
import { refuse, type Refusal } from './results';

export interface FoundNode {
  readonly inode: number;
  readonly record: InodeRecord;
}

/** A read while a restore swaps the environment's data file (a moment): the caller may retry. */
export class NamespaceUnavailableError extends Error {
  constructor() {
    super('the namespace is being replaced by a snapshot from the leader; retry');
    this.name = 'NamespaceUnavailableError';
  }
}

export class NamespaceState {
  private current: MetaEnvironment | undefined;

  constructor(env: MetaEnvironment) {
    this.current = env;
  }

  /** The environment in use; read it at each use: a restore swaps in another one. */
  get env(): MetaEnvironment {
    if (this.current === undefined) throw new NamespaceUnavailableError();
    return this.current;
  }

  /** Used by the FSM only: a restore is about to close the environment; reads fail until replaceEnvironment(). */
  withdrawEnvironment(): void {
    this.current = undefined;
  }

  /** Used by the FSM only, when a restore has swapped the environment's data file. */
  replaceEnvironment(env: MetaEnvironment): void {
    this.current = env;
  }

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

  /**
   * Removes every block mapping of a file, recording the blocks for deletion on their holders
   * (and on the target of a copy in flight, which may hold part of one).
   */
  dropBlocksSync(inode: number, count: number): void {
    const { env } = this;
    for (let index = 0; index < count; index++) {
      const key: [number, number] = [inode, index];
      const value = env.blocks.get(key);
      if (value === undefined) continue;
      const [blockId, holders] = value;
      for (const holder of holders) env.replicas.removeSync([holder, blockId]);
      env.owners.removeSync(blockId);
      env.blocks.removeSync(key);
      const target = env.repairing.get(blockId);
      if (target !== undefined) this.endRepairSync(blockId, target);
      this.addGcSync(blockId, target === undefined || holders.includes(target) ? holders : [...holders, target]);
    }
    env.writing.removeSync(inode);
  }

  /** Sets the block mappings 0..n-1 of a file (after dropBlocksSync removed the old ones). */
  putBlocksSync(inode: number, blocks: readonly BlockMapping[]): void {
    const { env } = this;
    blocks.forEach((b, index) => {
      // A fresh id can still have a gc record when some DataServer held a rogue copy under it;
      // the new mapping wins, or the deletion would remove the new block's copies.
      const stale = env.gc.get(b.blockId);
      if (stale !== undefined) for (const h of stale) this.gcDoneSync(b.blockId, h);
      env.blocks.putSync([inode, index], [b.blockId, [...b.locations]]);
      env.owners.putSync(b.blockId, [inode, index]);
      for (const holder of b.locations) env.replicas.putSync([holder, b.blockId], 1);
    });
  }

  /** A mapped block by id: its file block and current holders. */
  mappedBlock(blockId: number): { inode: number; index: number; holders: string[] } | undefined {
    const owner = this.env.owners.get(blockId);
    if (owner === undefined) return undefined;
    const value = this.env.blocks.get(owner);
    if (value === undefined) throw new Error(`namespace corrupt: block ${blockId} owned by ${owner.join('/')} which has no mapping`);
    return { inode: owner[0], index: owner[1], holders: value[1] };
  }

  /** Replaces the holders of a mapped block (repairs and dropped replicas), keeping `replicas` exact. */
  setHoldersSync(blockId: number, holders: readonly string[]): void {
    const mapped = this.mappedBlock(blockId);
    if (mapped === undefined) throw new Error(`setHolders of unmapped block ${blockId}`);
    for (const h of mapped.holders) if (!holders.includes(h)) this.env.replicas.removeSync([h, blockId]);
    for (const h of holders) if (!mapped.holders.includes(h)) this.env.replicas.putSync([h, blockId], 1);
    this.env.blocks.putSync([mapped.inode, mapped.index], [blockId, [...holders]]);
  }

  /** Adds holders to a block's gc record (creating it): each must delete its copy. */
  addGcSync(blockId: number, holders: readonly string[]): void {
    if (holders.length === 0) return;
    const pending = this.env.gc.get(blockId) ?? [];
    const merged = [...pending];
    for (const h of holders) {
      if (merged.includes(h)) continue;
      merged.push(h);
      this.env.gcHolders.putSync([h, blockId], 1);
    }
    if (merged.length !== pending.length) this.env.gc.putSync(blockId, merged);
  }

  /** A holder confirmed it no longer has the block; the record goes with its last holder. */
  gcDoneSync(blockId: number, holder: string): boolean {
    const pending = this.env.gc.get(blockId);
    if (pending === undefined || !pending.includes(holder)) return false;
    this.env.gcHolders.removeSync([holder, blockId]);
    const rest = pending.filter((h) => h !== holder);
    if (rest.length === 0) this.env.gc.removeSync(blockId);
    else this.env.gc.putSync(blockId, rest);
    return true;
  }

  /** Forgets the copy of `blockId` to `target` (done, cancelled, or its block dropped). */
  endRepairSync(blockId: number, target: string): void {
    this.env.repairing.removeSync(blockId);
    this.env.repairs.removeSync([target, blockId]);
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
