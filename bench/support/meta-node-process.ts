/**
 * One MetaServer in its own process, for the MetaServer benchmarks (forked with an IPC channel;
 * the messages are in meta-protocol.ts). It is what the CLI will run, built by the same
 * composition root (startMetaNode): LMDB Raft stores, snapshots and the namespace FSM under DIR,
 * Raft's TCP transport and the gRPC service on 127.0.0.1, each on a port of the kernel's choice,
 * Raft with the library's defaults (those of config.yaml). Writes nothing to stdout.
 *
 *   node dist/bench/support/meta-node-process.js ID DIR CLUSTER_ID VERBOSE(0|1)
 *
 * The gRPC addresses of the others arrive over IPC once every node has bound (`members`), since
 * followers forward calls to the leader by them. SIGTERM, or the parent going away, stops it.
 */
import { statusMb } from './process-memory';
import type { LogFields, Logger } from '../../src/raft';
import { startMetaNode } from '../../src/cli/meta-node-assembly';
import { StaticMemberDirectory } from '../../src/server/members';
import { announceLeadership, describeError, exitAfterStopOnSignals } from '../../test/support/child-process/node-program';
import { isParentMessage, type ChildMessage, type NodeStats, type ParentMessage } from './meta-protocol';
import { PeakRss } from './peak-rss';

/** Often enough to see a fill's growth; the kernel's VmHWM catches what falls between samples. */
const RSS_SAMPLE_MS = 100;
const MiB = 1 << 20;

function send(message: ChildMessage): void {
  if (process.send !== undefined && process.connected) process.send(message);
}

/** Warnings and errors to stderr (the parent passes them on); info too when verbose. */
function stderrLogger(id: string, verbose: boolean): Logger {
  const print = (level: string, message: string, fields?: LogFields): void => {
    process.stderr.write(`# ${id} ${level}: ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}\n`);
  };
  return {
    debug: () => {},
    info: (message, fields) => (verbose ? print('info', message, fields) : undefined),
    warn: (message, fields) => print('warn', message, fields),
    error: (message, fields) => print('error', message, fields),
  };
}

async function main(): Promise<void> {
  const [id, dir, clusterId, verbose] = process.argv.slice(2);
  if (id === undefined || dir === undefined || clusterId === undefined || process.send === undefined) {
    throw new Error('usage (forked with IPC): meta-node-process.js ID DIR CLUSTER_ID VERBOSE');
  }
  const rss = new PeakRss(RSS_SAMPLE_MS);
  const members = new StaticMemberDirectory();
  const running = await startMetaNode({
    id,
    dir,
    raftBind: '127.0.0.1:0',
    grpcBind: '127.0.0.1:0',
    clusterId,
    members,
    logger: stderrLogger(id, verbose === '1'),
  });
  const raft = running.node.raft;
  exitAfterStopOnSignals(id, async () => {
    rss.stop();
    await running.stop();
  });

  let snapshotsTaken = 0;
  let lastSnapshotBytes = 0;
  raft.on('snapshot-taken', ({ size }) => {
    snapshotsTaken++;
    lastSnapshotBytes = size;
  });
  raft.on('fatal', ({ error }) => send({ type: 'failed', id, message: `raft stopped: ${describeError(error)}` }));
  raft.on('role-changed', ({ role, term }) => send({ type: 'role', id, role, term }));
  announceLeadership(id, raft, (term) => send({ type: 'leader', id, term }));

  const stats = (resetPeak: boolean): NodeStats => {
    const peak = rss.read();
    if (resetPeak) rss.reset();
    const raftStats = raft.stats();
    return {
      state: raftStats.state,
      term: raftStats.term,
      appliedIndex: raftStats.appliedIndex,
      commitIndex: raftStats.commitIndex,
      rssMb: peak.nowMb,
      rssAnonMb: statusMb('self', 'RssAnon'),
      rssFileMb: statusMb('self', 'RssFile'),
      peakRssMb: peak.hwmMb ?? peak.sampledMb,
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / MiB),
      snapshotsTaken,
      lastSnapshotBytes,
      upkeepProposals: running.node.upkeep.status().proposals,
      repairsInFlight: running.node.reader.upkeepCounts().repairs,
      lostBlocks: running.node.upkeep.status().lostBlocks,
    };
  };
  const handle = async (message: ParentMessage): Promise<void> => {
    switch (message.type) {
      case 'members':
        for (const m of message.members) members.set(m.id, m.grpcAddress);
        send({ type: 'members-set', id });
        return;
      case 'bootstrap': {
        const outcome = await running.bootstrap({ servers: [...message.servers] });
        if (!outcome.bootstrapped) throw new Error(`bootstrap refused: ${outcome.reason ?? 'no reason given'}`);
        return;
      }
      case 'stats':
        send({ type: 'stats', id, stats: stats(message.resetPeak) });
        return;
    }
  };
  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    handle(message).catch((error: unknown) => send({ type: 'failed', id, message: describeError(error) }));
  });
  send({ type: 'listening', id, raftAddress: running.raftAddress, grpcAddress: running.grpc.address, pid: process.pid });
}

main().catch((error: unknown) => {
  send({ type: 'failed', id: process.argv[2] ?? '?', message: describeError(error) });
  process.stderr.write(`meta-node-process failed: ${describeError(error)}\n`);
  process.exit(1);
});
