#!/usr/bin/env node
/**
 * One reference DataServer process: serves DataServerService on --listen, stores blocks under
 * --data, heartbeats to the MetaServer leader found through --meta. Prints one JSON line
 * {"event":"listening","id":...,"address":...} on stdout once it accepts calls (scripts and tests
 * parse it); SIGTERM or SIGINT stops heartbeats, drains the gRPC server and exits 0.
 */
import { Command, InvalidArgumentError } from 'commander';
import { DataServer } from '../dataserver';
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
}

function positiveInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive integer, got ${value}`);
    return n;
  };
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
    .parse()
    .opts<Flags>();

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
  process.stderr.write(`minfs-dataserver: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
