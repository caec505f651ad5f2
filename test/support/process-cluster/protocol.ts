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
 *
 * Shutdown is SIGTERM (graceful) or SIGKILL (a crash); the IPC channel closing also stops a node.
 */
import type { RaftState, RaftStats, Server } from '../../../src/raft';

/** What a node's FSM looks like: enough to compare replicas and to check against a model. */
export interface NodeDigest {
  /** sha256 of the sorted key/value map (see mapHash in kv-fsm.ts). */
  readonly mapHash: string;
  /** raft.stats().appliedIndex when the digest was taken. */
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
  | { readonly op: 'digest' };

export type NodeOp = NodeRequest['op'];

/** The result type of each operation. */
export interface NodeResults {
  put: null;
  del: null;
  get: string | null;
  localGet: string | null;
  stats: RaftStats;
  digest: NodeDigest;
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
  | { readonly type: 'failed'; readonly id: string; readonly message: string };

const CHILD_TYPES: ReadonlySet<string> = new Set(['listening', 'role', 'leader', 'reply', 'failed']);
const PARENT_TYPES: ReadonlySet<string> = new Set(['bootstrap', 'request']);

function typeOf(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null || !('type' in message)) return undefined;
  return typeof message.type === 'string' ? message.type : undefined;
}

export function isChildMessage(message: unknown): message is ChildMessage {
  const type = typeOf(message);
  return type !== undefined && CHILD_TYPES.has(type);
}

export function isParentMessage(message: unknown): message is ParentMessage {
  const type = typeOf(message);
  return type !== undefined && PARENT_TYPES.has(type);
}
