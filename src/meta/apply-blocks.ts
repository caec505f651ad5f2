/**
 * Apply of the file-content commands: block allocation (GetBlockLocations' write mode) and
 * FinalizeWrite. Same rules as apply-namespace.ts: deterministic, total, inside the batch's
 * write transaction.
 */
import type { AllocateBlocksCommand, FinalizeWriteCommand } from './commands';
import { clean, parentDirectory } from './apply-namespace';
import type { NamespaceState } from './namespace-state';
import { BLOCK_SIZE_BYTES, FILE, MAX_BLOCKS_PER_FILE, blocksFor, type BlockMapping } from './node-types';
import { refuse, type AllocateResult, type DoneResult, type Refusal } from './results';

/** MD5 as the client sends it: 32 hex digits, or empty when unknown. */
const MD5_PATTERN = /^(?:[0-9a-f]{32})?$/;

/** A size a file can have: a whole number of bytes that fits MAX_BLOCKS_PER_FILE blocks. */
export function checkFileSize(size: number): Refusal | undefined {
  if (!Number.isSafeInteger(size) || size < 0) return refuse('invalid-argument', `invalid size ${size}: must be a whole number of bytes >= 0`);
  if (blocksFor(size) > MAX_BLOCKS_PER_FILE) {
    return refuse('invalid-argument', `size ${size} is beyond the largest file (${MAX_BLOCKS_PER_FILE} blocks of ${BLOCK_SIZE_BYTES} bytes)`);
  }
  return undefined;
}

/**
 * Maps fresh blocks for a whole file in one entry. Every earlier mapping of the file (including
 * ones at higher indexes than the new size needs) is removed and its block queued for deletion;
 * the file's size drops to 0 until FinalizeWrite says how much was written.
 */
export function applyAllocate(state: NamespaceState, c: AllocateBlocksCommand): AllocateResult | Refusal {
  const path = clean(c.path);
  if (!path.ok) return path;
  const bad = checkFileSize(c.size);
  if (bad !== undefined) return bad;
  if (c.size === 0) return refuse('invalid-argument', 'cannot allocate blocks for size 0');
  const count = blocksFor(c.size);
  if (c.placements.length !== count) {
    return refuse('invalid-argument', `size ${c.size} needs ${count} blocks but ${c.placements.length} placements were given`);
  }
  if (c.placements.some((locations) => locations.length === 0)) return refuse('invalid-argument', 'a block has no locations');
  let node = state.lookup(path.names);
  if (node === undefined) {
    if (!c.create) return state.missing(path.names, `file not found: ${path.path}`);
    if (path.names.length === 0) return refuse('is-a-directory', 'cannot get block locations for directory: /');
    // The same refusals as CreateNode's (a file anywhere above is not-a-directory); makes nothing.
    const parent = parentDirectory(state, path.names, false, c.replication, c.at);
    if ('kind' in parent) return parent;
    const inode = state.linkNewSync(parent, path.names.at(-1)!, { t: FILE, s: 0, m: c.at, r: c.replication, h: '', b: 0 }, c.at);
    node = { inode, record: state.inode(inode)! };
  }
  if (node.record.t !== FILE) return refuse('is-a-directory', `cannot get block locations for directory: ${path.path}`);
  state.dropBlocksSync(node.inode, node.record.b);
  const first = state.allocateBlockIdsSync(count);
  const blocks: BlockMapping[] = c.placements.map((locations, i) => ({ blockId: first + i, locations }));
  state.putBlocksSync(node.inode, blocks);
  state.putInodeSync(node.inode, { ...node.record, s: 0, h: '', m: c.at, b: count });
  // Being written from now: abandoned (never finalized) writes are found by this record.
  state.env.writing.putSync(node.inode, c.at);
  state.addToAncestorsSync(node.record.p, -node.record.s);
  return { ok: true, inode: node.inode, blocks };
}

/**
 * Records what a client wrote: the path must still name the inode the blocks were allocated to,
 * and the size must fit those blocks exactly (an empty file has none).
 */
export function applyFinalize(state: NamespaceState, c: FinalizeWriteCommand): DoneResult | Refusal {
  const path = clean(c.path);
  if (!path.ok) return path;
  const bad = checkFileSize(c.size);
  if (bad !== undefined) return bad;
  if (!MD5_PATTERN.test(c.md5)) return refuse('invalid-argument', `md5 must be 32 lower-case hex digits, got ${JSON.stringify(c.md5.slice(0, 80))}`);
  if (c.inode < 1) return refuse('invalid-argument', `invalid inode ${c.inode}`);
  const node = state.lookup(path.names);
  if (node === undefined) return state.missing(path.names, `file not found: ${path.path}`);
  if (node.record.t !== FILE) return refuse('is-a-directory', `cannot finalize a directory: ${path.path}`);
  if (node.inode !== c.inode) return refuse('failed-precondition', `inode ${c.inode} is not the file at ${path.path} (that is inode ${node.inode})`);
  const blocks = blocksFor(c.size);
  if (blocks !== node.record.b) {
    return refuse('failed-precondition', `size ${c.size} needs ${blocks} blocks but ${path.path} has ${node.record.b} allocated`);
  }
  state.putInodeSync(node.inode, { ...node.record, s: c.size, h: c.md5, m: c.at });
  state.addToAncestorsSync(node.record.p, c.size - node.record.s);
  state.env.writing.removeSync(node.inode);
  return { ok: true };
}
