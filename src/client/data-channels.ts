/**
 * gRPC clients of the DataServers, one per address and reused for every block that lives there
 * (a file of many blocks touches the same few servers again and again). close() releases them all.
 */
import * as grpc from '@grpc/grpc-js';
import type { DataServerServiceClient } from '../generated/dfs_project/DataServerService';
import { dataProto } from '../wire/proto';

export class DataChannels {
  private readonly clients = new Map<string, DataServerServiceClient>();

  get(address: string): DataServerServiceClient {
    let client = this.clients.get(address);
    if (client === undefined) {
      client = new (dataProto().dfs_project.DataServerService)(address, grpc.credentials.createInsecure());
      this.clients.set(address, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
