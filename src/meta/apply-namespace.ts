/**
 * Apply of the namespace-shaping commands: create, delete, purge and rename. Runs inside the
 * apply batch's write transaction; deterministic (state + command only) and total (every problem
 * is a Refusal, identical on every replica).
 */
import type { CreateNodeCommand, DeleteNodeCommand, PurgeTrashCommand, RenameCommand } from './commands';
import type { FoundNode, NamespaceState } from './namespace-state';
import { DIRECTORY, FILE, ROOT_INODE } from './node-types';
import { cleanPath, isAncestorOrSelf, type CleanPath } from './paths';
import { refuse, type CreateResult, type DeleteResult, type DoneResult, type MetaResult, type PurgeResult, type Refusal } from './results';

export function clean(path: string): CleanPath | Refusal {
  const cleaned = cleanPath(path);
  return cleaned.ok ? cleaned : refuse('invalid-argument', cleaned.message);
}

/** Prefix of `names` as a path, for messages. */
export function prefix(names: readonly string[], depth: number): string {
  return '/' + names.slice(0, depth).join('/');
}

/**
 * The directory that will hold the last name of `names`, creating missing ones when `parents`
 * (mkdir -p). Refuses a missing parent or a file where a directory is needed.
 */
export function parentDirectory(state: NamespaceState, names: readonly string[], parents: boolean, replication: number, at: number): FoundNode | Refusal {
  const dirNames = names.slice(0, -1);
  const walked = state.walk(dirNames);
  if (walked === undefined) return refuse('failed-precondition', 'the namespace has no root yet');
  let { found } = walked;
  if (found.record.t !== DIRECTORY) return refuse('not-a-directory', `parent is not a directory: ${prefix(names, walked.depth)}`);
  if (walked.depth === dirNames.length) return found;
  if (!parents) return refuse('not-found', `parent directory does not exist: ${prefix(names, walked.depth + 1)}`);
  for (let depth = walked.depth; depth < dirNames.length; depth++) {
    const name = dirNames[depth]!;
    const inode = state.linkNewSync(found, name, { t: DIRECTORY, s: 0, m: at, r: replication, h: '', b: 0 }, at);
    found = { inode, record: state.inode(inode)! };
  }
  return found;
}

export function applyCreate(state: NamespaceState, c: CreateNodeCommand): CreateResult | Refusal {
  if (c.type !== FILE && c.type !== DIRECTORY) return refuse('invalid-argument', `cannot create a node of type ${String(c.type as number)}: only File and Directory`);
  if (c.replication < 1) return refuse('invalid-argument', `replication factor ${c.replication} is below 1`);
  const path = clean(c.path);
  if (!path.ok) return path;
  if (path.names.length === 0) {
    if (c.parents && c.type === DIRECTORY) return { ok: true, inode: ROOT_INODE };
    return refuse('already-exists', 'the root directory already exists');
  }
  const existing = state.lookup(path.names);
  if (existing !== undefined) {
    if (c.parents && c.type === DIRECTORY && existing.record.t === DIRECTORY) return { ok: true, inode: existing.inode };
    return refuse('already-exists', `path already exists: ${path.path}`);
  }
  const parent = parentDirectory(state, path.names, c.parents, c.replication, c.at);
  if ('kind' in parent) return parent;
  const name = path.names.at(-1)!;
  const inode = state.linkNewSync(parent, name, { t: c.type, s: 0, m: c.at, r: c.replication, h: '', b: 0 }, c.at);
  return { ok: true, inode };
}

export function applyDelete(state: NamespaceState, c: DeleteNodeCommand): DeleteResult | Refusal {
  const path = clean(c.path);
  if (!path.ok) return path;
  if (path.names.length === 0) return refuse('invalid-argument', 'the root directory cannot be deleted');
  const node = state.lookup(path.names);
  if (node === undefined) return state.missing(path.names, `no such file or directory: ${path.path}`);
  const parent = node.record.p;
  if (node.record.t === FILE) {
    state.removeFileSync(node);
    state.addToAncestorsSync(parent, -node.record.s);
    state.touchSync(parent, c.at);
    return { ok: true, purgePending: false };
  }
  const hasChildren = state.hasChildren(node.inode);
  if (hasChildren && !c.recursive) return refuse('not-empty', `directory not empty: ${path.path}`);
  state.unlinkSync(node);
  state.addToAncestorsSync(parent, -node.record.s);
  state.touchSync(parent, c.at);
  if (hasChildren) {
    // Detached now (gone from the namespace in this very entry); its contents are removed by purge
    // commands in bounded batches, so a huge tree never makes one huge transaction.
    state.env.trash.putSync(node.inode, 1);
    return { ok: true, purgePending: true };
  }
  state.env.inodes.removeSync(node.inode);
  return { ok: true, purgePending: false };
}

/**
 * Removes up to `limit` nodes from the trash: the files in the first trashed directory (their
 * blocks queued for deletion), its subdirectories moved to the trash themselves, and the directory
 * once it is empty.
 */
export function applyPurge(state: NamespaceState, c: PurgeTrashCommand): PurgeResult | Refusal {
  if (c.limit < 1) return refuse('invalid-argument', `purge limit ${c.limit} is below 1`);
  const { env } = state;
  let removed = 0;
  while (removed < c.limit) {
    let dir: number | undefined;
    for (const key of env.trash.getKeys({ limit: 1 })) dir = key;
    if (dir === undefined) break;
    const children = [...env.dirents.getRange({ start: [dir], end: [dir + 1], limit: c.limit - removed })];
    for (const { value: inode } of children) {
      const record = state.inode(inode);
      if (record === undefined) throw new Error(`namespace corrupt: trashed entry names missing inode ${inode}`);
      if (record.t === FILE) state.removeFileSync({ inode, record });
      else {
        state.unlinkSync({ inode, record });
        env.trash.putSync(inode, 1);
      }
      removed++;
    }
    if (removed < c.limit && !state.hasChildren(dir)) {
      env.inodes.removeSync(dir);
      env.trash.removeSync(dir);
      removed++;
    }
  }
  let more = false;
  for (const _ of env.trash.getKeys({ limit: 1 })) more = true;
  return { ok: true, removed, more };
}

export function applyRename(state: NamespaceState, c: RenameCommand): DoneResult | Refusal {
  const from = clean(c.from);
  if (!from.ok) return from;
  const to = clean(c.to);
  if (!to.ok) return to;
  if (from.names.length === 0) return refuse('invalid-argument', 'the root directory cannot be renamed');
  const node = state.lookup(from.names);
  if (node === undefined) return state.missing(from.names, `no such file or directory: ${from.path}`);
  if (from.path === to.path) return { ok: true };
  if (node.record.t === DIRECTORY && isAncestorOrSelf(from.path, to.path)) {
    return refuse('invalid-argument', `cannot move a directory under itself: ${from.path} -> ${to.path}`);
  }
  if (to.names.length === 0 || state.lookup(to.names) !== undefined) return refuse('already-exists', `destination already exists: ${to.path}`);
  const target = parentDirectory(state, to.names, false, 0, c.at);
  if ('kind' in target) return target;
  const name = to.names.at(-1)!;
  const oldParent = node.record.p;
  state.unlinkSync(node);
  state.addToAncestorsSync(oldParent, -node.record.s);
  state.touchSync(oldParent, c.at);
  state.env.dirents.putSync([target.inode, name], node.inode);
  state.putInodeSync(node.inode, { ...node.record, p: target.inode, n: name });
  state.addToAncestorsSync(target.inode, node.record.s);
  state.touchSync(target.inode, c.at);
  return { ok: true };
}

/** Narrowing helper for callers holding a MetaResult. */
export function isRefusal(result: MetaResult): result is Refusal {
  return !result.ok;
}
