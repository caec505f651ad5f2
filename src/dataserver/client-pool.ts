/**
 * One gRPC client (one channel) per address, created on first use and reused: a channel per call
 * would pay a TCP and HTTP/2 handshake for every 4 MiB block forwarded or copied.
 */
import * as grpc from '@grpc/grpc-js';
import { dataProto, metaProto } from '../wire/proto';
import type { DataServerServiceClient } from '../generated/dfs_project/DataServerService';
import type { MetaServerServiceClient } from '../generated/dfs_project/MetaServerService';
import { DATA_MESSAGE_BYTES, META_MESSAGE_BYTES } from './limits';

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

export function metaServerClients(): ClientPool<MetaServerServiceClient> {
  const MetaServerService = metaProto().dfs_project.MetaServerService;
  const options: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': META_MESSAGE_BYTES,
    'grpc.max_send_message_length': META_MESSAGE_BYTES,
  };
  return new ClientPool((address) => new MetaServerService(address, grpc.credentials.createInsecure(), options));
}
