/**
 * Builds one MetaServer from real parts: Raft stores on LMDB in DIR/raft, snapshots in
 * DIR/snapshots, the namespace FSM on its own LMDB environment in DIR/namespace, a TCP transport
 * for Raft and the gRPC service. The composition root for the CLI, the test cluster and benchmarks.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  FileSnapshotStore,
  CorruptionError,
  Raft,
  TcpTransport,
  defaultConfig,
  systemClock,
  type BugSwitches,
  type Config,
  type Configuration,
  type Logger,
  type TcpTlsOptions,
} from '../raft/index';
import { lmdbDataFileProblem, openLmdbRaftStores } from '../raft/lmdb/index';
import { BlockUpkeep } from '../cluster/block-upkeep';
import { DEFAULT_UPKEEP, type UpkeepSettings } from '../cluster/upkeep-settings';
import { MetaFsm } from '../meta/meta-fsm';
import { NamespaceReader } from '../meta/namespace-reader';
import type { MetaResult } from '../meta/results';
import type { GrpcTlsOptions } from '../server/grpc-tls';
import { MetaGrpcServer } from '../server/meta-grpc-server';
import { ReplicatedMemberDirectory, type MemberDirectory } from '../server/members';
import { DEFAULT_PROMOTER, NonvoterPromoter, type PromoterSettings } from '../server/nonvoter-promoter';
import type { MetaNode, MetaNodeSettings } from '../server/meta-node';

export interface MetaNodeOptions {
  readonly id: string;
  readonly dir: string;
  /** "host:port" for Raft's TCP transport (port 0: any). */
  readonly raftBind: string;
  /** The Raft address peers dial, when it is not the bound one (a port forward or proxy in between). */
  readonly raftAdvertise?: string;
  /** "host:port" for the gRPC service (port 0: any). */
  readonly grpcBind: string;
  readonly clusterId: string;
  readonly members: MemberDirectory;
  readonly logger: Logger;
  readonly raft?: Partial<Config>;
  readonly settings?: Partial<Omit<MetaNodeSettings, 'nodeId'>>;
  /** DataServer liveness, repair and deletion knobs (defaults: DEFAULT_UPKEEP). */
  readonly upkeep?: Partial<UpkeepSettings>;
  /** When a joined non-voter counts as caught up and is made a voter (defaults: DEFAULT_PROMOTER). */
  readonly promoter?: Partial<PromoterSettings>;
  /** Mutual TLS between Raft peers, TLS on the gRPC port; each absent: plaintext. */
  readonly tls?: { readonly raft?: TcpTlsOptions | undefined; readonly grpc?: GrpcTlsOptions | undefined };
  /** Test-only: known Raft bugs switched on (the fault suite proves it catches them). */
  readonly testOnlyBugs?: BugSwitches | undefined;
}

export interface RunningMetaNode {
  readonly node: MetaNode;
  readonly grpc: MetaGrpcServer;
  readonly raftAddress: string;
  /** Writes the first configuration when this node has no state (idempotent). */
  bootstrap(configuration: Configuration): Promise<{ bootstrapped: boolean; reason?: string }>;
  stop(): Promise<void>;
}

/**
 * The MetaServer snapshots at least every 100,000 entries (etcd's default snapshot-count), not
 * only every two minutes: its log then never holds more than ~10 MB of creates, where a 4,500/s
 * fill between two interval snapshots left 500,000 entries and 116 MB of log pages resident in
 * the leader. Its snapshots are deferred (Config.deferSnapshotCopies): the namespace is its own
 * durable state, so a snapshot records a label and compacts the log, and the namespace is copied
 * (in a child process) only when a follower needs InstallSnapshot. Copying it every 100,000
 * changes cost 112 MB of writes at a million files, and at 10 million blocks a gigabyte on every
 * node each time, which the heartbeat benchmark's CreateNode p99 felt.
 */
const META_SNAPSHOT_MAX_ENTRIES = 100_000;

export async function startMetaNode(options: MetaNodeOptions): Promise<RunningMetaNode> {
  const { id, dir, logger } = options;
  mkdirSync(join(dir, 'raft'), { recursive: true });
  // A data file cut short would kill the process with SIGBUS on first touch: refuse it by name.
  for (const file of [join(dir, 'raft', 'data.mdb'), join(dir, 'namespace', 'data.mdb')]) {
    const problem = existsSync(file) ? lmdbDataFileProblem(file) : undefined;
    if (problem !== undefined) throw new CorruptionError(problem);
  }
  const stores = openLmdbRaftStores(join(dir, 'raft'));
  try {
    // A damaged record is refused now, before anything is served (see verifyAll).
    const started = performance.now();
    const checked = stores.logs.verifyAll();
    logger.info('raft log verified', { records: checked, ms: Math.round(performance.now() - started) });
  } catch (error: unknown) {
    await Promise.allSettled([stores.logs.close(), stores.stable.close()]);
    throw error;
  }
  const snapshotStore = await FileSnapshotStore.open(join(dir, 'snapshots'), { logger });
  const fsm = MetaFsm.open(join(dir, 'namespace'));
  const transport = await TcpTransport.listen({
    bindAddress: options.raftBind,
    ...(options.raftAdvertise === undefined ? {} : { advertiseAddress: options.raftAdvertise }),
    clusterId: options.clusterId,
    localId: id,
    logger,
    tls: options.tls?.raft,
  });
  const raft = await Raft.create<MetaResult>({
    config: { ...defaultConfig(id), snapshotMaxEntries: META_SNAPSHOT_MAX_ENTRIES, deferSnapshotCopies: true, ...options.raft },
    fsm,
    logStore: stores.logs,
    stableStore: stores.stable,
    snapshotStore,
    transport,
    logger,
    ...(options.testOnlyBugs === undefined ? {} : { testOnlyBugs: options.testOnlyBugs }),
  });
  const reader = new NamespaceReader(fsm.state);
  const wallClockMs = (): number => Date.now();
  const upkeep = new BlockUpkeep({
    raft,
    reader,
    settled: () => fsm.settled(),
    clock: systemClock,
    wallClockMs,
    logger,
    settings: { ...DEFAULT_UPKEEP, ...options.upkeep },
  });
  upkeep.start();
  // Members that joined through the log are routable from every replica; config.yaml's are the fallback.
  const members = new ReplicatedMemberDirectory(reader, options.members);
  const node: MetaNode = {
    settings: { nodeId: id, defaultReplication: 3, purgeBatch: 1_000, ...options.settings },
    raft,
    fsm,
    reader,
    upkeep,
    members,
    clock: systemClock,
    wallClockMs,
    logger,
  };
  const grpc = await MetaGrpcServer.start(node, options.grpcBind, options.tls?.grpc);
  const promoter = new NonvoterPromoter(node, systemClock, { ...DEFAULT_PROMOTER, ...options.promoter });
  promoter.start();
  let stopping: Promise<void> | undefined;
  return {
    node,
    grpc,
    raftAddress: transport.localAddress,
    bootstrap: (configuration) => raft.bootstrapCluster(configuration),
    stop: () =>
      (stopping ??= (async () => {
        promoter.stop();
        await grpc.stop();
        await upkeep.stop();
        await raft.shutdown();
        await transport.close();
        await stores.close();
        await fsm.close();
      })()),
  };
}
