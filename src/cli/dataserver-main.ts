#!/usr/bin/env node
/**
 * One reference DataServer process: serves DataServerService on --listen, stores blocks under
 * --data, heartbeats to the MetaServer leader found through --meta. Prints one JSON line
 * {"event":"listening","id":...,"address":...} on stdout once it accepts calls (scripts and tests
 * parse it); SIGTERM or SIGINT stops heartbeats, drains the gRPC server and exits 0.
 *
 * With --meta-ca (and --meta-cert/--meta-key for MetaServers that require client certificates)
 * heartbeats and leader lookups go over TLS, for a cluster with config.yaml's tls.grpc on. Like
 * every other setting these are flags only, which build.sh's start.sh passes. The DataServer's own
 * port (block transfers with clients and other DataServers) stays plaintext.
 */
import { Command, InvalidArgumentError } from 'commander';
import { DataServer } from '../dataserver';
import { loadTlsFiles, TlsFilesError, type TlsFiles } from './tls-files';
import { createLogger } from './winston-logger';

interface Flags {
  id: string;
  listen: string;
  advertise?: string;
  data: string;
  meta: string;
  heartbeatMs: number;
  capacityBytes?: number;
  maxCopies: number;
  logLevel: string;
  metaCa?: string;
  metaCert?: string;
  metaKey?: string;
}

function positiveInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive integer, got ${value}`);
    return n;
  };
}

function metaTlsFiles(flags: Flags): TlsFiles {
  const files: TlsFiles = {};
  if (flags.metaCa !== undefined) files.ca = { path: flags.metaCa, from: '--meta-ca' };
  if (flags.metaCert !== undefined) files.cert = { path: flags.metaCert, from: '--meta-cert' };
  if (flags.metaKey !== undefined) files.key = { path: flags.metaKey, from: '--meta-key' };
  return files;
}

async function main(): Promise<void> {
  const flags = new Command()
    .name('minfs-dataserver')
    .description('The reference minfs DataServer: stores blocks, heartbeats to the MetaServer leader')
    .requiredOption('--id <id>', 'DataServer id reported in heartbeats (stable across restarts)')
    .option('--listen <host:port>', 'address to bind (port 0: any free port)', '127.0.0.1:0')
    .option('--advertise <host:port>', 'address clients dial (default: the listen host and the bound port)')
    .requiredOption('--data <dir>', 'data directory (blocks/ and tmp/ live there)')
    .option('--meta <addresses>', 'MetaServer gRPC addresses, comma-separated (empty: no heartbeats)', '')
    .option('--heartbeat-ms <ms>', 'heartbeat interval', positiveInteger('--heartbeat-ms'), 5000)
    .option('--capacity-bytes <bytes>', 'report this total capacity instead of the filesystem size', positiveInteger('--capacity-bytes'))
    .option('--max-copies <n>', 'block copies running at once', positiveInteger('--max-copies'), 4)
    .option('--log-level <level>', 'debug | info | warn | error', 'info')
    .option('--meta-ca <file>', 'TLS to the MetaServers (their tls.grpc on): PEM CA their certificates chain to')
    .option('--meta-cert <file>', 'PEM client certificate for MetaServers with tls.grpc.require_client_cert')
    .option('--meta-key <file>', 'PEM private key of --meta-cert')
    .parse()
    .opts<Flags>();
  const metaTls = loadTlsFiles(metaTlsFiles(flags));

  const logger = createLogger(flags.logLevel);
  const server = new DataServer({
    id: flags.id,
    dataDir: flags.data,
    listenAddress: flags.listen,
    advertiseAddress: flags.advertise,
    metaServers: flags.meta
      .split(',')
      .map((address) => address.trim())
      .filter((address) => address !== ''),
    heartbeatIntervalMs: flags.heartbeatMs,
    capacityBytes: flags.capacityBytes,
    maxConcurrentCopies: flags.maxCopies,
    metaTls,
    logger,
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      process.stderr.write(`# ${flags.id}: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    logger.info('stopping', { id: flags.id, signal });
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `# ${flags.id}: shutdown failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  await server.start();
  process.stdout.write(`${JSON.stringify({ event: 'listening', id: server.id, address: server.address })}\n`);
}

main().catch((error: unknown) => {
  // Every problem with the TLS files on a line of its own, as the MetaServer reports its config.
  const lines = error instanceof TlsFilesError ? error.problems : [error instanceof Error ? error.message : String(error)];
  for (const line of lines) process.stderr.write(`minfs-dataserver: ${line}\n`);
  process.exit(1);
});
