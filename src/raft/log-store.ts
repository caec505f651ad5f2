import type { LogEntry } from './log';

/**
 * Durable storage of the Raft log (hashicorp's LogStore, with synchronous reads).
 *
 * Reads are synchronous because the protocol core reads the log while deciding what to send;
 * an LMDB read is a memory-mapped lookup. Writes are asynchronous and their promise resolves
 * only once the change is durable (fsynced): Raft acknowledges nothing before that.
 * Reads may lag writes that have not resolved yet; the runtime never reads an index it has
 * not seen resolved.
 */
export interface LogStore {
  /** Index of the first stored entry, 0 when the log is empty. */
  firstIndex(): number;
  /** Index of the last stored entry, 0 when the log is empty. */
  lastIndex(): number;
  /** The entry at `index`, or undefined when absent. Throws LogCorruptionError when its checksum fails. */
  getLog(index: number): LogEntry | undefined;
  /**
   * Entries from `from` to `to` inclusive, in order, stopping early (but returning at least one
   * entry when `from` exists) once their total payload passes `maxBytes`. Throws
   * LogCorruptionError when one fails its checksum.
   */
  getLogs(from: number, to: number, maxBytes?: number): LogEntry[];
  /** Stores consecutive entries (overwriting any at the same indexes). Resolves once durable. */
  storeLogs(entries: readonly LogEntry[]): Promise<void>;
  /** Deletes entries `min..max` inclusive. Resolves once durable. */
  deleteRange(min: number, max: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Durable key/value storage for Raft's hard state (current term, vote). Values are written
 * atomically per key; `set` resolves once durable.
 */
export interface StableStore {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array): Promise<void>;
  getUint64(key: string): number | undefined;
  setUint64(key: string, value: number): Promise<void>;
  close(): Promise<void>;
}
