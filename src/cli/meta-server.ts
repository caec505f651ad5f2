#!/usr/bin/env node
/**
 * One MetaServer process, with the original minfs flags:
 *
 *   metaServer --config config.yaml --port 9090 --raft-port 10090 --node-id meta-9090 \
 *              --data-dir ./metadb1 [--bootstrap | --join host:port[,host:port...]]
 *
 * The node id (default meta-<grpc port>) must be one of config.yaml's raft.peers; its entry gives
 * the Raft address (--raft-port overrides the port) and every peer's gRPC address. --bootstrap
 * writes the cluster's first configuration (every peer, as voters) on a node without state and is
 * noted and ignored on one with state, so the same command line restarts an existing cluster.
 * --join asks a running cluster (any member's gRPC address) to add this node: it joins as a
 * non-voter and the leader promotes it to voter once it has caught up; ignored on a node with state.
 * It registers in etcd (config.yaml's etcd section) as the existing clients and DataServers expect.
 * SIGTERM or SIGINT: hand the leadership over if leading, deregister from etcd, stop taking calls,
 * stop Raft, close the stores, exit 0. Bad flags, config or environment: one line per problem on stderr, exit 2.
 * Prints {"event":"serving","id":...,"grpc":...,"raft":...} on stdout once it takes calls.
 */
import { mkdirSync, accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { CorruptionError } from '../raft/index';
import { EtcdRegistration } from '../server/etcd-registration';
import { DataServerDiscovery } from '../server/dataserver-discovery';
import { MetricsServer } from '../server/metrics-server';
import { StaticMemberDirectory } from '../server/members';
import { loadMetaServerConfig, type MetaServerConfig, type PeerConfig } from './meta-server-config';
import { startMetaNode, type RunningMetaNode } from './meta-node-assembly';
import { createLogger } from './winston-logger';
import { ClusterJoin } from './join-cluster';
import { grpcPeerCredentials } from '../server/grpc-tls';
import { lockDataDir } from './data-dir-lock';
import { judgeStoredMembership } from './stored-membership';
import { clearRebuildMarker, readRebuildMarker } from './minfs-admin-rebuild';
import { version } from './version';
import { hostPortProblem } from './yaml-fields';
import { TEST_ONLY_BUGS_VARIABLE, testOnlyBugs } from './test-only-bugs';
import { tolerateLmdbCommitRejections } from './lmdb-commit-rejections';

/** Exit status for a refused start: flags, config, ports or data directory. */
const EXIT_REFUSED = 2;
/** Exit status for a data directory found damaged (a record failing its checksum, a broken snapshot). */
const EXIT_DAMAGED = 3;
/** How long a node whose Raft failed may take to stop before it exits anyway. */
const FAILED_STOP_TIMEOUT_MS = 10_000;
/** How long a stopping leader waits for a follower to take over before it just stops. */
const HANDOVER_TIMEOUT_MS = 2_000;

interface Flags {
  config: string;
  port?: number;
  raftPort?: number;
  raftListen?: string;
  nodeId?: string;
  dataDir?: string;
  metricsPort?: number;
  bootstrap: boolean;
  join?: string;
}

class StartRefused extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly exitCode = EXIT_REFUSED,
  ) {
    super(problems.join('; '));
  }
}

function port(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError(`${flag} must be a port from 1 to 65535, got ${value}`);
    return n;
  };
}

function parseFlags(argv: readonly string[]): Flags {
  return new Command()
    .name('metaServer')
    .description('A minfs MetaServer: the namespace, replicated by Raft, served over gRPC')
    .version(version(), '--version')
    .option('--config <file>', 'configuration file', 'config.yaml')
    .option('--port <port>', 'gRPC port (default: server.grpc_port)', port('--port'))
    .option('--raft-port <port>', "Raft port (default: the port of this node's raft.peers entry)", port('--raft-port'))
    .option(
      '--raft-listen <host:port>',
      "listen for Raft here while peers keep dialling this node's raft_addr (behind a port forward, NAT or proxy)",
    )
    .option('--node-id <id>', 'Raft server id, one of raft.peers (default: meta-<gRPC port>)')
    .option('--data-dir <dir>', 'data directory (default: database.badger_dir)')
    .option(
      '--metrics-port <port>',
      'HTTP port of /metrics, /healthz, /readyz (default: server.metrics_port; 0 there: off)',
      port('--metrics-port'),
    )
    .option('--bootstrap', 'write the first configuration (every peer) if this node has no state', false)
    .option('--join <addresses>', "join a running cluster through any member's gRPC address (comma-separated) if this node has no state")
    .showHelpAfterError()
    .parse(argv as string[])
    .opts<Flags>();
}

/** --join's value: one or more gRPC addresses, host:port each. */
function joinAddresses(value: string): string[] {
  const list = value.split(',').map((a) => a.trim()).filter((a) => a !== '');
  const bad = list.filter((a) => !/^[^\s:]+:\d{1,5}$/.test(a));
  if (list.length === 0 || bad.length > 0) throw new StartRefused([`--join needs host:port addresses, got ${JSON.stringify(value)}`]);
  return list;
}

/** What this node runs as, from the config and the flags; every problem at once. */
function resolveNode(
  config: MetaServerConfig,
  flags: Flags,
): { self: PeerConfig; raftBind: string; raftAdvertise: string | undefined; grpcBind: string; dataDir: string } {
  const grpcPort = flags.port ?? config.grpcPort;
  const id = flags.nodeId ?? `meta-${grpcPort}`;
  const peer = config.peers.find((p) => p.id === id);
  if (peer === undefined) {
    throw new StartRefused([`node id ${id} is not in raft.peers (${config.peers.map((p) => p.id).join(', ')}): pass --node-id or add it`]);
  }
  const raftHost = peer.raftAddr.slice(0, peer.raftAddr.lastIndexOf(':'));
  if (flags.raftListen !== undefined && flags.raftPort !== undefined) {
    throw new StartRefused(['--raft-listen and --raft-port exclude each other: --raft-port moves the Raft address, --raft-listen only where it is served']);
  }
  const listenProblem = flags.raftListen === undefined ? undefined : hostPortProblem(flags.raftListen);
  if (listenProblem !== undefined) throw new StartRefused([`--raft-listen ${listenProblem}`]);
  const raftBind = flags.raftListen ?? (flags.raftPort === undefined ? peer.raftAddr : `${raftHost}:${flags.raftPort}`);
  // Listening elsewhere, the node still names raft_addr as its address: that is what peers dial.
  const raftAdvertise = flags.raftListen === undefined ? undefined : peer.raftAddr;
  const dataDir = resolve(flags.dataDir ?? config.dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK | constants.R_OK);
  } catch (error) {
    throw new StartRefused([`data directory ${dataDir} is not usable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  // An IPv6 host is bracketed for gRPC's address ("::1:9090" does not parse there).
  const host = config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host;
  return { self: peer, raftBind, raftAdvertise, grpcBind: `${host}:${grpcPort}`, dataDir };
}

/** A start failure an operator can act on, in one line; anything else is rethrown. */
function explainStartError(
  error: unknown,
  where: { raftBind: string; grpcBind: string; dataDir: string; self?: PeerConfig },
  others: readonly PeerConfig[] = [],
): never {
  const e = error as NodeJS.ErrnoException & { code?: unknown };
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof CorruptionError) {
    throw new StartRefused(
      [
        `the data directory ${where.dataDir} is damaged: ${text}`,
        'this node will not serve it; rebuild it from the other members (the damaged directory is moved aside, not deleted):',
        `  minfs-admin rebuild --servers ${others.map((p) => p.grpcAddr).join(',') || '<a member>'} --node-id ${where.self?.id ?? '<id>'} --data-dir ${where.dataDir}`,
        'then start this node with its usual command line',
      ],
      EXIT_DAMAGED,
    );
  }
  if (e.code === 'EADDRINUSE' || /EADDRINUSE|address already in use|No address added out of total/.test(text)) {
    throw new StartRefused([`a port is in use (Raft ${where.raftBind}, gRPC ${where.grpcBind}): ${text}`]);
  }
  if (e.code === 'EACCES' || e.code === 'EROFS' || /EACCES|permission denied/i.test(text)) {
    throw new StartRefused([`data directory ${where.dataDir} is not writable: ${text}`]);
  }
  throw error;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv);
  const loaded = loadMetaServerConfig(flags.config);
  if (Array.isArray(loaded)) throw new StartRefused(loaded.map((p) => `${flags.config}: ${p}`));
  const config = loaded;
  if (flags.bootstrap && flags.join !== undefined) throw new StartRefused(['--bootstrap and --join exclude each other: bootstrap starts a new cluster, join enters a running one']);
  const joinVia = flags.join === undefined ? undefined : joinAddresses(flags.join);
  const where = resolveNode(config, flags);
  const switched = testOnlyBugs(process.env[TEST_ONLY_BUGS_VARIABLE]);
  if ('problem' in switched) throw new StartRefused([switched.problem]);
  const lock = lockDataDir(where.dataDir);
  if ('heldBy' in lock) throw new StartRefused([`data directory ${where.dataDir} is in use by process ${lock.heldBy} (another metaServer?)`]);
  process.once('exit', () => lock.release());
  const { file: logFile, maxBytes, maxFiles } = config.logging;
  const logger = createLogger(
    config.logging.level,
    logFile === '' ? undefined : { path: resolve(logFile.replaceAll('{id}', where.self.id)), maxBytes, maxFiles },
  );
  tolerateLmdbCommitRejections(logger);
  if (switched.bugs !== undefined) logger.warn('TEST-ONLY Raft bugs are switched on: this node is unsafe', { bugs: Object.keys(switched.bugs) });
  const members = new StaticMemberDirectory(config.peers.map((p) => ({ id: p.id, grpcAddress: p.grpcAddr })));
  let running: RunningMetaNode;
  try {
    running = await startMetaNode({
      id: where.self.id,
      dir: where.dataDir,
      raftBind: where.raftBind,
      raftAdvertise: where.raftAdvertise,
      grpcBind: where.grpcBind,
      clusterId: config.clusterId,
      members,
      logger,
      raft: config.raft,
      settings: { defaultReplication: config.defaultReplication, version: version() },
      upkeep: config.upkeep,
      tls: config.tls,
      testOnlyBugs: switched.bugs,
    });
  } catch (error) {
    explainStartError(
      error,
      where,
      config.peers.filter((p) => p.id !== where.self.id),
    );
  }
  const hasState = (): boolean => running.node.raft.stats().lastLogIndex > 0 || running.node.raft.configuration().servers.length > 0;
  const rebuilt = readRebuildMarker(where.dataDir);
  if (rebuilt !== undefined && hasState()) clearRebuildMarker(where.dataDir);
  if (rebuilt !== undefined && !hasState()) {
    // Emptied by minfs-admin rebuild, which already added it back: the leader sends its state.
    logger.info('rebuilt by minfs-admin rebuild: waiting for the state from the leader', { damagedCopy: rebuilt.damagedCopy });
  } else if (flags.bootstrap) {
    const configuration = { servers: config.peers.map((p) => ({ id: p.id, address: p.raftAddr, suffrage: 'voter' as const })) };
    const outcome = await running.bootstrap(configuration);
    if (outcome.bootstrapped) logger.info('bootstrapped the cluster', { servers: config.peers.map((p) => p.id) });
    else logger.info('--bootstrap ignored: this node already has state', { reason: outcome.reason });
  }
  const verdict = judgeStoredMembership(running.node.raft.configuration(), config.peers, { id: where.self.id, raftAddress: running.raftAddress });
  if (verdict.kind === 'refused') {
    await running.stop();
    throw new StartRefused([verdict.problem]);
  }
  if (verdict.kind === 'differs') {
    logger.info('the cluster membership differs from raft.peers (nodes joined or removed since the bootstrap)', {
      notInConfig: verdict.onlyStored,
      notMembers: verdict.onlyConfigured,
    });
  }
  let joining: ClusterJoin | undefined;
  if (joinVia !== undefined) {
    const stats = running.node.raft.stats();
    if (stats.lastLogIndex > 0 || running.node.raft.configuration().servers.length > 0) {
      logger.info('--join ignored: this node already has state', { lastLogIndex: stats.lastLogIndex });
    } else {
      joining = new ClusterJoin({
        via: joinVia,
        id: where.self.id,
        raftAddress: running.raftAddress,
        grpcAddress: where.self.grpcAddr,
        credentials: grpcPeerCredentials(config.tls.grpc),
        logger,
      });
    }
  }
  // Where clients and DataServers look for the leader; etcd being away only delays this.
  const registration = new EtcdRegistration({
    endpoints: config.etcd.endpoints,
    username: config.etcd.username,
    password: config.etcd.password,
    tls: config.etcd.tls,
    timeoutMs: config.etcd.timeoutMs,
    nodeId: where.self.id,
    grpcAddress: where.self.grpcAddr,
    raft: running.node.raft,
    logger,
  });
  registration.start();
  // The DataServers registered in etcd, into the upkeep's tracker (visibility and a leaving hint, never Raft).
  const discovery = new DataServerDiscovery({
    endpoints: config.etcd.endpoints,
    username: config.etcd.username,
    password: config.etcd.password,
    tls: config.etcd.tls,
    timeoutMs: config.etcd.timeoutMs,
    prefix: config.etcd.dataServerKeyPrefix,
    sink: running.node.upkeep.tracker.registrations,
    logger,
  });
  discovery.start();
  const metricsPort = flags.metricsPort ?? config.metricsPort;
  let metrics: MetricsServer | undefined;
  if (metricsPort > 0) {
    try {
      metrics = await MetricsServer.start(running.node, `${config.host}:${metricsPort}`);
    } catch (error) {
      explainStartError(error, { ...where, grpcBind: `${where.grpcBind}, metrics ${config.host}:${metricsPort}` });
    }
  }
  process.stdout.write(
    `${JSON.stringify({ event: 'serving', id: where.self.id, grpc: running.grpc.address, raft: running.raftAddress, metrics: metrics?.address })}\n`,
  );

  let stopping = false;
  const stop = async (signal: string, exitCode = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // Also the status of a natural exit: after a storage failure the stores may never settle
    // their last writes, and the process then ends when nothing else is left to run.
    process.exitCode = exitCode;
    if (exitCode !== 0) setTimeout(() => process.exit(exitCode), FAILED_STOP_TIMEOUT_MS).unref();
    logger.info('stopping', { signal });
    joining?.stop();
    const { raft } = running.node;
    if (raft.state() === 'leader' && exitCode === 0) {
      // Hand over first: the followers then elect no one after a timeout, one of them leads at once.
      await raft.transferLeadership(undefined, { timeoutMs: HANDOVER_TIMEOUT_MS }).then(
        () => logger.info('leadership handed over'),
        (error: unknown) => logger.warn('leadership handover failed; stopping anyway', { error: String(error) }),
      );
    }
    await Promise.all([registration.stop(), discovery.stop()]); // each bounded by etcd.timeout
    await metrics?.stop();
    await running.stop();
    logger.info('stopped');
    await logger.close();
    // Everything is stopped, closed and flushed: exit now. A client library's stray timer (the
    // etcd3 client's reconnect, a gRPC channel's backoff) kept the process alive up to 10 s
    // after this point, which an operator's stop script, and a supervisor, sees as a hang.
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  // Raft stops for good on a failure it cannot get past (a store that cannot write: disk full,
  // I/O error). A node left running without Raft would only answer UNAVAILABLE for ever; exiting
  // non-zero lets the operator's supervisor see it and restart it once the cause is fixed.
  running.node.raft.on('fatal', ({ error }) => {
    logger.error('raft stopped on a failure it cannot recover from; exiting', {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    void stop('raft failure', 1);
  });
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof StartRefused) {
    for (const p of error.problems) process.stderr.write(`metaServer: ${p}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`metaServer failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
