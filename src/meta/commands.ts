/**
 * The namespace commands that go through the Raft log, and their encoding.
 *
 * A command carries everything that could differ between replicas: the leader's clock (`at`, Unix
 * ms, used as mtime), the replication factor, the placement of new blocks. Ids (inodes, blocks)
 * are allocated inside apply from replicated counters. Paths are cleaned by the proposer, and
 * cleaned again inside apply, so apply is total whatever the bytes say.
 *
 * Encoding: one version byte, then msgpack. A new field or op gets a new version, and apply keeps
 * understanding every version ever written (the log and snapshots outlive a release). The version
 * byte is the op's own (OP_VERSIONS): the ops of the first release stay at 1, so their entries are
 * read the same by every release; a newer op carries the version that introduced it, and a node of
 * an older release refuses it. Refusing is deterministic among nodes of one release only, so a new
 * op (import) is for clusters whose members all run the release that has it.
 */
import { Packr } from 'msgpackr';
import type { NodeType } from './node-types';

/** The version of the first release's ops. */
export const COMMAND_VERSION = 1;
/** The version that added the import op. */
export const IMPORT_COMMAND_VERSION = 2;
/**
 * The first byte of a checkpoint command instead of the version: the FSM must end its batch at a
 * checkpoint before applying it, and finds them by this byte without decoding every command.
 */
export const CHECKPOINT_MARK = 0x43;

interface Common {
  /** Leader's clock when proposing, Unix ms: the mtime of whatever the command changes. */
  readonly at: number;
  /** Idempotency key: a command whose key was already applied returns the first result instead. */
  readonly requestId?: string;
}

export interface CreateNodeCommand extends Common {
  readonly op: 'create';
  readonly path: string;
  readonly type: NodeType;
  /** mkdir -p: create missing parent directories; an existing directory is success. */
  readonly parents: boolean;
  readonly replication: number;
}

export interface DeleteNodeCommand extends Common {
  readonly op: 'delete';
  readonly path: string;
  readonly recursive: boolean;
}

/** Removes up to `limit` nodes of deleted subtrees (the trash); proposed by the leader until empty. */
export interface PurgeTrashCommand extends Common {
  readonly op: 'purge';
  readonly limit: number;
}

/** Write mode of GetBlockLocations: one entry for the whole allocation. */
export interface AllocateBlocksCommand extends Common {
  readonly op: 'allocate';
  readonly path: string;
  readonly size: number;
  /** One location list per block, in block order: ceil(size / block size) of them. */
  readonly placements: readonly (readonly string[])[];
  /** Create the file first if it does not exist (with this replication factor). */
  readonly create: boolean;
  readonly replication: number;
}

export interface FinalizeWriteCommand extends Common {
  readonly op: 'finalize';
  readonly path: string;
  readonly inode: number;
  readonly size: number;
  readonly md5: string;
}

export interface RenameCommand extends Common {
  readonly op: 'rename';
  readonly from: string;
  readonly to: string;
}

/**
 * The leader's upkeep of the blocks on DataServers, batched: every list is optional and every item
 * is re-checked in apply against the state it lands on (items that no longer fit are skipped, the
 * same way on every replica). Ids are DataServer ids; block ids and inodes numbers.
 */
export interface UpkeepCommand extends Common {
  readonly op: 'upkeep';
  /** [DataServer id, address]: a DataServer the cluster did not know, or one at a new address. */
  readonly register?: readonly (readonly [string, string])[];
  /** [block id, holder]: a copy nobody needs (orphan, extra replica) to delete. */
  readonly gcAdd?: readonly (readonly [number, string])[];
  /** [block id, holder]: the holder's block report no longer lists a block it was told to delete. */
  readonly gcDone?: readonly (readonly [number, string])[];
  /** [block id, source, target]: start copying an under-replicated block. */
  readonly repairStart?: readonly (readonly [number, string, string])[];
  /** [block id, target]: the target's block report lists the copy; it joins the block's holders. */
  readonly repairDone?: readonly (readonly [number, string])[];
  /** [block id, target]: give a copy up (target or source gone, or too slow); whatever it wrote is deleted. */
  readonly repairCancel?: readonly (readonly [number, string])[];
  /** [block id, holder]: take a holder off a block (dead, or one replica too many); its copy is deleted. */
  readonly dropReplica?: readonly (readonly [number, string])[];
  /** [inode, allocated at]: a write never finalized, given up: the file goes, its blocks are deleted. */
  readonly abandon?: readonly (readonly [number, number])[];
}

/**
 * A MetaServer's gRPC address, announced through the log so that every replica can route clients
 * and forwarded calls to it (etcd replicates its members' client URLs the same way); config.yaml
 * only knows the servers the cluster was bootstrapped with.
 */
export interface MemberCommand extends Common {
  readonly op: 'member';
  readonly id: string;
  readonly grpcAddress: string;
  /** A non-voter that joined to become a voter: the leader promotes it once it has caught up. */
  readonly promote: boolean;
  /** Forget the member (it was removed from the cluster). */
  readonly remove: boolean;
}

/**
 * A point in the log where every replica hashes its whole state (minfs-admin check): the same
 * entry on every replica, so the digests compare states at exactly the same index.
 */
export interface CheckpointCommand extends Common {
  readonly op: 'checkpoint';
  readonly id: string;
}

/**
 * Many nodes created in one entry (minfs-admin import: loading a namespace listing, migration from
 * another system). Each item is created as CreateNode with parents would create it; an item that
 * already exists with the same type is counted as existing, so a retried batch is harmless; an
 * item that cannot be created (a file in the way) is counted and skipped, the rest still apply.
 */
export interface ImportCommand extends Common {
  readonly op: 'import';
  /** [path, FILE or DIRECTORY], applied in order. */
  readonly nodes: readonly (readonly [string, number])[];
  readonly replication: number;
}

/** The most nodes one import command may carry: bounds one entry's size and apply time. */
export const MAX_IMPORT_NODES = 10_000;

export type MetaCommand =
  | CreateNodeCommand
  | ImportCommand
  | DeleteNodeCommand
  | PurgeTrashCommand
  | AllocateBlocksCommand
  | FinalizeWriteCommand
  | RenameCommand
  | UpkeepCommand
  | MemberCommand
  | CheckpointCommand;

export type MetaOp = MetaCommand['op'];

const packr = new Packr({ useRecords: false, mapsAsObjects: true });

export function encodeCommand(command: MetaCommand): Uint8Array {
  const body = packr.pack(command);
  const out = new Uint8Array(body.length + 1);
  out[0] = OP_VERSIONS[command.op];
  out.set(body, 1);
  return out;
}

/** The command in `bytes`, or a description of why it is not one (apply refuses it with that). */
export function decodeCommand(bytes: Uint8Array): MetaCommand | string {
  if (bytes.length < 2) return 'empty command';
  const version = bytes[0]!;
  if (!KNOWN_VERSIONS.has(version)) return `unknown command version ${version}`;
  let value: unknown;
  try {
    value = packr.unpack(bytes.subarray(1));
  } catch (error: unknown) {
    return `undecodable command: ${String(error)}`;
  }
  const command = checkCommand(value);
  if (typeof command === 'string') return command;
  if (OP_VERSIONS[command.op] !== version) return `command version ${version} has no op ${command.op}`;
  return command;
}

/** Whether `bytes` is marked as a checkpoint command (checked again when decoded). */
export function isCheckpointCommand(bytes: Uint8Array): boolean {
  return bytes[0] === CHECKPOINT_MARK;
}

/** The first byte of each op's entries: its version (the checkpoint's is its mark). */
const OP_VERSIONS: Readonly<Record<MetaOp, number>> = {
  create: COMMAND_VERSION,
  import: IMPORT_COMMAND_VERSION,
  delete: COMMAND_VERSION,
  purge: COMMAND_VERSION,
  allocate: COMMAND_VERSION,
  finalize: COMMAND_VERSION,
  rename: COMMAND_VERSION,
  upkeep: COMMAND_VERSION,
  member: COMMAND_VERSION,
  checkpoint: CHECKPOINT_MARK,
};
const KNOWN_VERSIONS: ReadonlySet<number> = new Set(Object.values(OP_VERSIONS));
const OPS = Object.keys(OP_VERSIONS) as readonly MetaOp[];

/** Element kinds of each upkeep list's tuples: s = string, n = safe integer. */
const UPKEEP_LISTS: Readonly<Record<string, string>> = {
  register: 'ss',
  gcAdd: 'ns',
  gcDone: 'ns',
  repairStart: 'nss',
  repairDone: 'ns',
  repairCancel: 'ns',
  dropReplica: 'ns',
  abandon: 'nn',
};

function checkUpkeep(v: Record<string, unknown>): string | undefined {
  for (const [name, kinds] of Object.entries(UPKEEP_LISTS)) {
    const list = v[name];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `upkeep: ${name} is not a list`;
    for (const item of list as unknown[]) {
      if (!Array.isArray(item) || item.length !== kinds.length) return `upkeep: ${name} item is not a ${kinds.length}-tuple`;
      for (let i = 0; i < kinds.length; i++) {
        const ok = kinds[i] === 's' ? typeof item[i] === 'string' : isSafeNumber(item[i]);
        if (!ok) return `upkeep: ${name} item has a bad element ${i}`;
      }
    }
  }
  return undefined;
}

/** Shape check of a decoded command; values are checked by apply itself. */
function checkCommand(value: unknown): MetaCommand | string {
  if (typeof value !== 'object' || value === null) return 'command is not a record';
  const v = value as Record<string, unknown>;
  if (typeof v.op !== 'string' || !OPS.includes(v.op as MetaOp)) return `unknown command op ${String(v.op)}`;
  if (!isSafeNumber(v.at)) return 'command has no time';
  if (v.requestId !== undefined && typeof v.requestId !== 'string') return 'request id is not a string';
  const strings: Record<MetaOp, readonly string[]> = {
    create: ['path'],
    import: [],
    delete: ['path'],
    purge: [],
    allocate: ['path'],
    finalize: ['path', 'md5'],
    rename: ['from', 'to'],
    upkeep: [],
    member: ['id', 'grpcAddress'],
    checkpoint: ['id'],
  };
  const numbers: Record<MetaOp, readonly string[]> = {
    create: ['type', 'replication'],
    import: ['replication'],
    delete: [],
    purge: ['limit'],
    allocate: ['size', 'replication'],
    finalize: ['inode', 'size'],
    rename: [],
    upkeep: [],
    member: [],
    checkpoint: [],
  };
  const booleans: Record<MetaOp, readonly string[]> = {
    create: ['parents'],
    import: [],
    delete: ['recursive'],
    purge: [],
    allocate: ['create'],
    finalize: [],
    rename: [],
    upkeep: [],
    member: ['promote', 'remove'],
    checkpoint: [],
  };
  const op = v.op as MetaOp;
  for (const f of strings[op]) if (typeof v[f] !== 'string') return `${op}: ${f} is not a string`;
  for (const f of numbers[op]) if (!isSafeNumber(v[f])) return `${op}: ${f} is not a number`;
  for (const f of booleans[op]) if (typeof v[f] !== 'boolean') return `${op}: ${f} is not a boolean`;
  if (op === 'allocate') {
    const p = v.placements;
    if (!Array.isArray(p) || !p.every((l) => Array.isArray(l) && l.every((a) => typeof a === 'string'))) {
      return 'allocate: placements are not lists of addresses';
    }
  }
  if (op === 'import') {
    const nodes = v.nodes;
    const item = (n: unknown): boolean => Array.isArray(n) && n.length === 2 && typeof n[0] === 'string' && isSafeNumber(n[1]);
    if (!Array.isArray(nodes) || !nodes.every(item)) return 'import: nodes are not [path, type] pairs';
  }
  if (op === 'upkeep') {
    const bad = checkUpkeep(v);
    if (bad !== undefined) return bad;
  }
  return v as unknown as MetaCommand;
}

function isSafeNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x);
}
