/**
 * The reference DataServer of minfs: DataServerService over gRPC on top of a block store on local
 * disk, heartbeats to the MetaServer leader, and the commands that come back. Several can run in one
 * process (tests, an in-process harness): everything is per instance, and start()/stop() leave no
 * timers, channels or servers behind.
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { DataServerServiceClient } from '../generated/dfs_project/DataServerService';
import type { MetaServerServiceClient } from '../generated/dfs_project/MetaServerService';
import { dataProto } from '../wire/proto';
import { formatHostPort, isWildcardHost, parseHostPort, SelfAddresses } from './addresses';
import type { BackoffSettings } from './backoff';
import { BlockCopier } from './block-copier';
import { BlockStore } from './block-store';
import { measureCapacity } from './capacity';
import { ClientPool, dataServerClients, metaServerClients } from './client-pool';
import { CommandRunner } from './command-runner';
import { dataServiceHandlers } from './data-service';
import type { DataServerEventMap, HeartbeatEvent } from './events';
import { HeartbeatLoop } from './heartbeat-loop';
import { LeaderFinder } from './leader-finder';
import { DATA_MESSAGE_BYTES } from './limits';
import { silentLogger, type DataServerLogger } from './logger';
import type { MetaTlsOptions } from '../wire/meta-tls';

export interface DataServerOptions {
  /** The DataServer's id in heartbeats (`dataServer_id`), stable across restarts. */
  readonly id: string;
  /** Where the blocks live (created if missing). */
  readonly dataDir: string;
  /** host:port to bind; port 0 picks a free port. Default 127.0.0.1:0. */
  readonly listenAddress?: string;
  /**
   * host:port that clients and other DataServers dial (`dataServer_addr`, the block locations).
   * Default: the listen host with the bound port; a wildcard listen host (0.0.0.0, ::) advertises
   * 127.0.0.1, which only works on one machine: give this for a real deployment. Port 0 here means
   * the bound port.
   */
  readonly advertiseAddress?: string;
  /** More addresses under which replica lists may name this server (besides the advertised and loopback forms). */
  readonly addressAliases?: readonly string[];
  /** MetaServer gRPC addresses for leader discovery. Empty: no heartbeats (a DataServer on its own). */
  readonly metaServers: readonly string[];
  /**
   * TLS to the MetaServers (config.yaml's tls.grpc on): `ca` verifies them, `cert` and `key` are
   * this DataServer's certificate for tls.grpc.require_client_cert. Absent: plaintext. The
   * DataServer's own port (block transfers) stays plaintext either way.
   */
  readonly metaTls?: MetaTlsOptions;
  /** Default 5000 (the original's period). */
  readonly heartbeatIntervalMs?: number;
  /** Deadline of a Heartbeat or GetLeader call. Default 5000. */
  readonly metaRpcTimeoutMs?: number;
  /** Backoff between attempts to find a leader after failures. Default 100 ms doubling up to 5000 ms. */
  readonly rediscoveryBackoff?: BackoffSettings;
  /** Reported total capacity in bytes instead of the filesystem's (tests, shared disks). */
  readonly capacityBytes?: number;
  /** Copies (COPY_BLOCK commands and CopyBlock calls) running at once. Default 4. */
  readonly maxConcurrentCopies?: number;
  /** Deadline of one copy's ReadBlock from the source. Default 60000. */
  readonly copyTimeoutMs?: number;
  /** Deadline of a WriteBlock forwarded down the replica chain. Default 60000. */
  readonly pipelineTimeoutMs?: number;
  /**
   * After a direct client's WriteBlock stream ends, how long to watch for a cancellation right behind
   * the end before the block counts as complete (overlapped with the local fsync; write-block.ts).
   * Default 5. Clients that send the end marker do not wait.
   */
  readonly endOfStreamGraceMs?: number;
  /** How long stop() lets calls under way finish before cutting them. Default 5000. */
  readonly shutdownGraceMs?: number;
  readonly logger?: DataServerLogger;
  /** Randomness of the backoff jitter, in [0, 1). */
  readonly random?: () => number;
}

interface Running {
  readonly server: grpc.Server;
  readonly address: string;
  readonly port: number;
  readonly copier: BlockCopier;
  readonly commands: CommandRunner;
  readonly heartbeats: HeartbeatLoop | undefined;
}

export class DataServer {
  /** heartbeat, heartbeat-failed, leader-changed, command-settled, block-write (events.ts). */
  readonly events = new EventEmitter<DataServerEventMap>();
  readonly store: BlockStore;
  private readonly logger: DataServerLogger;
  private readonly dataClients: ClientPool<DataServerServiceClient>;
  private readonly metaClients: ClientPool<MetaServerServiceClient>;
  private running: Running | undefined;
  private lastHeartbeat: HeartbeatEvent | undefined;
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: DataServerOptions) {
    if (options.id.trim() === '') throw new Error('a DataServer needs a non-empty id');
    // Bad addresses fail here, at construction, rather than as endless heartbeat failures later.
    for (const address of [options.listenAddress, options.advertiseAddress, ...options.metaServers])
      if (address !== undefined) parseHostPort(address);
    if (options.advertiseAddress !== undefined && isWildcardHost(parseHostPort(options.advertiseAddress).host)) {
      throw new Error(`advertise address ${options.advertiseAddress}: clients cannot dial a wildcard host`);
    }
    this.logger = options.logger ?? silentLogger;
    this.store = new BlockStore(options.dataDir, this.logger);
    this.dataClients = dataServerClients();
    this.metaClients = metaServerClients(options.metaTls);
    this.events.on('heartbeat', (event) => (this.lastHeartbeat = event));
  }

  get id(): string {
    return this.options.id;
  }

  /** The advertised address (what heartbeats report and clients dial); after start(). */
  get address(): string {
    return this.started().address;
  }

  /** The bound port; after start(). */
  get port(): number {
    return this.started().port;
  }

  /** Valid block ids held, ascending: what the next heartbeat reports. */
  blockIds(): number[] {
    return this.store.ids();
  }

  /** The MetaServer heartbeats currently go to, if known. */
  get metaLeader(): string | undefined {
    return this.running?.heartbeats?.currentLeader;
  }

  /** Opens the store, binds the gRPC server, then sends the first heartbeat at once. */
  async start(): Promise<void> {
    if (this.running || this.stopped) throw new Error(`DataServer ${this.id}: start() may be called once`);
    await this.store.open();
    const listen = parseHostPort(this.options.listenAddress ?? '127.0.0.1:0');
    const server = new grpc.Server({
      'grpc.max_receive_message_length': DATA_MESSAGE_BYTES,
      'grpc.max_send_message_length': DATA_MESSAGE_BYTES,
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(formatHostPort(listen.host, listen.port), grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    if (this.stopped) {
      server.forceShutdown(); // stop() came while binding
      throw new Error(`DataServer ${this.id} was stopped while starting`);
    }
    const address = this.advertisedAddress(listen.host, port);
    const self = new SelfAddresses(address, port, this.options.addressAliases);
    const copier = new BlockCopier({
      store: this.store,
      self,
      dataClients: this.dataClients,
      logger: this.logger,
      maxConcurrentCopies: this.options.maxConcurrentCopies ?? 4,
      copyTimeoutMs: this.options.copyTimeoutMs ?? 60_000,
    });
    server.addService(
      dataProto().dfs_project.DataServerService.service,
      dataServiceHandlers({
        store: this.store,
        self,
        dataClients: this.dataClients,
        logger: this.logger,
        pipelineTimeoutMs: this.options.pipelineTimeoutMs ?? 60_000,
        endOfStreamGraceMs: this.options.endOfStreamGraceMs ?? 5,
        onWriteSettled: (event) => this.events.emit('block-write', event),
        copier,
      }),
    );
    const commands = new CommandRunner(this.store, copier, this.logger, (event) => this.events.emit('command-settled', event));
    const heartbeats = this.options.metaServers.length > 0 ? this.heartbeatLoop(address, commands) : undefined;
    this.running = { server, address, port, copier, commands, heartbeats };
    this.logger.info('DataServer listening', { id: this.id, address, bound: formatHostPort(listen.host, port), blocks: this.store.count });
    heartbeats?.start();
  }

  /** Stops heartbeats, aborts copies, drains the gRPC server (cutting what is left after the grace period), closes channels. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  /**
   * Resolves with the first `event` for which `matches` holds. For heartbeats, the last one answered
   * counts too, so `waitFor('heartbeat', (h) => h.sequence >= 3)` never misses one that came first.
   */
  waitFor<K extends keyof DataServerEventMap>(
    event: K,
    matches: (...args: DataServerEventMap[K]) => boolean = () => true,
  ): Promise<DataServerEventMap[K][0]> {
    if (event === 'heartbeat' && this.lastHeartbeat && (matches as (h: HeartbeatEvent) => boolean)(this.lastHeartbeat)) {
      return Promise.resolve(this.lastHeartbeat as DataServerEventMap[K][0]);
    }
    return new Promise((resolve) => {
      const listener = (...args: DataServerEventMap[K]): void => {
        if (!matches(...args)) return;
        this.events.off(event, listener as never);
        resolve(args[0]);
      };
      this.events.on(event, listener as never);
    });
  }

  private heartbeatLoop(address: string, commands: CommandRunner): HeartbeatLoop {
    const rpcTimeoutMs = this.options.metaRpcTimeoutMs ?? 5_000;
    return new HeartbeatLoop({
      dataServerId: this.id,
      advertisedAddress: address,
      store: this.store,
      capacity: () => measureCapacity(this.options.dataDir, this.store.bytesUsed, this.options.capacityBytes),
      finder: new LeaderFinder(this.options.metaServers, this.metaClients, rpcTimeoutMs, this.logger, this.options.metaTls),
      metaClients: this.metaClients,
      intervalMs: this.options.heartbeatIntervalMs ?? 5_000,
      rpcTimeoutMs,
      backoff: this.options.rediscoveryBackoff ?? { initialMs: 100, maxMs: 5_000 },
      random: this.options.random ?? Math.random,
      logger: this.logger,
      listener: {
        heartbeat: (event) => this.events.emit('heartbeat', event),
        failed: (event) => this.events.emit('heartbeat-failed', event),
        leaderChanged: (event) => this.events.emit('leader-changed', event),
        commands: (list) => commands.dispatch(list),
      },
    });
  }

  private advertisedAddress(listenHost: string, boundPort: number): string {
    if (this.options.advertiseAddress === undefined) {
      if (isWildcardHost(listenHost))
        this.logger.warn('listening on a wildcard host; advertising 127.0.0.1 (set the advertise address for other hosts)');
      return formatHostPort(isWildcardHost(listenHost) ? '127.0.0.1' : listenHost, boundPort);
    }
    const advertised = parseHostPort(this.options.advertiseAddress);
    return formatHostPort(advertised.host, advertised.port === 0 ? boundPort : advertised.port);
  }

  private started(): Running {
    if (!this.running) throw new Error(`DataServer ${this.id} is not started`);
    return this.running;
  }

  private async shutdown(): Promise<void> {
    const running = this.running;
    if (running) {
      await running.heartbeats?.stop();
      await running.copier.stop();
      await running.commands.drain();
      await drainServer(running.server, this.options.shutdownGraceMs ?? 5_000);
    }
    this.dataClients.close();
    this.metaClients.close();
    this.logger.info('DataServer stopped', { id: this.id });
  }
}

/** Lets calls under way finish (up to `graceMs`), then cuts the rest. */
function drainServer(server: grpc.Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
