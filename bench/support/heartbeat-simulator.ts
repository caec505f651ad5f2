/**
 * Simulated DataServers for bench/heartbeats, in their own process (so their gRPC encoding does not
 * share a CPU budget with the measuring client). Driven over IPC:
 *
 *   parent -> sim  start   { meta, dataservers, blocks, intervalMs, replication }
 *   sim -> parent  phase   { phase: 'registered' | 'populated' | 'settled', detail }
 *   parent -> sim  pause   { paused }            stop / resume heartbeating
 *   parent -> sim  measure                       start a latency window
 *   parent -> sim  report                        -> latency { p50_ms, p99_ms, count, errors }
 *
 * Each simulated server heartbeats every intervalMs, the servers spread evenly over the interval
 * (open loop: a slow leader does not slow the senders). After registering, the simulator allocates
 * files whose blocks the leader places on the servers (replication `replication`), finalizes them,
 * and from then on every server reports exactly the blocks the block map gives it.
 */
import * as grpc from '@grpc/grpc-js';
import { MetaClient } from '../../test/support/meta-cluster/meta-client';
import { metaProto } from '../../src/wire/proto';
import { LatencyRecorder } from './latency';

interface Start {
  readonly type: 'start';
  readonly meta: string;
  readonly dataservers: number;
  readonly blocks: number;
  readonly intervalMs: number;
  readonly replication: number;
}
type FromParent = Start | { readonly type: 'pause'; readonly paused: boolean } | { readonly type: 'measure' } | { readonly type: 'report' };

const BLOCK = 4 * 1024 * 1024;
/** Blocks per allocated file: one log entry each (2,000 x 3 placements). */
const BLOCKS_PER_FILE = 2_000;
const GiB = 1024 ** 3;

/** Retries a call the cluster could not answer (an election under the load): a bench must not die of one. */
async function retried<T>(call: () => Promise<T>, beforeRetry: () => Promise<void>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error: unknown) {
      if (attempt >= 20) throw error;
      process.stderr.write(`# simulator: retrying after ${String(error)}\n`);
      await beforeRetry();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function send(message: object): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const start = await new Promise<Start>((resolve) => {
    process.on('message', (m: FromParent) => {
      if (m.type === 'start') resolve(m);
    });
  });
  const metaAddresses = start.meta.split(',');
  let client = new MetaClient(metaAddresses[0]!);
  /** Like a DataServer: after UNAVAILABLE, ask any MetaServer who leads and go there. */
  let finding: Promise<void> | undefined;
  const findLeader = (): Promise<void> =>
    (finding ??= (async () => {
      for (const address of metaAddresses) {
        const probe = new MetaClient(address);
        try {
          const answer = await probe.call('GetLeader', {});
          if (answer.leader !== null && answer.leader !== undefined) {
            const leader = `${answer.leader.host}:${answer.leader.port}`;
            if (leader !== client.address) {
              client.close();
              client = new MetaClient(leader);
            }
            return;
          }
        } catch {
          // try the next one
        } finally {
          probe.close();
        }
      }
    })().finally(() => (finding = undefined)));
  const ids = Array.from({ length: start.dataservers }, (_, i) => `sim-${String(i).padStart(5, '0')}`);
  const addressOf = (i: number): string => `127.0.0.1:${20_000 + i}`;
  const reports: number[][] = ids.map(() => []);
  let paused = false;
  let latency = new LatencyRecorder();
  let errors = 0;
  let round = 0;
  const answered = new Array<number>(ids.length).fill(-1);
  /**
   * Each server's HeartbeatRequest, encoded once per change of its report: a real DataServer runs
   * on its own machine, so the simulator must not spend the cluster's CPU re-encoding 10,000 ids
   * 200 times a second. Sent as raw bytes through a pass-through client.
   */
  const encoded: (Buffer | undefined)[] = [];
  const serialize = metaProto().dfs_project.MetaServerService.service.Heartbeat.requestSerialize;
  const encodeHeartbeat = (i: number): Buffer =>
    serialize({
      dataServer_id: ids[i]!,
      dataServer_addr: addressOf(i),
      block_count: reports[i]!.length,
      free_space: 500 * GiB,
      total_capacity: 1000 * GiB,
      block_ids_report: reports[i]!,
    });
  const rawClients = new Map<string, grpc.Client>();
  const rawHeartbeat = (address: string, bytes: Buffer): Promise<void> => {
    let raw = rawClients.get(address);
    if (raw === undefined) {
      raw = new grpc.Client(address, grpc.credentials.createInsecure());
      rawClients.set(address, raw);
    }
    const channel = raw;
    return new Promise((resolve, reject) => {
      channel.makeUnaryRequest(
        '/dfs_project.MetaServerService/Heartbeat',
        (b: Buffer) => b,
        (b: Buffer) => b,
        bytes,
        new grpc.Metadata(),
        { deadline: Date.now() + 30_000 },
        (error: grpc.ServiceError | null) => (error === null ? resolve() : reject(error)),
      );
    });
  };

  // Like a real DataServer, each one sends its next heartbeat only once the last was answered: a
  // slot that comes due while its heartbeat is still out is skipped.
  const waiting = new Array<boolean>(ids.length).fill(false);
  const heartbeat = (i: number, r: number): void => {
    if (waiting[i]) return;
    waiting[i] = true;
    const began = process.hrtime.bigint();
    const bytes = (encoded[i] ??= encodeHeartbeat(i));
    rawHeartbeat(client.address, bytes).then(
      () => {
        waiting[i] = false;
        latency.record(began, process.hrtime.bigint());
        answered[i] = r;
      },
      () => {
        waiting[i] = false;
        errors++;
        void findLeader();
      },
    );
  };
  // Open loop: every few ms, send the heartbeats that fell due.
  const t0 = Date.now();
  const slot = start.intervalMs / ids.length;
  let next = 0;
  const timer = setInterval(() => {
    const due = Math.floor((Date.now() - t0) / slot);
    for (; next <= due; next++) {
      const i = next % ids.length;
      round = Math.floor(next / ids.length);
      if (!paused) heartbeat(i, round);
    }
  }, 5);
  const roundAnswered = async (r: number): Promise<void> => {
    while (answered.some((a) => a < r)) await new Promise((resolve) => setTimeout(resolve, 100));
  };

  process.on('message', (m: FromParent) => {
    if (m.type === 'pause') paused = m.paused;
    else if (m.type === 'measure') {
      latency = new LatencyRecorder();
      errors = 0;
    } else if (m.type === 'report') {
      const [p50, p99] = latency.percentiles([0.5, 0.99]);
      send({ type: 'latency', p50_ms: p50, p99_ms: p99, count: latency.count, errors });
    }
  });

  await roundAnswered(0);
  send({ type: 'phase', phase: 'registered', detail: { dataservers: ids.length } });

  // Blocks: ceil(servers x blocks / replication), in files of BLOCKS_PER_FILE blocks.
  const byAddress = new Map(ids.map((_, i) => [addressOf(i), i]));
  let remaining = Math.ceil((start.dataservers * start.blocks) / start.replication);
  await client.call('CreateNode', { path: '/sim', type: 'Directory', parents: true });
  for (let f = 0; remaining > 0; f++) {
    const count = Math.min(BLOCKS_PER_FILE, remaining);
    remaining -= count;
    // A retry after an election reuses the request id: the allocation happens at most once.
    const path = `/sim/f${f}`;
    const placed = await retried(() => client.call('GetBlockLocations', { path, size: count * BLOCK, request_id: `alloc-${f}` }, new grpc.Metadata(), 120_000), findLeader);
    // Like real DataServers, each server reports a block from the heartbeat after it was written
    // (here: at once), not only after the whole fill: a finalized block nobody reports is lost.
    for (const b of placed.block_locations) {
      for (const address of b.locations) {
        const i = byAddress.get(address)!;
        reports[i]!.push(Number(b.block_id));
        encoded[i] = undefined;
      }
    }
    await retried(() => client.call('FinalizeWrite', { path, inode: placed.inode, size: count * BLOCK, md5: '', request_id: `final-${f}` }), findLeader);
  }
  for (const r of reports) r.sort((a, b) => a - b);
  encoded.length = 0; // encode the sorted reports again
  const populatedAt = round + 1;
  send({ type: 'phase', phase: 'populated', detail: { blocks: reports.reduce((n, r) => n + r.length, 0) } });
  // Three full rounds: the leader has compared every report with the block map by then.
  await roundAnswered(populatedAt + 3);
  send({ type: 'phase', phase: 'settled', detail: { round } });
  process.on('disconnect', () => {
    clearInterval(timer);
    client.close();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`heartbeat simulator failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
