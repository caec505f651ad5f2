/** Log entries: the unit of replication. */

/** What an entry means to Raft. Only `Command` entries reach `FSM.apply`. */
export enum LogType {
  /** A client command for the FSM. */
  Command = 0,
  /** Appended by every new leader so that it can commit an entry of its own term (Raft §8). */
  Noop = 1,
  /** A membership configuration (`data` is `encodeConfiguration(...)`). Takes effect when appended. */
  Configuration = 2,
  /** Appended by `barrier()`: once applied, everything before it is applied too. */
  Barrier = 3,
}

export interface LogEntry {
  readonly index: number;
  readonly term: number;
  readonly type: LogType;
  /** Opaque payload. Treated as immutable by everyone once appended. */
  readonly data: Uint8Array;
}

/** Bytes an entry costs in batching limits (payload plus a fixed header estimate). */
export function entrySize(entry: LogEntry): number {
  return entry.data.byteLength + 24;
}
