/**
 * What each measured MetaServer call does, and the namespace it needs, set up before the
 * measurement and not timed:
 *
 *   CreateNode     a fresh file per call, in the worker's own directory /bench/c<C>/w<i>
 *                  (one directory per worker and concurrency, so no two workers race on a name)
 *   GetNodeInfo    stat of an existing file: worker i reads /bench/list/f<i mod 1000>
 *   ListDirectory  the whole of /bench/list, a directory of 1,000 files
 *   DeleteNode     files created beforehand: those the CreateNode measurement at the same
 *                  concurrency left, topped up by untimed creates, so that each worker deletes its
 *                  own files at full speed and no create is mixed into the timed loop. The supply
 *                  is sized by time: at least twice the measurement's duration worth of creates.
 *                  A worker that still runs out stops, and the line says so (exhausted_workers).
 *   FinalizeWrite  worker i repeats FinalizeWrite(path, inode, size, md5) of its own file
 *                  /bench/fin/f<i>, whose blocks were allocated in setup (GetBlockLocations in write
 *                  mode, after heartbeats from three made-up DataServers); the same values again
 *                  are a valid finalize each time, and each is a Raft entry like a first one.
 *
 * Reads are linearizable (the default: no stale-read header). Every call goes to one client:
 * the leader's, or a follower's, which forwards.
 */
import type { MetaCaller } from './meta-spread-client';
import { runMetaLoop, type LoopSpec, type WorkerCall } from './meta-closed-loop';
import { runParallel } from './meta-parallel';

/**
 * GetLeader does no Raft or namespace work at all: its line is the ceiling of the measuring client
 * and the gRPC layer, the same for every op (the etcd peer's client runs on the same grpc-js).
 */
export const META_OPS = ['GetLeader', 'CreateNode', 'GetNodeInfo', 'ListDirectory', 'DeleteNode', 'FinalizeWrite'] as const;
export type MetaOp = (typeof META_OPS)[number];

const LIST_DIR = '/bench/list';
export const LIST_ENTRIES = 1_000;
const FINAL_DIR = '/bench/fin';
/** A 1 MiB file, one block: FinalizeWrite's cost does not depend on the size. */
const FINAL_BYTES = 1 << 20;
const FINAL_MD5 = 'b6d81b360a5672d80c27430f39153e2c';
/** Untimed setup calls in flight at once. */
const SETUP_IN_FLIGHT = 64;
/** Times the measured duration's worth of creates that DeleteNode gets as its supply. */
const DELETE_SUPPLY_FACTOR = 2;

const listEntry = (i: number): string => `${LIST_DIR}/f${String(i % LIST_ENTRIES).padStart(4, '0')}`;

/** Files a concurrency's workers created and have not deleted, per worker, oldest first. */
class WorkerFiles {
  private readonly created: number[][];
  private readonly deletedUpTo: number[];
  private nextName: number[];
  /** Seconds of closed-loop creates that filled these pools. */
  createdForSeconds = 0;

  constructor(
    readonly concurrency: number,
    private readonly parent = `/bench/c${concurrency}`,
  ) {
    this.created = Array.from({ length: concurrency }, () => []);
    this.deletedUpTo = new Array<number>(concurrency).fill(0);
    this.nextName = new Array<number>(concurrency).fill(0);
  }

  dir(worker: number): string {
    return `${this.parent}/w${worker}`;
  }

  path(worker: number, name: number): string {
    return `${this.dir(worker)}/f${name}`;
  }

  /** A name this worker has not used (a failed create may or may not have made its file). */
  freshName(worker: number): number {
    return this.nextName[worker]!++;
  }

  added(worker: number, name: number): void {
    this.created[worker]!.push(name);
  }

  /** The worker's oldest file not yet handed out for deletion, or undefined when none is left. */
  takeOldest(worker: number): number | undefined {
    const at = this.deletedUpTo[worker]!;
    if (at >= this.created[worker]!.length) return undefined;
    this.deletedUpTo[worker] = at + 1;
    return this.created[worker]![at];
  }
}

export class MetaWorkloads {
  private readonly files = new Map<number, WorkerFiles>();
  private finalInodes: string[] = [];

  /** `target`: the client of the node the calls go to now (it changes if leadership moves). */
  constructor(private readonly target: () => MetaCaller) {}

  private get client(): MetaCaller {
    return this.target();
  }

  /** /bench, the 1,000-entry directory, and (for FinalizeWrite) one allocated file per worker of the largest concurrency. */
  async setup(ops: readonly MetaOp[], maxConcurrency: number): Promise<void> {
    await this.client.call('CreateNode', { path: LIST_DIR, type: 'Directory', parents: true });
    await runParallel(LIST_ENTRIES, SETUP_IN_FLIGHT, async (i) => {
      await this.client.call('CreateNode', { path: listEntry(i), type: 'File' });
    });
    if (!ops.includes('FinalizeWrite')) return;
    // Heartbeats make three DataServers healthy for a while, so the leader can place blocks.
    for (let n = 1; n <= 3; n++) {
      await this.client.call('Heartbeat', {
        dataServer_id: `bench-ds-${n}`,
        dataServer_addr: `127.0.0.1:${8100 + n}`,
        block_count: 0,
        free_space: 1 << 30,
        total_capacity: 1 << 30,
        block_ids_report: [],
      });
    }
    await this.client.call('CreateNode', { path: FINAL_DIR, type: 'Directory' });
    this.finalInodes = new Array<string>(maxConcurrency);
    await runParallel(maxConcurrency, SETUP_IN_FLIGHT, async (w) => {
      const placed = await this.client.call('GetBlockLocations', { path: `${FINAL_DIR}/f${w}`, size: FINAL_BYTES });
      this.finalInodes[w] = placed.inode;
    });
  }

  /**
   * Untimed calls before the first measurement: the first seconds of a fresh cluster run cold
   * (JIT, LMDB pages, gRPC channels) and would make whichever op comes first look slow. Each
   * worker alternates CreateNode of a file in /bench/warm/w<i> with GetNodeInfo of it.
   */
  async warmUp(seconds: number, concurrency: number): Promise<void> {
    const files = new WorkerFiles(concurrency, '/bench/warm');
    await this.makeDirs(files);
    const result = await runMetaLoop({ concurrency, seconds, warmupSeconds: 0 }, async (w) => {
      const name = files.freshName(w);
      await this.client.call('CreateNode', { path: files.path(w, name), type: 'File' });
      await this.client.call('GetNodeInfo', { path: files.path(w, name) });
      return true;
    });
    if (Object.keys(result.errors).length > 0) process.stderr.write(`# warm-up errors ${JSON.stringify(result.errors)}\n`);
  }

  /** The worker call for `op` at this concurrency, after the untimed preparation it needs. */
  async prepare(op: MetaOp, spec: LoopSpec): Promise<WorkerCall> {
    switch (op) {
      case 'CreateNode': {
        const files = await this.workerFiles(spec.concurrency);
        files.createdForSeconds += spec.warmupSeconds + spec.seconds;
        return (w) => this.createOne(files, w);
      }
      case 'GetLeader':
        return async () => {
          const answer = await this.client.call('GetLeader', {});
          if (answer.leader === null || answer.leader === undefined) throw new Error('GetLeader named no leader');
          return true;
        };
      case 'GetNodeInfo':
        return async (w) => {
          const info = await this.client.call('GetNodeInfo', { path: listEntry(w) });
          if (info.statInfo === null) throw new Error('GetNodeInfo answered no statInfo');
          return true;
        };
      case 'ListDirectory':
        return async () => {
          const listed = await this.client.call('ListDirectory', { path: LIST_DIR });
          if (listed.nodes.length !== LIST_ENTRIES)
            throw new Error(`ListDirectory gave ${listed.nodes.length} entries, not ${LIST_ENTRIES}`);
          return true;
        };
      case 'DeleteNode': {
        const files = await this.deleteSupply(spec);
        return async (w) => {
          const name = files.takeOldest(w);
          if (name === undefined) return false;
          await this.client.call('DeleteNode', { path: files.path(w, name), recursive: false });
          return true;
        };
      }
      case 'FinalizeWrite':
        if (this.finalInodes.length < spec.concurrency)
          throw new Error(`FinalizeWrite was set up for ${this.finalInodes.length} workers, not ${spec.concurrency}`);
        return async (w) => {
          await this.client.call('FinalizeWrite', {
            path: `${FINAL_DIR}/f${w}`,
            inode: this.finalInodes[w],
            size: FINAL_BYTES,
            md5: FINAL_MD5,
          });
          return true;
        };
    }
  }

  private async createOne(files: WorkerFiles, w: number): Promise<boolean> {
    const name = files.freshName(w);
    await this.client.call('CreateNode', { path: files.path(w, name), type: 'File' });
    files.added(w, name);
    return true;
  }

  /** This concurrency's per-worker directories, made on first use. */
  private async workerFiles(concurrency: number): Promise<WorkerFiles> {
    let files = this.files.get(concurrency);
    if (files !== undefined) return files;
    files = new WorkerFiles(concurrency);
    await this.makeDirs(files);
    this.files.set(concurrency, files);
    return files;
  }

  private async makeDirs(files: WorkerFiles): Promise<void> {
    await runParallel(files.concurrency, SETUP_IN_FLIGHT, async (w) => {
      await this.client.call('CreateNode', { path: files.dir(w), type: 'Directory', parents: true });
    });
  }

  /** Tops the workers' files up with untimed creates until they hold DELETE_SUPPLY_FACTOR x the measurement's duration of creates. */
  private async deleteSupply(spec: LoopSpec): Promise<WorkerFiles> {
    const files = await this.workerFiles(spec.concurrency);
    const wanted = DELETE_SUPPLY_FACTOR * (spec.warmupSeconds + spec.seconds);
    const missing = wanted - files.createdForSeconds;
    if (missing > 0) {
      const topUp = await runMetaLoop({ concurrency: spec.concurrency, seconds: missing, warmupSeconds: 0 }, (w) =>
        this.createOne(files, w),
      );
      if (Object.keys(topUp.errors).length > 0)
        process.stderr.write(`# DeleteNode supply c=${spec.concurrency}: create errors ${JSON.stringify(topUp.errors)}\n`);
      files.createdForSeconds = wanted;
    }
    return files;
  }
}
