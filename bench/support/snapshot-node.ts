/**
 * One Raft node in its own process, for bench/snapshot-memory (forked with an IPC channel; the
 * messages are in snapshot-protocol.ts). LMDB stores (fsync on: the defaults) in DIR, a
 * FileSnapshotStore in DIR/snapshots, a TcpTransport on 127.0.0.1 port 0, and the synthetic FSM
 * whose snapshot is SNAPSHOT_BYTES of pseudo-random data. trailingLogs is 0, so a snapshot
 * compacts the whole log and a node added afterwards can only be brought up by InstallSnapshot.
 * The process samples its own RSS. Writes nothing to stdout.
 *
 *   node dist/bench/support/snapshot-node.js ID DIR SNAPSHOT_BYTES SEED CHUNK_BYTES WINDOW_CHUNKS VERBOSE(0|1)
 *
 * SIGTERM, or the parent going away, shuts it down: raft.shutdown(), transport.close(),
 * stores.close(), then exit (so that `--cpu-prof` gets to write its profile).
 */
import { join } from 'node:path';
import { FileSnapshotStore, Raft, TcpTransport, defaultConfig } from '../../src/raft';
import { openLmdbRaftStores } from '../../src/raft/lmdb';
import { PeakRss } from './peak-rss';
import { ioCounters, type IoCounters } from './proc-io';
import { isParentMessage, wallNow, type ChildMessage, type ParentMessage } from './snapshot-protocol';
import { SyntheticSnapshotFsm } from './synthetic-snapshot-fsm';
import { TimelineLogger } from './timeline-logger';
import { TransferWatch } from './transfer-watch';
import { announceLeadership, describeError, exitAfterStopOnSignals } from '../../test/support/child-process/node-program';

const CLUSTER_ID = 'snapshot-memory-bench';
/** Often enough that a 20 ms allocation spike is seen; the kernel's VmHWM catches the rest. */
const RSS_SAMPLE_MS = 50;
/** The commands applied before the snapshot: enough that the snapshot covers a real log. */
const COMMAND = new Uint8Array(64);

function send(message: ChildMessage): void {
  if (process.send !== undefined && process.connected) process.send(message);
}

function integerArg(name: string, text: string | undefined): number {
  const v = Number(text);
  if (text === undefined || !Number.isSafeInteger(v) || v < 0) throw new Error(`snapshot-node: bad ${name} ${JSON.stringify(text)}`);
  return v;
}

async function main(): Promise<void> {
  const [id, dir, ...numbers] = process.argv.slice(2);
  if (id === undefined || dir === undefined || process.send === undefined) {
    throw new Error('usage (forked with IPC): snapshot-node.js ID DIR SNAPSHOT_BYTES SEED CHUNK_BYTES WINDOW_CHUNKS VERBOSE');
  }
  const [snapshotBytes, seed, chunkBytes, windowChunks, verbose] = ['snapshot bytes', 'seed', 'chunk bytes', 'window', 'verbose'].map(
    (name, i) => integerArg(name, numbers[i]),
  ) as [number, number, number, number, number];

  const rss = new PeakRss(RSS_SAMPLE_MS);
  const logger = new TimelineLogger(id, verbose === 1);
  const stores = openLmdbRaftStores(dir);
  const snapshotStore = await FileSnapshotStore.open(join(dir, 'snapshots'), { logger });
  const transport = await TcpTransport.listen({ bindAddress: '127.0.0.1:0', clusterId: CLUSTER_ID, localId: id, logger });
  const fsm = new SyntheticSnapshotFsm(snapshotBytes, seed);
  const config = { ...defaultConfig(id), trailingLogs: 0, snapshotChunkBytes: chunkBytes, snapshotWindowChunks: windowChunks };
  const raft = await Raft.create<number>({
    config,
    fsm,
    logStore: stores.logs,
    stableStore: stores.stable,
    snapshotStore,
    transport,
    logger,
  });
  const watch = new TransferWatch(() => raft.stats().snapshotsSending);
  /** The counters when the current window began (process start, or the last `add`). */
  let ioBase: IoCounters | undefined = ioCounters();
  let netBase = { bytesSent: 0, bytesReceived: 0 };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      watch.stop();
      rss.stop();
      await raft.shutdown();
      await transport.close();
      await stores.close();
    })());
  exitAfterStopOnSignals(id, stop);

  raft.on('fatal', ({ error }) => send({ type: 'failed', id, message: `raft stopped: ${describeError(error)}` }));
  announceLeadership(id, raft, (term) => send({ type: 'leader', id, term }));
  raft.on('snapshot-installed', ({ index, size }) => {
    const restored = fsm.lastRestored;
    if (restored === undefined) send({ type: 'failed', id, message: 'snapshot installed but the FSM saw no restore' });
    else send({ type: 'installed', id, index, size, at: wallNow(), restored });
  });

  const fill = async (entries: number): Promise<void> => {
    if (raft.state() !== 'leader') throw new Error(`${id} was asked to fill but is ${raft.state()}`);
    rss.reset();
    await Promise.all(Array.from({ length: entries }, () => raft.apply(COMMAND)));
    const started = performance.now();
    const meta = await raft.snapshot();
    const takeMs = performance.now() - started;
    const persisted = fsm.lastPersisted;
    if (meta === undefined || persisted === undefined) throw new Error('raft.snapshot() took no snapshot');
    const snapshot = { index: meta.index, size: meta.size, crc32: meta.crc32 >>> 0, firstLogIndex: raft.stats().firstLogIndex, takeMs };
    send({ type: 'filled', id, snapshot, persisted, rss: rss.read() });
  };
  const add = async (peer: string, address: string): Promise<void> => {
    if (raft.state() !== 'leader') throw new Error(`${id} was asked to add ${peer} but is ${raft.state()}`);
    rss.reset();
    ioBase = ioCounters();
    const net = transport.stats();
    netBase = { bytesSent: net.bytesSent, bytesReceived: net.bytesReceived };
    watch.start();
    await raft.addNonvoter(peer, address);
    send({ type: 'added', id, at: wallNow() });
  };
  const report = (): void => {
    const net = transport.stats();
    const io = ioCounters();
    send({
      type: 'report',
      id,
      report: {
        rss: rss.read(),
        sendingStartedAt: watch.startedAt,
        sendingEndedAt: watch.endedAt,
        logged: logger.logged(),
        bytesSent: net.bytesSent - netBase.bytesSent,
        bytesReceived: net.bytesReceived - netBase.bytesReceived,
        dropped: net.dropped,
        io:
          io === undefined || ioBase === undefined
            ? undefined
            : { readBytes: io.readBytes - ioBase.readBytes, writtenBytes: io.writtenBytes - ioBase.writtenBytes },
      },
    });
  };
  const onMessage = async (message: ParentMessage): Promise<void> => {
    switch (message.type) {
      case 'configure':
        await raft.bootstrapCluster({ servers: [...message.servers] });
        return;
      case 'fill':
        return fill(message.entries);
      case 'add':
        return add(message.id, message.address);
      case 'report':
        return report();
    }
  };
  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    onMessage(message).catch((error: unknown) => send({ type: 'failed', id, message: describeError(error) }));
  });

  send({ type: 'listening', id, address: transport.localAddress, pid: process.pid });
}

main().catch((error: unknown) => {
  send({ type: 'failed', id: process.argv[2] ?? '?', message: describeError(error) });
  process.stderr.write(`snapshot-node failed: ${describeError(error)}\n`);
  process.exit(1);
});
