/**
 * One Raft voter in its own process, for bench/raft-tcp (forked with an IPC channel; the
 * messages are in tcp-protocol.ts). LMDB stores (fsync on: the defaults) in DIR, a TcpTransport
 * on 127.0.0.1 port 0, a counting FSM. Writes nothing to stdout.
 *
 *   node dist/bench/support/raft-tcp-node.js ID DIR MAX_PENDING_APPLIES
 *
 * SIGTERM, or the parent going away, shuts it down cleanly: raft.shutdown(), transport.close(),
 * stores.close(), then exit (so `--cpu-prof` gets to write its profile).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { Raft, TcpTransport, defaultConfig } from '../../src/raft';
import { openLmdbRaftStores } from '../../src/raft/lmdb';
import { runClosedLoop } from './closed-loop';
import { CountingFsm } from './counting-fsm';
import { isParentMessage, type ChildMessage, type LoadCosts, type LoadSpec, type ParentMessage } from './tcp-protocol';
import { announceLeadership, describeError, exitAfterStopOnSignals } from '../../test/support/child-process/node-program';

const CLUSTER_ID = 'raft-tcp-bench';

function send(message: ChildMessage): void {
  if (process.send !== undefined && process.connected) process.send(message);
}

async function main(): Promise<void> {
  const [id, dir, maxPending] = process.argv.slice(2);
  if (id === undefined || dir === undefined || process.send === undefined) {
    throw new Error('usage (forked with IPC): raft-tcp-node.js ID DIR [MAX_PENDING_APPLIES]');
  }
  const stores = openLmdbRaftStores(dir);
  const transport = await TcpTransport.listen({ bindAddress: '127.0.0.1:0', clusterId: CLUSTER_ID, localId: id });
  const fsm = new CountingFsm();
  const config = { ...defaultConfig(id), maxPendingApplies: Number(maxPending ?? 65_536) };
  const raft = await Raft.create<number>({ config, fsm, logStore: stores.logs, stableStore: stores.stable, transport });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await raft.shutdown();
      await transport.close();
      await stores.close();
    })());
  exitAfterStopOnSignals(id, stop);

  announceLeadership(id, raft, (term) => send({ type: 'leader', id, term }));

  const runLoad = async (spec: LoadSpec): Promise<void> => {
    if (raft.state() !== 'leader') throw new Error(`${id} was asked to run the load but is ${raft.state()}`);
    let gcMs = 0;
    const gc = new PerformanceObserver((list) => list.getEntries().forEach((e) => (gcMs += e.duration)));
    gc.observe({ entryTypes: ['gc'] });
    const before = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), net: transport.stats(), at: performance.now() };
    const result = await runClosedLoop(raft, () => fsm.count, spec);
    gc.disconnect();
    const cpu = process.cpuUsage(before.cpu);
    const net = transport.stats();
    const seconds = (performance.now() - before.at) / 1000;
    const costs: LoadCosts = {
      cpu_ms_per_s: Math.round((cpu.user + cpu.system) / 1000 / seconds),
      event_loop_utilization: Math.round(performance.eventLoopUtilization(before.elu).utilization * 1000) / 1000,
      gc_ms_per_s: Math.round(gcMs / seconds),
      heap_used_mb: Math.round(process.memoryUsage().heapUsed / (1 << 20)),
      frames_sent: net.framesSent - before.net.framesSent,
      frames_received: net.framesReceived - before.net.framesReceived,
      bytes_sent: net.bytesSent - before.net.bytesSent,
    };
    send({ type: 'result', id, result, costs });
  };
  const onMessage = async (message: ParentMessage): Promise<void> => {
    if (message.type === 'configure') {
      if (message.bootstrap) await raft.bootstrapCluster({ servers: [...message.servers] });
    } else {
      await runLoad(message.spec);
    }
  };
  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) return;
    onMessage(message).catch((error: unknown) => send({ type: 'failed', id, message: describeError(error) }));
  });

  send({ type: 'listening', id, address: transport.localAddress });
}

main().catch((error: unknown) => {
  send({ type: 'failed', id: process.argv[2] ?? '?', message: describeError(error) });
  process.stderr.write(`raft-tcp-node failed: ${describeError(error)}\n`);
  process.exit(1);
});
