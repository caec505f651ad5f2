/**
 * One MetaServer's gRPC front: the MetaServerService bound on an address, with the forwarder to the
 * leader and the trash purger that recursive deletes rely on.
 */
import * as grpc from '@grpc/grpc-js';
import { Forwarder } from './forwarder';
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

  static async start(node: MetaNode, bindAddress: string): Promise<MetaGrpcServer> {
    const server = new grpc.Server({
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      'grpc.enable_channelz': 0,
    });
    const forwarder = new Forwarder(node.settings.nodeId);
    const purger = new TrashPurger(node);
    server.addService(metaServerBinding(), metaServiceHandlers(node, forwarder, purger));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(bindAddress, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    const host = bindAddress.slice(0, bindAddress.lastIndexOf(':'));
    return new MetaGrpcServer(server, forwarder, purger, `${host}:${port}`);
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
