/**
 * Sends a request that must be served by the leader (writes, linearizable reads on a follower) to
 * the leader, as the same RPC, and hands its answer back: the client never learns it asked a
 * follower. A forwarded call is marked so the receiver never forwards it again: if that node is
 * not the leader either (leadership moved meanwhile), it answers UNAVAILABLE, which the client
 * retries after rediscovering the leader.
 */
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { ServiceError, unavailable } from './service-error';
import { META_RECONNECT_OPTIONS } from '../wire/reconnect';

export const FORWARDED_BY_HEADER = 'x-minfs-forwarded-by';

/** Deadline of a forwarded call when the original call has none. */
const DEFAULT_FORWARD_TIMEOUT_MS = 30_000;

export class Forwarder {
  private readonly clients = new Map<string, grpc.Client>();

  constructor(
    private readonly selfId: string,
    /** TLS when the MetaServers' gRPC ports have it (see grpc-tls.ts). */
    private readonly credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  ) {}

  forward<Req, Res, ReqOut, ResOut>(
    address: string,
    method: MethodDefinition<Req, Res, ReqOut, ResOut>,
    request: Req,
    incoming: grpc.Metadata,
    deadline: grpc.Deadline | undefined,
  ): Promise<ResOut> {
    const client = this.clientFor(address);
    const metadata = incoming.clone();
    metadata.set(FORWARDED_BY_HEADER, this.selfId);
    const effective = deadline === undefined || deadline === Infinity ? Date.now() + DEFAULT_FORWARD_TIMEOUT_MS : deadline;
    return new Promise<ResOut>((resolve, reject) => {
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        metadata,
        { deadline: effective },
        (error, response) => {
          if (error) {
            // The leader's own status passes through; a transport failure is the leader being unreachable.
            const code = error.code === grpc.status.UNKNOWN || error.code === grpc.status.CANCELLED ? grpc.status.UNAVAILABLE : error.code;
            reject(
              code === grpc.status.UNAVAILABLE && error.details === ''
                ? unavailable(`the leader at ${address} is unreachable`)
                : new ServiceError(code, error.details),
            );
          } else if (response === undefined) reject(unavailable(`the leader at ${address} sent no answer`));
          else resolve(response);
        },
      );
    });
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private clientFor(address: string): grpc.Client {
    let client = this.clients.get(address);
    if (client === undefined) {
      client = new grpc.Client(address, this.credentials, META_RECONNECT_OPTIONS);
      this.clients.set(address, client);
    }
    return client;
  }
}
