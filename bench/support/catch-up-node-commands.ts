/**
 * What a bench/catch-up node process does when its parent asks (catch-up-protocol.ts): load keys,
 * snapshot, run and stop the overwrite traffic, watch for a snapshot transfer, tell when it has
 * caught up, report and digest. Apart from the process's setup (catch-up-node.ts) so each file
 * holds one concern.
 */
import type { Raft, TcpTransport } from '../../src/raft';
import type { LmdbKvFsm } from '../../test/support/lmdb-kv/lmdb-kv-fsm';
import type { KvResult } from '../../test/support/process-cluster/kv-fsm';
import type { ChildMessage, ParentMessage } from './catch-up-protocol';
import { runFixedLoad } from './fixed-load';
import type { LoopDelay } from './loop-delay';
import { OverwriteLoop } from './overwrite-loop';
import type { PeakRss } from './peak-rss';
import { wallNow } from './snapshot-protocol';
import type { TimelineLogger } from './timeline-logger';
import { TransferWatch } from './transfer-watch';

/** How often a node waiting to catch up looks at its applied index: the catch-up time's resolution. */
const CATCH_UP_POLL_MS = 5;

export interface NodeParts {
  readonly id: string;
  readonly raft: Raft<KvResult>;
  readonly fsm: LmdbKvFsm;
  readonly transport: TcpTransport;
  readonly logger: TimelineLogger;
  readonly rss: PeakRss;
  readonly loopDelay: LoopDelay;
  readonly send: (message: ChildMessage) => void;
}

export class NodeCommands {
  private readonly watch: TransferWatch;
  private writes: OverwriteLoop | undefined;
  private catchUpTimer: NodeJS.Timeout | undefined;
  /** Transport counters when the current window began (process start, or `watch-transfer`). */
  private netBase = { bytesSent: 0, bytesReceived: 0 };

  constructor(private readonly node: NodeParts) {
    this.watch = new TransferWatch(() => node.raft.stats().snapshotsSending);
  }

  async handle(message: ParentMessage): Promise<void> {
    const { id, raft, send } = this.node;
    switch (message.type) {
      case 'configure':
        await raft.bootstrapCluster({ servers: [...message.servers] });
        return;
      case 'load':
        this.mustLead('load');
        send({ type: 'loaded', id, result: await runFixedLoad(raft, message.first, message.count, message.concurrency) });
        return;
      case 'snapshot':
        return this.snapshot();
      case 'stats':
        send({ type: 'stats', id, stats: raft.stats() });
        return;
      case 'writes-start':
        this.mustLead('write');
        if (this.writes !== undefined) throw new Error('writes already running');
        this.writes = new OverwriteLoop(raft, message.concurrency, message.keys, message.seed);
        return;
      case 'writes-stop': {
        const writes = this.writes;
        if (writes === undefined) throw new Error('no writes running');
        this.writes = undefined;
        await writes.stop();
        send({ type: 'writes-stopped', id, windows: message.windows.map((w) => writes.timeline.window(w)), errors: writes.errors });
        return;
      }
      case 'watch-transfer':
        this.watchTransfer();
        return;
      case 'catch-up':
        this.catchUp(message.target);
        return;
      case 'report':
        this.report();
        return;
      case 'digest':
        send({ type: 'digest', id, digest: await this.node.fsm.digest() });
        return;
    }
  }

  /** Stops what runs on its own (writers, pollers) before the node shuts down. */
  async stop(): Promise<void> {
    this.watch.stop();
    clearInterval(this.catchUpTimer);
    await this.writes?.stop();
  }

  private mustLead(what: string): void {
    const state = this.node.raft.state();
    if (state !== 'leader') throw new Error(`${this.node.id} was asked to ${what} but is ${state}`);
  }

  private async snapshot(): Promise<void> {
    const { id, raft, loopDelay, send } = this.node;
    loopDelay.reset();
    const started = performance.now();
    const meta = await raft.snapshot();
    if (meta === undefined) throw new Error('raft.snapshot() took no snapshot');
    const takeMs = Math.round(performance.now() - started);
    const snapshot = { index: meta.index, size: meta.size, takeMs, firstLogIndex: raft.stats().firstLogIndex, loopDelay: loopDelay.read() };
    send({ type: 'snapshotted', id, snapshot });
  }

  private watchTransfer(): void {
    const { id, transport, rss, loopDelay, send } = this.node;
    rss.reset();
    loopDelay.reset();
    const net = transport.stats();
    this.netBase = { bytesSent: net.bytesSent, bytesReceived: net.bytesReceived };
    this.watch.start();
    send({ type: 'watching', id });
  }

  private catchUp(target: number): void {
    const { id, raft, send } = this.node;
    clearInterval(this.catchUpTimer);
    const check = (): void => {
      const applied = raft.stats().appliedIndex;
      if (applied < target) return;
      clearInterval(this.catchUpTimer);
      send({ type: 'caught-up', id, index: applied, at: wallNow() });
    };
    this.catchUpTimer = setInterval(check, CATCH_UP_POLL_MS);
    check();
  }

  private report(): void {
    const { id, transport, rss, loopDelay, logger, send } = this.node;
    const net = transport.stats();
    send({
      type: 'report',
      id,
      report: {
        rss: rss.read(),
        loopDelay: loopDelay.read(),
        sendingStartedAt: this.watch.startedAt,
        sendingEndedAt: this.watch.endedAt,
        logged: logger.logged(),
        bytesSent: net.bytesSent - this.netBase.bytesSent,
        bytesReceived: net.bytesReceived - this.netBase.bytesReceived,
        dropped: net.dropped,
      },
    });
  }
}
