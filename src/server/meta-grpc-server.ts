/**
 * One MetaServer's gRPC front: the MetaServerService bound on an address, with the forwarder to the
 * leader and the trash purger that recursive deletes rely on.
 */
import * as grpc from '@grpc/grpc-js';
import { adminDefinition, adminHandlers } from './admin/admin-service';
import { instrumentService } from './metrics/grpc-metrics';
import { nodeMetrics } from './metrics/node-metrics';
import { Forwarder } from './forwarder';
import { grpcPeerCredentials, grpcServerCredentials, type GrpcTlsOptions } from './grpc-tls';
import type { MetaNode } from './meta-node';
import { metaServerBinding, metaServiceHandlers } from './meta-service';
import { TrashPurger } from './trash-purger';

/** Message size limit both ways: a full listing of a large directory is bigger than grpc-js's 4 MiB default. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export class MetaGrpcServer {
  private constructor(
    private readonly server: grpc.Server,
    private readonly forwarder: Forwarder,
    readonly purger: TrashPurger,
    /** "host:port" actually bound (port 0 resolved). */
    readonly address: string,
  ) {}

  /** `tls`: serve TLS (and forward to the leader over TLS); absent: plaintext both ways. */
  static async start(node: MetaNode, bindAddress: string, tls?: GrpcTlsOptions): Promise<MetaGrpcServer> {
    const server = new grpc.Server({
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      'grpc.enable_channelz': 0,
    });
    const credentials = grpcServerCredentials(tls);
    const forwarder = new Forwarder(node.settings.nodeId, grpcPeerCredentials(tls));
    const purger = new TrashPurger(node);
    server.addService(metaServerBinding(), metaServiceHandlers(node, forwarder, purger));
    let bound = bindAddress;
    const admin = adminHandlers(node, { version: node.settings.version ?? 'unknown', grpcAddress: () => bound });
    server.addService(adminDefinition(), instrumentService(adminDefinition(), admin, nodeMetrics(node).grpc));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(bindAddress, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    const host = bindAddress.slice(0, bindAddress.lastIndexOf(':'));
    bound = `${host}:${port}`;
    return new MetaGrpcServer(server, forwarder, purger, bound);
  }

  /** Stops taking calls, lets calls under way finish (up to `graceMs`), then cuts the rest. */
  async stop(graceMs = 5_000): Promise<void> {
    await this.purger.stop();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    this.forwarder.close();
  }
}
