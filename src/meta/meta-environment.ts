/**
 * The namespace's own LMDB environment (apart from the Raft log's), with one named database per
 * kind of record. Keys use lmdb-js's ordered-binary encoding (numbers, strings and arrays of them,
 * ordered element by element, strings by UTF-8 bytes); values are msgpack.
 *
 *   inodes    inode                 -> InodeRecord
 *   dirents   [parent inode, name]  -> child inode     (a listing is a range scan)
 *   blocks    [inode, block index]  -> [block id, locations]
 *   trash     inode                 -> 1               (detached directories waiting to be purged)
 *   gc        block id              -> locations       (blocks of deleted files, to delete on DataServers)
 *   requests  request id            -> RequestRecord   (idempotency keys of applied commands)
 *   expiry    [at, request id]      -> 1               (the same keys by time, to expire them)
 *   state     name                  -> number          (applied index, id counters)
 *   dataservers  id                    -> address        (DataServers the cluster knows, at their current address)
 *   replicas     [holder id, block id] -> 1              (the block map's holders, by holder: a dead one's blocks)
 *   owners       block id              -> [inode, index] (which file block a block id is)
 *   repairs      [target id, block id] -> [source id, at] (copies in flight, by target)
 *   repairing    block id              -> target id      (the same by block: one copy of a block at a time)
 *   gcHolders    [holder id, block id] -> 1              (the gc records by holder: what to tell each DataServer)
 *   writing      inode                 -> at             (files allocated and not finalized yet, since when)
 *   members      MetaServer id         -> MemberRecord   (MetaServers' gRPC addresses, announced through the log)
 *
 * Block maps and gc records name DataServers by id, not address: an address change is one
 * `dataservers` update, and answers translate ids to the addresses clients dial.
 *
 * Durability: lmdb-js's overlapping sync. A commit is visible at once and reaches the disk shortly
 * after; a machine crash may roll the environment back to an earlier commit, together with the
 * applied index recorded in it. That is safe because Raft keeps the log until a durable snapshot
 * covers it, and replays whatever the FSM lacks (design §2 rule 8).
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import type { MetaResult } from './results';
import type { InodeRecord } from './node-types';

export type Key = number | string | (number | string)[];

export interface RequestRecord {
  /** Time of the command that first used the key. */
  readonly at: number;
  /** What that command was (op and path), so a key reused for another request is refused. */
  readonly what: string;
  readonly result: MetaResult;
}

/** A MetaServer as every replica knows it: where it serves gRPC, and whether it waits to be promoted. */
export interface MemberRecord {
  readonly grpcAddress: string;
  /** Joined as a non-voter to be made a voter once caught up (the leader's promoter does it). */
  readonly promote: boolean;
}

export interface MetaEnvironment {
  readonly root: RootDatabase;
  readonly inodes: Database<InodeRecord, number>;
  readonly dirents: Database<number, [number, string]>;
  readonly blocks: Database<[number, string[]], [number, number]>;
  readonly trash: Database<1, number>;
  /** Blocks to delete on DataServers, with the holders that have not confirmed the deletion yet. */
  readonly gc: Database<string[], number>;
  readonly requests: Database<RequestRecord, string>;
  readonly expiry: Database<1, [number, string]>;
  readonly state: Database<number, string>;
  readonly dataservers: Database<string, string>;
  readonly replicas: Database<1, [string, number]>;
  readonly owners: Database<[number, number], number>;
  readonly repairs: Database<[string, number], [string, number]>;
  readonly repairing: Database<string, number>;
  readonly gcHolders: Database<1, [string, number]>;
  readonly writing: Database<number, number>;
  readonly members: Database<MemberRecord, string>;
  /**
   * The same databases with binary keys and values: the bytes exactly as stored. Snapshots,
   * restore and digests use these, so a whole-namespace walk decodes nothing and makes no garbage
   * per record (the bytes are the same on every replica: the same records encoded by the same code).
   */
  readonly raw: Record<DatabaseName, Database<Buffer, Buffer>>;
}

/** Every database in a fixed order: snapshots, restore and digests walk them in this order. */
export const DATABASE_NAMES = [
  'inodes',
  'dirents',
  'blocks',
  'trash',
  'gc',
  'requests',
  'expiry',
  'state',
  'dataservers',
  'replicas',
  'owners',
  'repairs',
  'repairing',
  'gcHolders',
  'writing',
  'members',
] as const;
export type DatabaseName = (typeof DATABASE_NAMES)[number];

export const APPLIED_KEY = 'applied';
export const NEXT_INODE_KEY = 'nextInode';
export const NEXT_BLOCK_KEY = 'nextBlock';

export interface MetaEnvironmentOptions {
  /** Initial map size; lmdb-js grows the map on demand, so this only saves early remaps. */
  readonly mapSizeBytes?: number;
  /** Open without writing (a received snapshot copy being checked). */
  readonly readOnly?: boolean;
}

export function openMetaEnvironment(dir: string, options: MetaEnvironmentOptions = {}): MetaEnvironment {
  const root = open({
    path: dir,
    maxDbs: DATABASE_NAMES.length,
    overlappingSync: true,
    noSync: false,
    ...(options.readOnly === true ? { readOnly: true } : {}),
    ...(options.mapSizeBytes === undefined ? {} : { mapSize: options.mapSizeBytes }),
  });
  try {
    const db = <V, K extends Key>(name: DatabaseName): Database<V, K> =>
      root.openDB<V, K>({ name, encoding: 'msgpack', keyEncoding: 'ordered-binary' });
    const raw = Object.fromEntries(
      DATABASE_NAMES.map((name) => [name, root.openDB<Buffer, Buffer>({ name, encoding: 'binary', keyEncoding: 'binary' })]),
    ) as Record<DatabaseName, Database<Buffer, Buffer>>;
    return {
      raw,
      root,
      inodes: db('inodes'),
      dirents: db('dirents'),
      blocks: db('blocks'),
      trash: db('trash'),
      gc: db('gc'),
      requests: db('requests'),
      expiry: db('expiry'),
      state: db('state'),
      dataservers: db('dataservers'),
      replicas: db('replicas'),
      owners: db('owners'),
      repairs: db('repairs'),
      repairing: db('repairing'),
      gcHolders: db('gcHolders'),
      writing: db('writing'),
      members: db('members'),
    };
  } catch (error: unknown) {
    void root.close();
    throw error;
  }
}
