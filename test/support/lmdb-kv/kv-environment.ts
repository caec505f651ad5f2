/**
 * The LMDB environment of the key-value FSM: its own directory, apart from the Raft log's
 * environment, with two named databases, so one transaction covers a batch's changes and the
 * applied index that says how far they go:
 *
 *   kv    key -> value, both the UTF-8 bytes of the strings (binary keys: LMDB's bytewise order)
 *   meta  "applied" -> u64 big-endian: the index of the last entry whose changes are in `kv`
 *
 * Durability: lmdb-js's default commit mode on Linux/macOS (overlappingSync, stated explicitly).
 * A write promise resolves when its transaction is committed (visible; in the page cache, so it
 * survives the process being killed); the fsync follows in the background, overlapped with the
 * next transactions, and LMDB's meta-page scheme keeps the file consistent if the machine
 * crashes first, at the cost of rolling back to an earlier committed transaction. That loss is
 * safe because the Raft log, which is fsynced, still holds the entries: Raft compacts the log
 * only up to an index covered by a durable snapshot (restored when the FSM is behind it) and
 * otherwise replays what the FSM lacks. Syncing every apply batch would buy nothing but latency.
 */
import { open, type Database, type RootDatabase, type Transaction } from 'lmdb';

const KV_DB = 'kv';
const META_DB = 'meta';
const APPLIED_KEY = Buffer.from('applied');

export interface KvEnvironmentOptions {
  /** Initial map size; lmdb-js grows the map on demand, so this only saves early remaps. */
  readonly mapSizeBytes?: number;
  /** Open without writing (a received snapshot copy being checked). */
  readonly readOnly?: boolean;
}

export interface KvEnvironment {
  readonly root: RootDatabase<Buffer, Buffer>;
  readonly kv: Database<Buffer, Buffer>;
  readonly meta: Database<Buffer, Buffer>;
}

/** Opens (creating if needed) the environment in `dir`. Synchronous, like LMDB's open. */
export function openKvEnvironment(dir: string, options: KvEnvironmentOptions = {}): KvEnvironment {
  const root = open<Buffer, Buffer>({
    path: dir,
    maxDbs: 2,
    overlappingSync: true,
    noSync: false,
    encoding: 'binary',
    keyEncoding: 'binary',
    ...(options.readOnly === true ? { readOnly: true } : {}),
    ...(options.mapSizeBytes === undefined ? {} : { mapSize: options.mapSizeBytes }),
  });
  try {
    const kv = root.openDB<Buffer, Buffer>({ name: KV_DB, encoding: 'binary', keyEncoding: 'binary' });
    const meta = root.openDB<Buffer, Buffer>({ name: META_DB, encoding: 'binary', keyEncoding: 'binary' });
    return { root, kv, meta };
  } catch (error: unknown) {
    void root.close();
    throw error;
  }
}

/** The applied index as of `transaction` (the latest committed state without one); 0 when none. */
export function readAppliedIndex(env: KvEnvironment, transaction?: Transaction): number {
  const bytes = env.meta.get(APPLIED_KEY, transaction === undefined ? undefined : { transaction });
  return bytes === undefined ? 0 : Number(bytes.readBigUInt64BE(0));
}

/** Sets the applied index; call inside a write transaction, with the changes it covers. */
export function putAppliedIndexSync(env: KvEnvironment, index: number): void {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(index), 0);
  env.meta.putSync(APPLIED_KEY, bytes);
}
