#!/usr/bin/env node
/**
 * The embedded default: a whole minfs cluster in this one process, on loopback, for trying it on
 * one machine without any configuration: N MetaServers (gRPC on BASE+i-1: 9090, 9091, 9092 by
 * default, where the easyClient and DataServers look; Raft on BASE+100+i-1) and D reference
 * DataServers (8001.. as the original's dataServer-N), all inside the 8000-9999 range. MetaServer
 * data lives in DIR/meta-i, blocks in DATA_DIR/ds-j; a restart keeps both (bootstrap happens only
 * on a node without state). Ctrl-C stops everything cleanly.
 */
import { join } from 'node:path';
import { Command } from 'commander';
import { DataServer } from '../dataserver';
import { StaticMemberDirectory } from '../server/members';
import { startMetaNode, type RunningMetaNode } from './meta-node-assembly';
import { createLogger } from './winston-logger';
import { tolerateLmdbCommitRejections } from './lmdb-commit-rejections';

async function main(): Promise<void> {
  const opts = new Command()
    .name('minfs-local-cluster')
    .description('Starts a local MetaServer cluster in one process (gRPC on BASE.., Raft on BASE+100..)')
    .option('--nodes <n>', 'number of MetaServer nodes', '3')
    .option('--base-port <port>', 'gRPC port of the first node', '9090')
    .option('--host <host>', 'address to bind and advertise', '127.0.0.1')
    .option('--data-dir <dir>', 'where the nodes keep their data', 'workpublish/metaServer/data')
    .option('--replication <n>', 'replication factor of new files', '3')
    .option('--dataservers <n>', 'number of reference DataServers (0: none)', '4')
    .option('--dataserver-base-port <port>', 'port of the first DataServer', '8001')
    .option('--dataserver-dir <dir>', 'where the DataServers keep their blocks', 'workpublish/dataServer/data')
    .option('--log-level <level>', 'debug | info | warn | error', 'info')
    .parse()
    .opts<{
      nodes: string;
      basePort: string;
      host: string;
      dataDir: string;
      replication: string;
      dataservers: string;
      dataserverBasePort: string;
      dataserverDir: string;
      logLevel: string;
    }>();
  const dataServerCount = Number(opts.dataservers);
  const dataServerBase = Number(opts.dataserverBasePort);
  if (!Number.isInteger(dataServerCount) || dataServerCount < 0 || dataServerCount > 64) throw new Error(`--dataservers must be 0..64, got ${opts.dataservers}`);
  if (!Number.isInteger(dataServerBase) || dataServerBase < 1 || dataServerBase + dataServerCount > 65535) throw new Error(`--dataserver-base-port ${opts.dataserverBasePort} is not usable`);
  const count = Number(opts.nodes);
  const base = Number(opts.basePort);
  const replication = Number(opts.replication);
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`--nodes must be 1..9, got ${opts.nodes}`);
  if (!Number.isInteger(base) || base < 1 || base + 100 + count > 65535) throw new Error(`--base-port ${opts.basePort} is not usable`);
  if (!Number.isInteger(replication) || replication < 1) throw new Error(`--replication must be >= 1, got ${opts.replication}`);
  const logger = createLogger(opts.logLevel);
  tolerateLmdbCommitRejections(logger);
  const members = new StaticMemberDirectory();
  const nodes: RunningMetaNode[] = [];
  for (let i = 0; i < count; i++) {
    const id = `meta-${base + i}`;
    members.set(id, `${opts.host}:${base + i}`);
    nodes.push(
      await startMetaNode({
        id,
        dir: join(opts.dataDir, id),
        raftBind: `${opts.host}:${base + 100 + i}`,
        grpcBind: `${opts.host}:${base + i}`,
        clusterId: 'minfs-local',
        members,
        logger,
        settings: { defaultReplication: replication },
      }),
    );
  }
  const configuration = { servers: nodes.map((n) => ({ id: n.node.settings.nodeId, address: n.raftAddress, suffrage: 'voter' as const })) };
  for (const n of nodes) {
    const outcome = await n.bootstrap(configuration);
    if (outcome.bootstrapped) break;
  }
  // Ready means a leader is elected: clients calling before that would only get UNAVAILABLE.
  const leaderId = await firstLeader(nodes);
  const dataServers: DataServer[] = [];
  for (let j = 0; j < dataServerCount; j++) {
    const id = `dataServer-${j + 1}`;
    const server = new DataServer({
      id,
      dataDir: join(opts.dataserverDir, id),
      listenAddress: `${opts.host}:${dataServerBase + j}`,
      metaServers: nodes.map((n) => n.grpc.address),
      logger,
    });
    await server.start();
    dataServers.push(server);
  }
  // Files can be written once the leader has heard from enough DataServers.
  await Promise.all(dataServers.map((d) => d.waitFor('heartbeat')));
  logger.info('local minfs cluster running; Ctrl-C stops it', {
    leader: leaderId,
    grpc: nodes.map((n) => n.grpc.address),
    raft: nodes.map((n) => n.raftAddress),
    dataServers: dataServers.map((d) => d.address),
    dataDir: opts.dataDir,
    blocksDir: opts.dataserverDir,
  });
  const stop = async (signal: string): Promise<void> => {
    logger.info('stopping', { signal });
    await Promise.allSettled(dataServers.map((d) => d.stop()));
    await Promise.allSettled(nodes.map((n) => n.stop()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** The id of the first leader any node learns of (at once if one is known already). */
function firstLeader(nodes: readonly RunningMetaNode[]): Promise<string> {
  return new Promise((resolve) => {
    const offs: (() => void)[] = [];
    const done = (id: string): void => {
      for (const off of offs) off();
      resolve(id);
    };
    for (const n of nodes) {
      offs.push(
        n.node.raft.on('leader-changed', ({ leaderId }) => {
          if (leaderId !== undefined) done(leaderId);
        }),
      );
    }
    const known = nodes.map((n) => n.node.raft.leader()?.id).find((id) => id !== undefined);
    if (known !== undefined) done(known);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`minfs-local-cluster failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
