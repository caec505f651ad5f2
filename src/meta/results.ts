/**
 * What applying a command gives. A refusal is an ordinary, deterministic result (the same on
 * every replica): the entry is committed and changes nothing. The server maps each refusal kind
 * to its gRPC status in one table (src/server).
 */
import type { BlockMapping } from './node-types';

export type RefusalKind =
  /** The request itself is malformed: bad path, size, type, md5, ... */
  | 'invalid-argument'
  | 'not-found'
  | 'already-exists'
  /** A non-recursive delete of a directory with children. */
  | 'not-empty'
  /** A path component that must be a directory is a file (creating under a file, ...). */
  | 'not-a-directory'
  /** A file operation (block locations, finalize) on a directory. */
  | 'is-a-directory'
  /** The request does not fit the current state (wrong inode for the path, size beyond the blocks, ...). */
  | 'failed-precondition';

export interface Refusal {
  readonly ok: false;
  readonly kind: RefusalKind;
  readonly message: string;
}

export function refuse(kind: RefusalKind, message: string): Refusal {
  return { ok: false, kind, message };
}

export interface CreateResult {
  readonly ok: true;
  readonly inode: number;
}
export interface DeleteResult {
  readonly ok: true;
  /** A directory was detached and its contents wait in the trash for purge commands. */
  readonly purgePending: boolean;
}
export interface PurgeResult {
  readonly ok: true;
  readonly removed: number;
  /** More trash remains after this command. */
  readonly more: boolean;
}
export interface AllocateResult {
  readonly ok: true;
  readonly inode: number;
  readonly blocks: readonly BlockMapping[];
}
export interface DoneResult {
  readonly ok: true;
}

export interface UpkeepResult {
  readonly ok: true;
  /** Items that changed the state. */
  readonly applied: number;
  /** Items that no longer fit the state they landed on. */
  readonly skipped: number;
}

export interface ImportResult {
  readonly ok: true;
  /** Items created (directories made on the way to an item are not counted). */
  readonly created: number;
  /** Items that were already there with the same type. */
  readonly existed: number;
  /** Items that could not be created (a file in the way, a bad path or type). */
  readonly refused: number;
  /** Why the first refused item was refused ('' when none was). */
  readonly firstRefusal: string;
}

/** A checkpoint entry: the FSM hashes the state it leaves (see CheckpointCommand). */
export interface CheckpointResult {
  readonly ok: true;
  readonly checkpoint: string;
}

export type MetaResult =
  CreateResult | ImportResult | DeleteResult | PurgeResult | AllocateResult | DoneResult | UpkeepResult | CheckpointResult | Refusal;
