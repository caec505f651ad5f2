/**
 * One Raft voter with a key-value FSM in its own process, driven by a ProcessCluster over IPC
 * (messages in protocol.ts). LMDB stores (fsync on: the defaults) in DIR, a TcpTransport on
 * 127.0.0.1:PORT (0 on the first start; the port of the previous run on a restart, so the peers'
 * configuration still reaches it). Writes nothing to stdout; set PROCESS_CLUSTER_LOG=1 to get
 * Raft's and the transport's warnings on stderr.
 *
 *   node dist/test/support/process-cluster/kv-node.js ID DIR PORT SEED CLUSTER_ID [OPTIONS_JSON]
 *
 * OPTIONS_JSON (KvNodeOptions in protocol.ts) picks the FSM (in-memory or LMDB in DIR/fsm), a
 * FileSnapshotStore in DIR/snapshots, and Raft config overrides; without it, the in-memory FSM
 * and no snapshots.
 *
 * SIGTERM, or the parent going away, shuts it down cleanly (raft, transport, stores, exit 0).
 */
import { join } from 'node:path';
import {
  FileSnapshotStore,
  NotLeaderError,
  Raft,
  RaftError,
  TcpTransport,
  defaultConfig,
  seededRandom,
  silentLogger,
  type Logger,
} from '../../../src/raft';
import { openLmdbRaftStores } from '../../../src/raft/lmdb';
import { checkKey, encodeDel, encodePut, type KvResult } from './kv-fsm';
import { openNodeFsm } from './node-fsm';
import { withProgressReports } from './progress-fsm';
import { NODE_SNAPSHOT_DIR, isParentMessage, parseNodeOptions, type ChildMessage, type NodeErrorInfo, type NodeRequest } from './protocol';
import { announceLeadership, describeError, exitAfterStopOnSignals } from '../child-process/node-program';

function send(message: ChildMessage): void {
  if (process.send !== undefined && process.connected) process.send(message);
}

function stderrLogger(id: string): Logger {
  const line =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      process.stderr.write(`# [${id} ${level}] ${message} ${fields === undefined ? '' : JSON.stringify(fields)}\n`);
    };
  return { debug: () => {}, info: () => {}, warn: line('warn'), error: line('error') };
}

/** A RaftError keeps its code, outcome and leader hint across the IPC channel. */
function errorInfo(error: unknown): NodeErrorInfo {
  if (error instanceof NotLeaderError)
    return { code: error.code, message: error.message, outcome: error.outcome, leaderId: error.leaderId };
  if (error instanceof RaftError) return { code: error.code, message: error.message, outcome: error.outcome };
  return { code: 'error', message: describeError(error), outcome: 'unknown' };
}

async function main(): Promise<void> {
  const [id, dir, port, seed, clusterId, optionsJson] = process.argv.slice(2);
  if (id === undefined || dir === undefined || port === undefined || seed === undefined || clusterId === undefined) {
    throw new Error('usage (forked with IPC): kv-node.js ID DIR PORT SEED CLUSTER_ID [OPTIONS_JSON]');
  }
  const options = parseNodeOptions(optionsJson);
  const logger = process.env['PROCESS_CLUSTER_LOG'] ? stderrLogger(id) : silentLogger;
  const stores = openLmdbRaftStores(dir);
  const snapshotStore = options.snapshots ? await FileSnapshotStore.open(join(dir, NODE_SNAPSHOT_DIR), { logger }) : undefined;
  const transport = await TcpTransport.listen({
    bindAddress: `127.0.0.1:${port}`,
    clusterId,
    localId: id,
    logger,
    random: seededRandom(Number(seed) ^ 0x5eed),
  });
  // The closure runs only once Raft exists (digest requests arrive after 'listening').
  const nodeFsm = openNodeFsm(options, dir, () => raft.stats().appliedIndex);
  // Stats go to the parent after every apply batch or restore, once per event-loop turn (by then
  // Raft has recorded the new applied index).
  let progressScheduled = false;
  const progressed = (): void => {
    if (progressScheduled) return;
    progressScheduled = true;
    setImmediate(() => {
      progressScheduled = false;
      send({ type: 'progress', id, stats: raft.stats() });
    });
  };
  const raft: Raft<KvResult> = await Raft.create<KvResult>({
    config: { ...defaultConfig(id), ...options.raft },
    fsm: withProgressReports(nodeFsm.fsm, progressed),
    logStore: stores.logs,
    stableStore: stores.stable,
    ...(snapshotStore === undefined ? {} : { snapshotStore }),
    transport,
    logger,
    random: seededRandom(Number(seed)),
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await raft.shutdown();
      await transport.close();
      await stores.close();
      await nodeFsm.close();
    })());
  exitAfterStopOnSignals(id, stop);

  const reportRole = (term: number): void => send({ type: 'role', id, role: raft.state(), term, leaderId: raft.leader()?.id ?? null });
  raft.on('leader-changed', ({ term }) => reportRole(term));
  raft.on('role-changed', ({ term }) => reportRole(term));
  announceLeadership(id, raft, (term) => send({ type: 'leader', id, term }));
  raft.on('fatal', ({ error }) => send({ type: 'failed', id, message: `raft fatal: ${describeError(error)}` }));
  raft.on('snapshot-taken', ({ index, term, size }) => send({ type: 'snapshot', id, event: 'taken', index, term, size }));
  raft.on('snapshot-installed', ({ index, term, size }) => send({ type: 'snapshot', id, event: 'installed', index, term, size }));
  const handle = async (request: NodeRequest): Promise<unknown> => {
    switch (request.op) {
      case 'put': {
        const bad = checkKey(request.key);
        if (bad !== undefined) throw new Error(bad);
        await raft.apply(encodePut(request.key, request.value));
        return null;
      }
      case 'del': {
        const bad = checkKey(request.key);
        if (bad !== undefined) throw new Error(bad);
        await raft.apply(encodeDel(request.key));
        return null;
      }
      case 'get':
        await raft.readIndex();
        return nodeFsm.get(request.key);
      case 'localGet':
        return nodeFsm.get(request.key);
      case 'stats':
        return raft.stats();
      case 'digest':
        return nodeFsm.digest();
      case 'snapshot':
        return (await raft.snapshot()) ?? null;
    }
  };

  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    if (message.type === 'bootstrap') {
      raft
        .bootstrapCluster({ servers: [...message.servers] })
        .catch((error: unknown) => send({ type: 'failed', id, message: describeError(error) }));
      return;
    }
    const { seq } = message;
    handle(message.request).then(
      (value) => send({ type: 'reply', id, seq, ok: true, value }),
      (error: unknown) => send({ type: 'reply', id, seq, ok: false, error: errorInfo(error) }),
    );
  });

  send({ type: 'listening', id, address: transport.localAddress, startup: raft.stats() });
  reportRole(raft.stats().term);
}

main().catch((error: unknown) => {
  process.stderr.write(`kv-node failed: ${describeError(error)}\n`);
  // Exit only once the report has left: process.send is asynchronous.
  const message: ChildMessage = { type: 'failed', id: process.argv[2] ?? '?', message: describeError(error) };
  if (process.send !== undefined && process.connected) process.send(message, undefined, {}, () => process.exit(1));
  else process.exit(1);
});
