import { open, type Database, type RootDatabase, type RootDatabaseOptionsWithPath } from 'lmdb';

/** Named LMDB databases inside the one environment (exported so tests can reach raw records). */
export const LOG_DB_NAME = 'raft-log';
export const STABLE_DB_NAME = 'raft-stable';

export interface LmdbRaftStoresOptions {
  /**
   * Initial LMDB map size in bytes. lmdb-js grows the map on demand, so this only avoids
   * early remaps; leave it unset unless you know the log's working size.
   */
  readonly mapSizeBytes?: number;
}

/**
 * The lmdb-js options that make a write's promise mean "durable".
 *
 * `overlappingSync: false` is the important one. lmdb-js 3 enables overlappingSync by default
 * on Linux/macOS; its README documents that a write promise then resolves when the transaction
 * is *committed* (visible), and that durability must be awaited separately through
 * `db.flushed` / `separateFlushed`. (In lmdb-js 3.5.6 the native writer happens to set the
 * committed flag only after the overlapped sync inside `mdb_txn_commit` has finished, but
 * the README does not promise that, and the overlapped mode also writes an un-synced meta page
 * before the data is synced and decides after a crash whether to trust it by comparing boot
 * ids.) With overlappingSync off, lmdb-js runs a classic LMDB commit on its writer thread:
 * write the dirty pages, fdatasync(data.mdb), then write the meta page through a second
 * descriptor opened with O_DSYNC — all inside `mdb_txn_commit`, which returns before lmdb-js
 * sets the transaction's committed flag, which is what resolves the write promises. So every
 * write promise (put/remove/transaction) resolves only after its data and the meta page that
 * points at it are on disk. `test/raft/lmdb-fsync.test.ts` checks this ordering under strace.
 *
 * `noSync`, `noMetaSync`, `useWritemap` and `mapAsync` stay off: each one weakens or defers
 * the fsyncs above. `eventTurnBatching` (the default, stated here because we rely on it) puts
 * every write issued in one event-loop turn into one transaction, so a log append and a
 * stable-store write issued together cost one commit and one fdatasync. Writes issued while a
 * commit is in progress queue up and share the next commit (group commit).
 */
function durableEnvironmentOptions(dir: string, options: LmdbRaftStoresOptions): RootDatabaseOptionsWithPath {
  return {
    path: dir,
    maxDbs: 4,
    overlappingSync: false,
    noSync: false,
    noMetaSync: false,
    useWritemap: false,
    eventTurnBatching: true,
    commitDelay: 0,
    encoding: 'binary',
    ...(options.mapSizeBytes === undefined ? {} : { mapSize: options.mapSizeBytes }),
  };
}

/** What a store needs from the environment it lives in: to hand it back when closing. */
export interface EnvironmentLease {
  release(): Promise<void>;
}

/**
 * One LMDB environment holding the log and the stable store. Both stores hold a reference;
 * the environment closes when both have released it.
 */
export class LmdbRaftEnvironment implements EnvironmentLease {
  private holders = 2;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly root: RootDatabase<Buffer, string>,
    readonly logDb: Database<Buffer, number>,
    readonly stableDb: Database<Buffer, string>,
  ) {}

  static open(dir: string, options: LmdbRaftStoresOptions = {}): LmdbRaftEnvironment {
    const root = open<Buffer, string>(durableEnvironmentOptions(dir, options));
    try {
      const logDb = root.openDB<Buffer, number>({ name: LOG_DB_NAME, encoding: 'binary' });
      const stableDb = root.openDB<Buffer, string>({ name: STABLE_DB_NAME, encoding: 'binary' });
      return new LmdbRaftEnvironment(root, logDb, stableDb);
    } catch (error: unknown) {
      void root.close();
      throw error;
    }
  }

  /** Called once by each store when it closes; the last call closes the environment. */
  release(): Promise<void> {
    this.holders--;
    if (this.holders <= 0 && this.closing === undefined) {
      this.closing = this.root.close();
    }
    return this.closing ?? Promise.resolve();
  }
}
