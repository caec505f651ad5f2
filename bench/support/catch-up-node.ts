/**
 * One Raft node in its own process, for bench/catch-up (forked with an IPC channel; the messages
 * are in catch-up-protocol.ts). In DIR: LMDB Raft stores (fsync on: the defaults), a
 * FileSnapshotStore in DIR/snapshots and the LMDB key-value FSM (test/support/lmdb-kv) in
 * DIR/fsm, so a restarted node keeps its log and its FSM and resumes where it stopped. A
 * TcpTransport on BIND (127.0.0.1:0 the first time, the same address on a restart, since the
 * others know it from the configuration). Snapshots happen only when the parent asks
 * (threshold and interval far beyond the run), and then keep TRAILING_LOGS entries behind.
 * Writes nothing to stdout.
 *
 *   node dist/bench/support/catch-up-node.js ID DIR BIND TRAILING_LOGS CHUNK_BYTES WINDOW_CHUNKS VERBOSE(0|1)
 *
 * SIGTERM, or the parent going away, shuts it down: raft.shutdown(), transport.close(), then the
 * FSM and the stores, then exit (so that `--cpu-prof` gets to write its profile).
 */
import { join } from 'node:path';
import { FileSnapshotStore, Raft, TcpTransport, defaultConfig } from '../../src/raft';
import { openLmdbRaftStores } from '../../src/raft/lmdb';
import { LmdbKvFsm } from '../../test/support/lmdb-kv/lmdb-kv-fsm';
import type { KvResult } from '../../test/support/process-cluster/kv-fsm';
import { isParentMessage, type ChildMessage } from './catch-up-protocol';
import { NodeCommands } from './catch-up-node-commands';
import { LoopDelay } from './loop-delay';
import { PeakRss } from './peak-rss';
import { wallNow } from './snapshot-protocol';
import { TimelineLogger } from './timeline-logger';
import { announceLeadership, describeError, exitAfterStopOnSignals } from '../../test/support/child-process/node-program';

const CLUSTER_ID = 'catch-up-bench';
const RSS_SAMPLE_MS = 50;
/** Far beyond any run: the bench alone decides when snapshots are taken. */
const NEVER_MS = 24 * 3600 * 1000;
/** A sparse file: only the pages written take disk. Large enough that a million keys never remap it. */
const FSM_MAP_BYTES = 4 * 1024 ** 3;

function send(message: ChildMessage): void {
  if (process.send !== undefined && process.connected) process.send(message);
}

function integerArg(name: string, text: string | undefined): number {
  const v = Number(text);
  if (text === undefined || !Number.isSafeInteger(v) || v < 0) throw new Error(`catch-up-node: bad ${name} ${JSON.stringify(text)}`);
  return v;
}

async function main(): Promise<void> {
  const [id, dir, bind, ...numbers] = process.argv.slice(2);
  if (id === undefined || dir === undefined || bind === undefined || process.send === undefined) {
    throw new Error(
      'usage (forked with IPC): catch-up-node.js ID DIR BIND TRAILING_LOGS CHUNK_BYTES WINDOW_CHUNKS MAX_BYTES_PER_SEC VERBOSE',
    );
  }
  const names = ['trailing logs', 'chunk bytes', 'window', 'max bytes per second', 'verbose'];
  const [trailingLogs, chunkBytes, windowChunks, maxBytesPerSec, verbose] = names.map((name, i) => integerArg(name, numbers[i])) as [
    number,
    number,
    number,
    number,
    number,
  ];

  const rss = new PeakRss(RSS_SAMPLE_MS);
  const loopDelay = new LoopDelay();
  const logger = new TimelineLogger(id, verbose === 1);
  const stores = openLmdbRaftStores(join(dir, 'raft'));
  const fsm = LmdbKvFsm.open(join(dir, 'fsm'), { mapSizeBytes: FSM_MAP_BYTES });
  const snapshotStore = await FileSnapshotStore.open(join(dir, 'snapshots'), { logger });
  const transport = await TcpTransport.listen({ bindAddress: bind, clusterId: CLUSTER_ID, localId: id, logger });
  const config = {
    ...defaultConfig(id),
    trailingLogs,
    snapshotThreshold: Number.MAX_SAFE_INTEGER,
    snapshotIntervalMs: NEVER_MS,
    snapshotChunkBytes: chunkBytes,
    snapshotWindowChunks: windowChunks,
    snapshotMaxBytesPerSec: maxBytesPerSec,
  };
  const raft = await Raft.create<KvResult>({
    config,
    fsm,
    logStore: stores.logs,
    stableStore: stores.stable,
    snapshotStore,
    transport,
    logger,
  });
  const commands = new NodeCommands({ id, raft, fsm, transport, logger, rss, loopDelay, send });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      rss.stop();
      loopDelay.stop();
      await commands.stop();
      await raft.shutdown();
      await transport.close();
      await fsm.close(); // after raft.shutdown(), which waits for the batch or restore under way
      await stores.close();
    })());
  exitAfterStopOnSignals(id, stop);

  raft.on('fatal', ({ error }) => send({ type: 'failed', id, message: `raft stopped: ${describeError(error)}` }));
  announceLeadership(id, raft, (term) => send({ type: 'leader', id, term }));
  raft.on('snapshot-installed', ({ index, size }) => send({ type: 'installed', id, index, size, at: wallNow() }));

  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    commands.handle(message).catch((error: unknown) => send({ type: 'failed', id, message: describeError(error) }));
  });
  send({ type: 'listening', id, address: transport.localAddress, pid: process.pid, startup: raft.stats() });
}

main().catch((error: unknown) => {
  send({ type: 'failed', id: process.argv[2] ?? '?', message: describeError(error) });
  process.stderr.write(`catch-up-node failed: ${describeError(error)}\n`);
  process.exit(1);
});
