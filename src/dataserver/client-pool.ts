/**
 * One gRPC client (one channel) per address, created on first use and reused: a channel per call
 * would pay a TCP and HTTP/2 handshake for every 4 MiB block forwarded or copied.
 */
import * as grpc from '@grpc/grpc-js';
import { metaChannelCredentials, type MetaTlsOptions } from '../wire/meta-tls';
import { dataProto, metaProto } from '../wire/proto';
import type { DataServerServiceClient } from '../generated/dfs_project/DataServerService';
import type { MetaServerServiceClient } from '../generated/dfs_project/MetaServerService';
import { DATA_MESSAGE_BYTES, META_MESSAGE_BYTES } from './limits';
import { META_RECONNECT_OPTIONS } from '../wire/reconnect';

export class ClientPool<C extends grpc.Client> {
  private readonly clients = new Map<string, C>();
  private closed = false;

  constructor(private readonly create: (address: string) => C) {}

  get(address: string): C {
    if (this.closed) throw new Error('client pool is closed');
    let client = this.clients.get(address);
    if (!client) {
      client = this.create(address);
      this.clients.set(address, client);
    }
    return client;
  }

  close(): void {
    this.closed = true;
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

export function dataServerClients(): ClientPool<DataServerServiceClient> {
  const DataServerService = dataProto().dfs_project.DataServerService;
  const options: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': DATA_MESSAGE_BYTES,
    'grpc.max_send_message_length': DATA_MESSAGE_BYTES,
  };
  return new ClientPool((address) => new DataServerService(address, grpc.credentials.createInsecure(), options));
}

/** Clients of the MetaServers: over TLS when `tls` is given (config.yaml's tls.grpc on). */
export function metaServerClients(tls?: MetaTlsOptions): ClientPool<MetaServerServiceClient> {
  const MetaServerService = metaProto().dfs_project.MetaServerService;
  const options: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': META_MESSAGE_BYTES,
    'grpc.max_send_message_length': META_MESSAGE_BYTES,
    ...META_RECONNECT_OPTIONS,
  };
  // One credentials object for every channel: the CA and key are parsed once.
  const credentials = metaChannelCredentials(tls);
  return new ClientPool((address) => new MetaServerService(address, credentials, options));
}
