#!/usr/bin/env node
/**
 * The embedded default: a whole MetaServer cluster of N nodes in this one process, on loopback,
 * for trying minfs on one machine without any configuration. Node i serves gRPC on BASE+i-1
 * (9090, 9091, 9092 by default, where the easyClient and DataServers look) and Raft on
 * BASE+100+i-1, all inside the 8000-9999 range. Data lives in DIR/meta-i; a restart keeps it
 * (bootstrap happens only on a node without state). Ctrl-C stops every node cleanly.
 */
import { join } from 'node:path';
import { Command } from 'commander';
import { StaticMemberDirectory } from '../server/members';
import { startMetaNode, type RunningMetaNode } from './meta-node-assembly';
import { createLogger } from './winston-logger';

async function main(): Promise<void> {
  const opts = new Command()
    .name('minfs-local-cluster')
    .description('Starts a local MetaServer cluster in one process (gRPC on BASE.., Raft on BASE+100..)')
    .option('--nodes <n>', 'number of MetaServer nodes', '3')
    .option('--base-port <port>', 'gRPC port of the first node', '9090')
    .option('--host <host>', 'address to bind and advertise', '127.0.0.1')
    .option('--data-dir <dir>', 'where the nodes keep their data', 'workpublish/metaServer/data')
    .option('--replication <n>', 'replication factor of new files', '3')
    .option('--log-level <level>', 'debug | info | warn | error', 'info')
    .parse()
    .opts<{ nodes: string; basePort: string; host: string; dataDir: string; replication: string; logLevel: string }>();
  const count = Number(opts.nodes);
  const base = Number(opts.basePort);
  const replication = Number(opts.replication);
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`--nodes must be 1..9, got ${opts.nodes}`);
  if (!Number.isInteger(base) || base < 1 || base + 100 + count > 65535) throw new Error(`--base-port ${opts.basePort} is not usable`);
  if (!Number.isInteger(replication) || replication < 1) throw new Error(`--replication must be >= 1, got ${opts.replication}`);
  const logger = createLogger(opts.logLevel);
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
  logger.info('local MetaServer cluster running; Ctrl-C stops it', {
    leader: leaderId,
    grpc: nodes.map((n) => n.grpc.address),
    raft: nodes.map((n) => n.raftAddress),
    dataDir: opts.dataDir,
  });
  const stop = async (signal: string): Promise<void> => {
    logger.info('stopping', { signal });
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
