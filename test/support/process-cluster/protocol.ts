/**
 * The IPC messages between a ProcessCluster (the parent) and its kv-node processes. Every
 * message is a plain JSON-able object with a `type`; both ends are our own code, so checking
 * the tag is enough.
 *
 *   child  -> parent  listening { id, address, startup }  transport bound, Raft running (after
 *                                                  every start); startup: its stats as restored from disk
 *   parent -> child   bootstrap { servers }       first start only, sent to node 1
 *   child  -> parent  role { id, role, term, leaderId }  on every role or leader change
 *   child  -> parent  leader { id, term }          it leads and its first barrier in `term` committed
 *   parent -> child   request { seq, request }     one operation (see NodeRequest)
 *   child  -> parent  reply { id, seq, ok, ... }   the operation's result or error
 *   child  -> parent  failed { id, message }       a fatal problem (startup, Raft fatal event)
 *   child  -> parent  snapshot { id, event, index, term, size }  Raft's snapshot-taken / snapshot-installed
 *   child  -> parent  progress { id, stats }      after the FSM applied a batch or restored a snapshot
 *
 * Shutdown is SIGTERM (graceful) or SIGKILL (a crash); the IPC channel closing also stops a node.
 */
import type { Config, RaftState, RaftStats, Server, SnapshotMeta } from '../../../src/raft';
import { taggedMessageGuard } from '../child-process/tagged-message';

/**
 * How a node is built, passed by the parent as JSON (kv-node's last argument). Every field is
 * optional; the defaults are what the harness always did: the in-memory FSM, no snapshots.
 */
export interface KvNodeOptions {
  /**
   * 'memory': KvFsm, rebuilt by replaying the log on every start. 'lmdb': LmdbKvFsm
   * (test/support/lmdb-kv) in its own environment in DIR/fsm, which keeps its state and applied index.
   */
  readonly fsm?: 'memory' | 'lmdb';
  /** A FileSnapshotStore in DIR/snapshots, so the node snapshots, compacts and sends/receives snapshots. */
  readonly snapshots?: boolean;
  /** Overrides of Raft's defaultConfig. */
  readonly raft?: Partial<Pick<Config, 'trailingLogs' | 'snapshotThreshold' | 'snapshotIntervalMs' | 'deferSnapshotCopies'>>;
}

/** Subdirectories of a node's DIR (the Raft log's LMDB environment is DIR itself). */
export const NODE_FSM_DIR = 'fsm';
export const NODE_SNAPSHOT_DIR = 'snapshots';

const RAFT_OVERRIDES: ReadonlySet<string> = new Set(['trailingLogs', 'snapshotThreshold', 'snapshotIntervalMs']);
const RAFT_SWITCHES: ReadonlySet<string> = new Set(['deferSnapshotCopies']);

/** Reads the options argument; throws on anything it does not know (a typo must not pass silently). */
export function parseNodeOptions(json: string | undefined): KvNodeOptions {
  if (json === undefined || json === '') return {};
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`node options: not an object: ${json}`);
  for (const key of Object.keys(parsed))
    if (!['fsm', 'snapshots', 'raft'].includes(key)) throw new Error(`node options: unknown field ${key}`);
  const { fsm, snapshots, raft } = parsed as Record<string, unknown>;
  if (fsm !== undefined && fsm !== 'memory' && fsm !== 'lmdb')
    throw new Error(`node options: fsm must be 'memory' or 'lmdb', got ${JSON.stringify(fsm)}`);
  if (snapshots !== undefined && typeof snapshots !== 'boolean') throw new Error('node options: snapshots must be a boolean');
  const overrides: Record<string, number | boolean> = {};
  if (raft !== undefined) {
    if (typeof raft !== 'object' || raft === null) throw new Error('node options: raft must be an object');
    for (const [key, value] of Object.entries(raft)) {
      // Raft.create validates the values; here only that they are numbers of a known field.
      const known = RAFT_OVERRIDES.has(key) ? typeof value === 'number' : RAFT_SWITCHES.has(key) && typeof value === 'boolean';
      if (!known || (typeof value !== 'number' && typeof value !== 'boolean'))
        throw new Error(`node options: bad raft override ${key}=${String(value)}`);
      overrides[key] = value;
    }
  }
  return { ...(fsm === undefined ? {} : { fsm }), ...(snapshots === undefined ? {} : { snapshots }), raft: overrides };
}

/** What a node's FSM looks like: enough to compare replicas and to check against a model. */
export interface NodeDigest {
  /** sha256 of the sorted key/value map (see mapHash in kv-fsm.ts). */
  readonly mapHash: string;
  /**
   * The applied index of the map hashed: raft.stats().appliedIndex for the in-memory FSM, the
   * index committed with the data for the LMDB FSM (the same once the node is idle).
   */
  readonly appliedIndex: number;
  /** sha256 over mapHash and appliedIndex: equal digests mean equal state at the same index. */
  readonly hash: string;
  readonly keys: number;
}

/** The operations the parent can ask of a node. */
export type NodeRequest =
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'del'; readonly key: string }
  /** Linearizable: raft.readIndex() (leader only), then the FSM. */
  | { readonly op: 'get'; readonly key: string }
  /** Stale: this node's FSM as it is, on any node. */
  | { readonly op: 'localGet'; readonly key: string }
  | { readonly op: 'stats' }
  | { readonly op: 'digest' }
  /** raft.snapshot(): take a snapshot now and compact the log (needs `snapshots` in KvNodeOptions). */
  | { readonly op: 'snapshot' };

export type NodeOp = NodeRequest['op'];

/** The result type of each operation. */
export interface NodeResults {
  put: null;
  del: null;
  get: string | null;
  localGet: string | null;
  stats: RaftStats;
  digest: NodeDigest;
  /** The newest snapshot's meta (an earlier one if nothing was applied since), null if none. */
  snapshot: SnapshotMeta | null;
}

/** A snapshot Raft reported: one taken here, or one received from the leader and installed. */
export interface SnapshotEvent {
  readonly event: 'taken' | 'installed';
  readonly index: number;
  readonly term: number;
  readonly size: number;
}

/** A failed operation: a RaftError's code/outcome (and leader hint), or the child's own error. */
export interface NodeErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly outcome: 'not-applied' | 'unknown';
  readonly leaderId?: string | undefined;
}

export type ParentMessage =
  | { readonly type: 'bootstrap'; readonly servers: readonly Server[] }
  | { readonly type: 'request'; readonly seq: number; readonly request: NodeRequest };

export type ChildMessage =
  | { readonly type: 'listening'; readonly id: string; readonly address: string; readonly startup: RaftStats }
  | { readonly type: 'role'; readonly id: string; readonly role: RaftState; readonly term: number; readonly leaderId: string | null }
  | { readonly type: 'leader'; readonly id: string; readonly term: number }
  | { readonly type: 'reply'; readonly id: string; readonly seq: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: string; readonly seq: number; readonly ok: false; readonly error: NodeErrorInfo }
  | { readonly type: 'failed'; readonly id: string; readonly message: string }
  | ({ readonly type: 'snapshot'; readonly id: string } & SnapshotEvent)
  /** Its stats, pushed whenever the FSM applied a batch or restored a snapshot (at most once per turn). */
  | { readonly type: 'progress'; readonly id: string; readonly stats: RaftStats };

/** Both ends are our own code: checking the tag is enough. */
export const isChildMessage = taggedMessageGuard<ChildMessage>({
  listening: true,
  role: true,
  leader: true,
  reply: true,
  failed: true,
  snapshot: true,
  progress: true,
});
export const isParentMessage = taggedMessageGuard<ParentMessage>({ bootstrap: true, request: true });
