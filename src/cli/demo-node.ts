#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { Command } from 'commander';
import { Raft, defaultConfig, type RaftMessage, type Transport } from '../raft/index';
import { FileSnapshotStore } from '../raft/file-snapshot-store/index';
import { openLmdbRaftStores } from '../raft/lmdb/index';
import { DemoKvFsm } from './demo-kv-fsm';
import { loadMetaServerConfig } from './meta-server-config';
import { createLogger } from './winston-logger';

/** A lone node talks to nobody: its transport only has to exist. */
function loneTransport(address: string): Transport {
  return { localAddress: address, send: (_to: string, _m: RaftMessage) => {}, setHandler: () => {}, close: () => Promise.resolve() };
}

/**
 * The demo: one local Raft node on real LMDB stores and a file snapshot store, with a key-value
 * FSM. It bootstraps itself (idempotently: a restart keeps its data, restoring the newest snapshot
 * and replaying the log after it), writes a counter every second and logs its state.
 */
async function main(): Promise<void> {
  const program = new Command()
    .name('demo-node')
    .description('Starts a single local Raft node with an in-process demo key-value FSM')
    .option('--config <file>', 'configuration file (the Raft timings of its raft: section)', 'config.yaml')
    .option('--data-dir <dir>', 'data directory', './data/demo')
    .option('--node-id <id>', 'Raft server id', 'demo-1')
    .option('--log-level <level>', 'debug | info | warn | error', 'info')
    .parse();
  const opts = program.opts<{ config: string; dataDir: string; nodeId: string; logLevel: string }>();
  const config = loadMetaServerConfig(opts.config);
  if (Array.isArray(config)) {
    for (const p of config) process.stderr.write(`config error: ${p}\n`);
    process.exit(2);
  }
  const loaded = {
    id: opts.nodeId,
    dataDir: opts.dataDir,
    raft: { ...defaultConfig(opts.nodeId), ...config.raft, deferSnapshotCopies: false },
  }; // the demo FSM lives in memory
  const logger = createLogger(opts.logLevel);
  mkdirSync(loaded.dataDir, { recursive: true });
  const stores = openLmdbRaftStores(`${loaded.dataDir}/raft`);
  const snapshotStore = await FileSnapshotStore.open(`${loaded.dataDir}/snapshots`, { logger });
  const fsm = new DemoKvFsm();
  const address = `local:${loaded.id}`;
  const raft = await Raft.create({
    config: loaded.raft,
    fsm,
    logStore: stores.logs,
    stableStore: stores.stable,
    snapshotStore,
    transport: loneTransport(address),
    logger,
  });
  await raft.bootstrapCluster({ servers: [{ id: loaded.id, address, suffrage: 'voter' }] });

  let counter = 0;
  const tick = setInterval(() => {
    if (raft.state() !== 'leader') return;
    raft.apply(new TextEncoder().encode(`counter=${++counter}`)).then(
      () => {
        const s = raft.stats();
        logger.info('demo write applied', {
          key: 'counter',
          value: counter,
          term: s.term,
          commitIndex: s.commitIndex,
          appliedIndex: s.appliedIndex,
        });
      },
      (error: unknown) => logger.warn('demo write failed', { error: String(error) }),
    );
  }, 1000);

  const stop = async (signal: string): Promise<void> => {
    clearInterval(tick);
    logger.info('stopping', { signal });
    await raft.shutdown();
    await stores.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  logger.info('demo node running; Ctrl-C stops it', { id: loaded.id, dataDir: loaded.dataDir });
}

main().catch((error: unknown) => {
  process.stderr.write(`demo-node failed: ${String(error)}\n`);
  process.exit(1);
});
