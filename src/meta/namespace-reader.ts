/**
 * Read-side queries of the namespace, straight from LMDB (lmdb-js's read transaction of the
 * moment): nothing is cached in the JS heap. Callers decide consistency beforehand (read index on
 * the leader, or a deliberate stale read).
 */
import { cleanPath, joinPath } from './paths';
import type { FoundNode, NamespaceState } from './namespace-state';
import { FILE, ROOT_INODE, type BlockMapping, type InodeRecord } from './node-types';
import { refuse, type Refusal } from './results';
import type { MemberRecord } from './meta-environment';

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
    for (let at = inode; at !== ROOT_INODE;) {
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

  // ---- DataServers and their blocks (the leader's upkeep reads these) ----

  /** The address a DataServer id is registered at. */
  addressOf(dataServerId: string): string | undefined {
    return this.state.env.dataservers.get(dataServerId);
  }

  /** Every registered DataServer: id -> address. */
  registry(): Map<string, string> {
    const out = new Map<string, string>();
    for (const { key, value } of this.state.env.dataservers.getRange({})) out.set(key, value);
    return out;
  }

  // ---- MetaServers announced through the log (join) ----

  /** A member's record (gRPC address, promotion pending), if it was announced. */
  member(id: string): MemberRecord | undefined {
    return this.state.env.members.get(id);
  }

  /** Every announced member: id -> record. */
  members(): Map<string, MemberRecord> {
    const out = new Map<string, MemberRecord>();
    for (const { key, value } of this.state.env.members.getRange({})) out.set(key, value);
    return out;
  }

  /** A mapped block by id: its file block and holders (undefined when no file maps it). */
  mappedBlock(blockId: number): { inode: number; index: number; holders: string[] } | undefined {
    return this.state.mappedBlock(blockId);
  }

  /** The blocks the block map places on `holder`, in id order. */
  *blocksHeldBy(holder: string): Generator<number> {
    for (const key of this.state.env.replicas.getKeys({ start: [holder], end: [holder + '\u0000'] })) {
      if (key[0] === holder) yield key[1];
    }
  }

  /** Up to `limit` blocks `holder` must delete, in id order. */
  gcOf(holder: string, limit: number): number[] {
    const out: number[] = [];
    for (const key of this.state.env.gcHolders.getKeys({ start: [holder], end: [holder + '\u0000'], limit }))
      if (key[0] === holder) out.push(key[1]);
    return out;
  }

  /** Copies in flight to `target`: block, source, when started. */
  repairsTo(target: string): { blockId: number; source: string; at: number }[] {
    const out: { blockId: number; source: string; at: number }[] = [];
    for (const { key, value } of this.state.env.repairs.getRange({ start: [target], end: [target + '\u0000'] })) {
      if (key[0] === target) out.push({ blockId: key[1], source: value[0], at: value[1] });
    }
    return out;
  }

  /**
   * Every copy in flight, by target, in one scan: the upkeep tick wants them all each second, and
   * a range read per registered server (1,000 of them, nearly always empty) cost it 8 ms a tick.
   */
  repairsByTarget(): Map<string, { blockId: number; source: string; at: number }[]> {
    const out = new Map<string, { blockId: number; source: string; at: number }[]>();
    for (const { key, value } of this.state.env.repairs.getRange({})) {
      let list = out.get(key[0]);
      if (list === undefined) out.set(key[0], (list = []));
      list.push({ blockId: key[1], source: value[0], at: value[1] });
    }
    return out;
  }

  /** The target of the copy of `blockId` in flight, if any. */
  repairTarget(blockId: number): string | undefined {
    return this.state.env.repairing.get(blockId);
  }

  /** The holders that must still delete `blockId` (undefined: no gc record). */
  gcHolders(blockId: number): readonly string[] | undefined {
    return this.state.env.gc.get(blockId);
  }

  /** The record of an inode (e.g. a block's file, for its replication factor). */
  inode(inode: number): InodeRecord | undefined {
    return this.state.inode(inode);
  }

  /** Whether a file was allocated and not finalized yet. */
  isWriting(inode: number): boolean {
    return this.state.env.writing.get(inode) !== undefined;
  }

  /** Files allocated and not finalized: [inode, allocated at], in inode order. */
  *writing(): Generator<[number, number]> {
    for (const { key, value } of this.state.env.writing.getRange({})) yield [key, value];
  }

  /** How many blocks wait for deletion, and how many copies are in flight (for metrics and tests). */
  upkeepCounts(): { gcBlocks: number; repairs: number } {
    return { gcBlocks: this.state.env.gc.getCount(), repairs: this.state.env.repairing.getCount() };
  }

  /** Whether deleted directories are waiting for purge commands. */
  hasTrash(): boolean {
    for (const _ of this.state.env.trash.getKeys({ limit: 1 })) return true;
    return false;
  }
}
