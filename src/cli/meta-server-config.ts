/**
 * config.yaml of a MetaServer: the original minfs sections (server, database, cluster, etcd, raft
 * with its peers and timings, scheduler, logging) with their keys, and ours beside them. Every
 * problem is reported with its key path, all at once; unknown keys are problems too. Unlike the
 * original, every Raft timing is honoured.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_UPKEEP, type UpkeepSettings } from '../cluster/upkeep-settings';
import { BLOCK_SIZE_BYTES } from '../meta/node-types';
import { configProblems, defaultConfig, type Config } from '../raft/index';
import type { EtcdTlsOptions } from '../server/etcd-registration';
import { RAFT_KEYS } from './raft-config-keys';
import { readEtcdTls, readTlsSection, type TlsConfig } from './tls-config';
import { YamlFields, hostPortProblem, isMapping } from './yaml-fields';

export interface PeerConfig {
  readonly id: string;
  /** "host:port" of the peer's Raft transport. */
  readonly raftAddr: string;
  /** "host:port" of the peer's MetaServerService. */
  readonly grpcAddr: string;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface EtcdConfig {
  readonly endpoints: readonly string[];
  readonly timeoutMs: number;
  readonly dataServerKeyPrefix: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** etcd.tls: TLS to etcd (absent: plaintext). */
  readonly tls: EtcdTlsOptions | undefined;
}

export interface MetaServerConfig {
  /** server.grpc_port: where MetaServerService listens. */
  readonly grpcPort: number;
  /** server.host: the address the gRPC port binds (loopback unless configured). */
  readonly host: string;
  /** server.metrics_port: /metrics, /healthz and /readyz over HTTP on `host` (0: off). */
  readonly metricsPort: number;
  /** database.badger_dir: this node's data (Raft in raft/, snapshots, the namespace). */
  readonly dataDir: string;
  /** cluster.id: Raft peers of another cluster are refused at the handshake. */
  readonly clusterId: string;
  readonly defaultReplication: number;
  readonly etcd: EtcdConfig;
  readonly peers: readonly PeerConfig[];
  /** Raft settings given in the file (the rest are the library's defaults). */
  readonly raft: Partial<Config>;
  readonly upkeep: UpkeepSettings;
  /** `file` with `{id}` replaced by the node id; '' for stdout only. */
  readonly logging: { readonly level: LogLevel; readonly file: string; readonly maxBytes: number; readonly maxFiles: number };
  /** tls.grpc and tls.raft, files read (each undefined: plaintext). */
  readonly tls: TlsConfig;
}

/** The original's duration keys in `raft:`, each the millisecond field it sets. */
const RAFT_DURATION_KEYS: Record<string, keyof Config> = {
  heartbeat_timeout: 'heartbeatTimeoutMs',
  election_timeout: 'electionTimeoutMs',
  snapshot_interval: 'snapshotIntervalMs',
  commit_timeout: 'commitTimeoutMs',
  leader_lease_timeout: 'leaderLeaseTimeoutMs',
};

/** Reads and checks config.yaml; the settings, or every problem found. */
export function loadMetaServerConfig(path: string): MetaServerConfig | string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return [`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`];
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    return [`${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`];
  }
  if (doc !== null && doc !== undefined && !isMapping(doc)) return [`${path}: must be a mapping of sections`];
  return parseMetaServerConfig(doc ?? {});
}

/** Checks a parsed document (see loadMetaServerConfig). */
export function parseMetaServerConfig(doc: Readonly<Record<string, unknown>>): MetaServerConfig | string[] {
  const problems: string[] = [];
  const known = ['server', 'database', 'cluster', 'etcd', 'raft', 'scheduler', 'logging', 'tls'];
  for (const key of Object.keys(doc)) if (!known.includes(key)) problems.push(`${key}: unknown section (expected ${known.join(', ')})`);

  const server = YamlFields.section(doc, 'server', problems);
  const grpcPort = server.integer('grpc_port', 9090, 1, 65535);
  server.integer('port', 8080, 0, 65535); // the original's HTTP port, never used by it either
  const host = server.string('host', '127.0.0.1');
  const metricsPort = server.integer('metrics_port', 0, 0, 65535);
  server.finish();

  const database = YamlFields.section(doc, 'database', problems);
  const dataDir = database.string('badger_dir', './metadb');
  database.finish();

  const clusterFields = YamlFields.section(doc, 'cluster', problems);
  const clusterId = clusterFields.string('id', 'minfs');
  const defaultReplication = clusterFields.integer('default_replication', 3, 1, 16);
  const staleAfterMs = clusterFields.duration('heartbeat_timeout', DEFAULT_UPKEEP.staleAfterMs);
  const downAfterMs = clusterFields.duration('permanent_down_threshold', DEFAULT_UPKEEP.deadAfterMs - DEFAULT_UPKEEP.staleAfterMs);
  clusterFields.finish();

  const etcdFields = YamlFields.section(doc, 'etcd', problems);
  const etcd: EtcdConfig = {
    endpoints: etcdFields.strings('endpoints', ['localhost:2379']),
    timeoutMs: etcdFields.duration('timeout', 5_000),
    dataServerKeyPrefix: etcdFields.string('dataServer_key_prefix', '/dfs/dataServers/'),
    username: etcdFields.optionalString('username'),
    password: etcdFields.optionalString('password'),
    tls: readEtcdTls(etcdFields),
  };
  etcdFields.finish();

  const raftFields = YamlFields.section(doc, 'raft', problems);
  const peers = readPeers(raftFields);
  const raft = readRaftSettings(raftFields);
  raftFields.finish();

  const scheduler = YamlFields.section(doc, 'scheduler', problems);
  const upkeep: UpkeepSettings = {
    ...DEFAULT_UPKEEP,
    staleAfterMs,
    deadAfterMs: staleAfterMs + downAfterMs,
    fullCheckMs: scheduler.duration('fsck_interval', DEFAULT_UPKEEP.fullCheckMs),
    tickMs: scheduler.duration('tick', DEFAULT_UPKEEP.tickMs),
    maxCopiesPerDataServer: scheduler.integer('max_copies_per_dataserver', DEFAULT_UPKEEP.maxCopiesPerDataServer, 1, 1_000),
    maxDeletesPerHeartbeat: scheduler.integer('max_deletes_per_heartbeat', DEFAULT_UPKEEP.maxDeletesPerHeartbeat, 1, 1_000_000),
    repairTimeoutMs: scheduler.duration('repair_timeout', DEFAULT_UPKEEP.repairTimeoutMs),
    resendAfterMs: scheduler.duration('resend_after', DEFAULT_UPKEEP.resendAfterMs),
    abandonAfterMs: scheduler.duration('abandon_after', DEFAULT_UPKEEP.abandonAfterMs),
    reportGraceMs: scheduler.duration('report_grace', DEFAULT_UPKEEP.reportGraceMs, 0),
    safeModeGraceMs: scheduler.duration('safe_mode_grace', DEFAULT_UPKEEP.safeModeGraceMs, 0),
    checksPerTick: scheduler.integer('checks_per_tick', DEFAULT_UPKEEP.checksPerTick, 1),
  };
  // The original's knobs without a counterpart here: deletions go out with every heartbeat reply
  // and repairs are throttled per DataServer; still checked, so a typo in them is caught.
  scheduler.duration('gc_interval', 60_000);
  for (const key of ['fsck_workers', 'repair_workers', 'repair_queue_size', 'max_concurrent_repairs']) scheduler.integer(key, 1, 1);
  const blockSize = scheduler.integer('block_size', BLOCK_SIZE_BYTES, 1);
  if (blockSize !== BLOCK_SIZE_BYTES)
    scheduler.problem('block_size', `must be ${BLOCK_SIZE_BYTES} (the block size of the minfs wire contract), got ${blockSize}`);
  scheduler.finish();

  const logging = YamlFields.section(doc, 'logging', problems);
  const level = logging.choice<LogLevel>('level', 'info', ['debug', 'info', 'warn', 'error']);
  const file = logging.string('file', './logs/{id}.log', { nonEmpty: false });
  const maxBytes = logging.integer('max_size_mb', 64, 1, 1 << 20) * 1024 * 1024;
  const maxFiles = logging.integer('max_files', 5, 1, 1000);
  logging.finish();

  const tls = readTlsSection(doc, problems);

  if (problems.length > 0) return problems;
  return {
    grpcPort,
    host,
    metricsPort,
    dataDir,
    clusterId,
    defaultReplication,
    etcd,
    peers,
    raft,
    upkeep,
    logging: { level, file, maxBytes, maxFiles },
    tls,
  };
}

function readPeers(raft: YamlFields): PeerConfig[] {
  const value = raft.raw('peers');
  if (value === undefined || value === null) {
    raft.problem('peers', 'is missing: list every MetaServer as {id, raft_addr, grpc_addr}');
    return [];
  }
  if (!Array.isArray(value) || value.length === 0) {
    raft.problem('peers', 'must be a non-empty list of {id, raft_addr, grpc_addr}');
    return [];
  }
  const peers: PeerConfig[] = [];
  value.forEach((entry: unknown, i) => {
    if (!isMapping(entry)) {
      raft.problem(`peers[${i}]`, 'must be a mapping {id, raft_addr, grpc_addr}');
      return;
    }
    const fields = raft.child(entry, `peers[${i}]`);
    let complete = true;
    const required = (key: string, check?: (v: string) => string | undefined): string => {
      if (!fields.has(key)) {
        fields.raw(key);
        fields.problem(key, 'is missing');
        complete = false;
        return '';
      }
      const value = fields.string(key, '');
      const problem = value === '' ? 'must be a non-empty string' : check?.(value);
      if (problem !== undefined) {
        if (value !== '') fields.problem(key, problem);
        complete = false;
      }
      return value;
    };
    const id = required('id');
    const raftAddr = required('raft_addr', (v) => hostPortProblem(v));
    const grpcAddr = required('grpc_addr', (v) => hostPortProblem(v));
    fields.finish();
    if (complete) peers.push({ id, raftAddr, grpcAddr });
  });
  // Every value given, complete entries or not: a repeated id is a problem of its own.
  for (const key of ['id', 'raft_addr', 'grpc_addr']) {
    const seen = new Set<string>();
    for (const entry of value) {
      const v = isMapping(entry) ? entry[key] : undefined;
      if (typeof v !== 'string' || v === '') continue;
      if (seen.has(v)) raft.problem('peers', `${key} ${v} appears twice`);
      seen.add(v);
    }
  }
  return peers;
}

/** The timings and sizes of `raft:`: the original's duration keys, or ours in milliseconds, not both. */
function readRaftSettings(raft: YamlFields): Partial<Config> {
  const settings: Record<string, unknown> = {};
  const keyOf = new Map<string, string>();
  for (const [key, field] of Object.entries(RAFT_DURATION_KEYS)) {
    if (!raft.has(key)) {
      raft.raw(key);
      continue;
    }
    settings[field] = raft.duration(key, 0);
    keyOf.set(field, key);
  }
  for (const [key, field] of Object.entries(RAFT_KEYS)) {
    if (!raft.has(key)) {
      raft.raw(key);
      continue;
    }
    if (keyOf.has(field)) {
      raft.problem(key, `sets the same thing as ${raft.at(keyOf.get(field)!)}: keep one of them`);
      continue;
    }
    settings[field] = raft.raw(key);
    keyOf.set(field, key);
  }
  // The library's own checks, each reported at the key that set the field (or the field itself).
  for (const problem of configProblems({ ...defaultConfig('check'), ...(settings as Partial<Config>) })) {
    const field = problem.split(':')[0]!;
    raft.problem(keyOf.get(field) ?? field, problem.slice(field.length + 2));
  }
  return settings as Partial<Config>;
}
