/**
 * A plain in-memory model of the namespace FSM, written from the rules rather than from the code:
 * a Map from clean path to node (the root included), directory sizes computed by walking, id
 * counters, the gc set, the trash as an amount of purge work left, and idempotency keys with their
 * expiry. It predicts the whole result of every command (refusals by kind only).
 *
 * Paths given to it must be clean (the property test only makes clean ones).
 */
import { LogType } from '../../../src/raft';
import { REQUEST_ID_TTL_MS } from '../../../src/meta/command-applier';
import type { MetaCommand } from '../../../src/meta/commands';
import {
  BLOCK_SIZE_BYTES,
  DIRECTORY,
  FILE,
  MAX_BLOCKS_PER_FILE,
  ROOT_INODE,
  type BlockMapping,
  type NodeType,
} from '../../../src/meta/node-types';
import type { MetaResult, RefusalKind } from '../../../src/meta/results';
import type { Payload } from './meta-harness';

export interface ModelNode {
  readonly type: NodeType;
  readonly inode: number;
  readonly replication: number;
  /** Files: the finalized size (0 until then). Directories: 0 (see sizeOf). */
  size: number;
  md5: string;
  blocks: BlockMapping[];
}

/** Expired idempotency keys forgotten per command (the FSM's bound). */
const EXPIRE_PER_COMMAND = 4;
const MD5 = /^(?:[0-9a-f]{32})?$/;

/** An import's firstRefusal as the model gives it: the text is the FSM's own, the model says only that there is one. */
export const MODELLED_REFUSAL = '(model)';

const fail = (kind: RefusalKind): MetaResult => ({ ok: false, kind, message: '(model)' });

export function parentPath(p: string): string {
  const slash = p.lastIndexOf('/');
  return slash <= 0 ? '/' : p.slice(0, slash);
}

/** `p` and its ancestors' paths, top down, without the root: '/a/b' gives ['/a', '/a/b']. */
function prefixes(p: string): string[] {
  if (p === '/') return [];
  const names = p.slice(1).split('/');
  return names.map((_, i) => '/' + names.slice(0, i + 1).join('/'));
}

function under(ancestor: string, p: string): boolean {
  return p.startsWith(ancestor === '/' ? '/' : `${ancestor}/`);
}

export class NamespaceModel {
  readonly nodes = new Map<string, ModelNode>([
    ['/', { type: DIRECTORY, inode: ROOT_INODE, replication: 0, size: 0, md5: '', blocks: [] }],
  ]);
  /** Blocks of deleted files, by id: the FSM's gc database once the trash is empty. */
  readonly gc = new Map<number, readonly string[]>();
  /** Blocks of files in detached trees: they reach gc while the trash is purged. */
  readonly trashBlocks = new Map<number, readonly string[]>();
  /** Purge steps left: a file 1, a directory below the detached one 2 (moved to the trash, removed), the detached one 1. */
  trashWork = 0;
  readonly requests = new Map<string, { readonly what: string; readonly result: MetaResult }>();
  /** [at, key] of the remembered keys, in the FSM's key order. */
  private expiry: [number, string][] = [];
  private nextInode = ROOT_INODE + 1;
  private nextBlock = 1;

  apply(payload: Payload): MetaResult {
    if (payload === LogType.Noop || payload === LogType.Configuration) return { ok: true };
    if (payload instanceof Uint8Array) return fail('invalid-argument');
    return this.command(payload);
  }

  /** Files: their size; directories: the sum of the sizes of the files below. */
  sizeOf(p: string): number {
    const node = this.nodes.get(p)!;
    if (node.type === FILE) return node.size;
    let sum = 0;
    for (const [q, n] of this.nodes) if (n.type === FILE && q !== p && under(p, q)) sum += n.size;
    return sum;
  }

  /** The names in directory `p`, in byte order (the alphabet is ASCII). */
  children(p: string): string[] {
    const out: string[] = [];
    for (const q of this.nodes.keys()) if (q !== '/' && parentPath(q) === p) out.push(q.slice(q.lastIndexOf('/') + 1));
    return out.sort();
  }

  private command(c: MetaCommand): MetaResult {
    this.expire(c.at);
    const key = c.requestId;
    if (key === undefined || key === '') return this.dispatch(c);
    const what =
      c.op === 'rename'
        ? `rename ${c.from} -> ${c.to}`
        : c.op === 'purge' || c.op === 'upkeep'
          ? c.op
          : c.op === 'member' || c.op === 'checkpoint'
            ? `${c.op} ${c.id}`
            : c.op === 'import'
              ? `import of ${c.nodes.length} nodes from ${c.nodes[0]?.[0] ?? 'nothing'}`
              : `${c.op} ${c.path}`;
    const earlier = this.requests.get(key);
    if (earlier !== undefined) return earlier.what === what ? earlier.result : fail('invalid-argument');
    const result = this.dispatch(c);
    this.requests.set(key, { what, result });
    this.expiry.push([c.at, key]);
    this.expiry.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
    return result;
  }

  private expire(now: number): void {
    let n = 0;
    while (n < EXPIRE_PER_COMMAND && n < this.expiry.length && this.expiry[n]![0] < now - REQUEST_ID_TTL_MS) n++;
    for (const [, key] of this.expiry.splice(0, n)) this.requests.delete(key);
  }

  private dispatch(c: MetaCommand): MetaResult {
    switch (c.op) {
      case 'create':
        return this.create(c.path, c.type, c.parents, c.replication);
      case 'import':
        return this.import(c.nodes, c.replication);
      case 'delete':
        return this.delete(c.path, c.recursive);
      case 'purge':
        return this.purge(c.limit);
      case 'allocate':
        return this.allocate(c.path, c.size, c.placements, c.create, c.replication);
      case 'finalize':
        return this.finalize(c.path, c.inode, c.size, c.md5);
      case 'rename':
        return this.rename(c.from, c.to);
      case 'upkeep':
        // Block upkeep has its own tests (test/meta/upkeep.test.ts); the namespace model ignores DataServers.
        throw new Error('the namespace model does not model upkeep commands');
      case 'member':
      case 'checkpoint':
        // Cluster bookkeeping (test/meta/meta-fsm-members.test.ts); the namespace model ignores it.
        throw new Error(`the namespace model does not model ${c.op} commands`);
    }
  }

  /**
   * Whether the directory that would hold `p` exists: undefined if so, else the refusal (a file
   * on the way is not-a-directory, a missing directory not-found). With `make`, missing
   * directories are made instead.
   */
  private parentCheck(p: string, make: { replication: number } | undefined): RefusalKind | undefined {
    const dirs = prefixes(parentPath(p));
    for (const [i, d] of dirs.entries()) {
      const node = this.nodes.get(d);
      if (node?.type === FILE) return 'not-a-directory';
      if (node === undefined) {
        if (make === undefined) return 'not-found';
        for (const missing of dirs.slice(i)) this.add(missing, DIRECTORY, make.replication);
        return undefined;
      }
    }
    return undefined;
  }

  /** Why there is no node at `p`: a file on the way is not-a-directory, otherwise not-found. */
  private missing(p: string): RefusalKind {
    for (const d of prefixes(parentPath(p))) if (this.nodes.get(d)?.type === FILE) return 'not-a-directory';
    return 'not-found';
  }

  private add(p: string, type: NodeType, replication: number): ModelNode {
    const node: ModelNode = { type, inode: this.nextInode++, replication, size: 0, md5: '', blocks: [] };
    this.nodes.set(p, node);
    return node;
  }

  private create(p: string, type: number, parents: boolean, replication: number): MetaResult {
    if (type !== FILE && type !== DIRECTORY) return fail('invalid-argument');
    if (replication < 1) return fail('invalid-argument');
    const existing = this.nodes.get(p);
    if (existing !== undefined) {
      return parents && type === DIRECTORY && existing.type === DIRECTORY ? { ok: true, inode: existing.inode } : fail('already-exists');
    }
    const refused = this.parentCheck(p, parents ? { replication } : undefined);
    if (refused !== undefined) return fail(refused);
    return { ok: true, inode: this.add(p, type, replication).inode };
  }

  /** Each item as a create with parents; the first refusal's text is the FSM's, so only its presence is modelled. */
  private import(items: readonly (readonly [string, number])[], replication: number): MetaResult {
    if (replication < 1) return fail('invalid-argument');
    let created = 0;
    let existed = 0;
    let refused = 0;
    for (const [p, type] of items) {
      const existing = this.nodes.get(p);
      if (type !== FILE && type !== DIRECTORY) refused++;
      else if (existing !== undefined) {
        if (existing.type === type) existed++;
        else refused++;
      } else if (this.parentCheck(p, { replication }) !== undefined) refused++;
      else {
        this.add(p, type, replication);
        created++;
      }
    }
    return { ok: true, created, existed, refused, firstRefusal: refused > 0 ? MODELLED_REFUSAL : '' };
  }

  private delete(p: string, recursive: boolean): MetaResult {
    if (p === '/') return fail('invalid-argument');
    const node = this.nodes.get(p);
    if (node === undefined) return fail(this.missing(p));
    if (node.type === FILE) {
      for (const b of node.blocks) this.gc.set(b.blockId, b.locations);
      this.nodes.delete(p);
      return { ok: true, purgePending: false };
    }
    const below = [...this.nodes.keys()].filter((q) => q !== p && under(p, q));
    if (below.length > 0 && !recursive) return fail('not-empty');
    for (const q of below) {
      const n = this.nodes.get(q)!;
      this.trashWork += n.type === FILE ? 1 : 2;
      for (const b of n.blocks) this.trashBlocks.set(b.blockId, b.locations);
      this.nodes.delete(q);
    }
    this.nodes.delete(p);
    if (below.length === 0) return { ok: true, purgePending: false };
    this.trashWork += 1;
    return { ok: true, purgePending: true };
  }

  private purge(limit: number): MetaResult {
    if (limit < 1) return fail('invalid-argument');
    const removed = Math.min(limit, this.trashWork);
    this.trashWork -= removed;
    if (this.trashWork === 0) {
      for (const [id, locations] of this.trashBlocks) this.gc.set(id, locations);
      this.trashBlocks.clear();
    }
    return { ok: true, removed, more: this.trashWork > 0 };
  }

  private allocate(p: string, size: number, placements: readonly (readonly string[])[], create: boolean, replication: number): MetaResult {
    if (!Number.isSafeInteger(size) || size < 0) return fail('invalid-argument');
    const count = Math.ceil(size / BLOCK_SIZE_BYTES);
    if (count > MAX_BLOCKS_PER_FILE || size === 0) return fail('invalid-argument');
    if (placements.length !== count || placements.some((l) => l.length === 0)) return fail('invalid-argument');
    let node = this.nodes.get(p);
    if (node === undefined) {
      if (!create) return fail(this.missing(p));
      const refused = this.parentCheck(p, undefined);
      if (refused !== undefined) return fail(refused);
      node = this.add(p, FILE, replication);
    }
    if (node.type !== FILE) return fail('is-a-directory');
    for (const b of node.blocks) this.gc.set(b.blockId, b.locations);
    node.blocks = placements.map((locations) => ({ blockId: this.nextBlock++, locations: [...locations] }));
    node.size = 0;
    node.md5 = '';
    return { ok: true, inode: node.inode, blocks: node.blocks };
  }

  private finalize(p: string, inode: number, size: number, md5: string): MetaResult {
    if (!Number.isSafeInteger(size) || size < 0 || Math.ceil(size / BLOCK_SIZE_BYTES) > MAX_BLOCKS_PER_FILE)
      return fail('invalid-argument');
    if (!MD5.test(md5) || inode < 1) return fail('invalid-argument');
    const node = this.nodes.get(p);
    if (node === undefined) return fail(this.missing(p));
    if (node.type !== FILE) return fail('is-a-directory');
    if (node.inode !== inode || Math.ceil(size / BLOCK_SIZE_BYTES) !== node.blocks.length) return fail('failed-precondition');
    node.size = size;
    node.md5 = md5;
    return { ok: true };
  }

  private rename(from: string, to: string): MetaResult {
    if (from === '/') return fail('invalid-argument');
    const node = this.nodes.get(from);
    if (node === undefined) return fail(this.missing(from));
    if (from === to) return { ok: true };
    if (node.type === DIRECTORY && under(from, to)) return fail('invalid-argument');
    if (to === '/' || this.nodes.has(to)) return fail('already-exists');
    const refused = this.parentCheck(to, undefined);
    if (refused !== undefined) return fail(refused);
    const moving = [...this.nodes.entries()].filter(([q]) => q === from || under(from, q));
    for (const [q] of moving) this.nodes.delete(q);
    for (const [q, n] of moving) this.nodes.set(to + q.slice(from.length), n);
    return { ok: true };
  }
}
