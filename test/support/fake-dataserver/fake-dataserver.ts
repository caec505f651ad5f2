/**
 * An in-memory DataServer for client tests: WriteBlock and ReadBlock of dataserver.proto on a real
 * grpc-js server (port 0), blocks in a Map. A write to a primary also lands in the maps of the other
 * replica_locations that belong to the same FakeFleet, which stands in for the real DataServer's
 * replication. Switches make reads or writes fail in the ways a real one can.
 */
import * as grpc from '@grpc/grpc-js';
import type { DataServerServiceHandlers } from '../../../src/generated/dfs_project/DataServerService';
import type { HeartbeatRequest } from '../../../src/generated/dfs_project/HeartbeatRequest';
import type { ReadBlockRequest__Output } from '../../../src/generated/dfs_project/ReadBlockRequest';
import type { ReadBlockResponse } from '../../../src/generated/dfs_project/ReadBlockResponse';
import type { WriteBlockRequest__Output } from '../../../src/generated/dfs_project/WriteBlockRequest';
import type { WriteBlockResponse } from '../../../src/generated/dfs_project/WriteBlockResponse';
import { dataProto } from '../../../src/wire/proto';

/** How ReadBlock misbehaves: fail with a status, send half the block, or send it with one byte changed. */
export type ReadFault = 'none' | 'unavailable' | 'not-found' | 'data-loss' | 'short' | 'corrupt';
/** How WriteBlock misbehaves: fail with UNAVAILABLE, or answer success=false. */
export type WriteFault = 'none' | 'unavailable' | 'refuse';

const CHUNK = 64 * 1024;

export class FakeDataServer {
  readonly blocks = new Map<string, Buffer>();
  readFault: ReadFault = 'none';
  writeFault: WriteFault = 'none';
  /** How many more writes the writeFault applies to (then writes succeed again). */
  writeFaultCount = Number.POSITIVE_INFINITY;
  /** Block ids asked of ReadBlock, in order. */
  readonly reads: string[] = [];
  /** The metadata of every WriteBlock stream this server was the primary of. */
  readonly writes: { blockId: string; replicaLocations: string[]; bytes: number; largestChunk: number; ok: boolean }[] = [];

  /** "127.0.0.1:port", known once the server is bound. */
  address = '';

  private constructor(
    readonly id: string,
    private readonly server: grpc.Server,
  ) {}

  /**
   * `peers` finds the fakes that replica_locations name; `takeSharedWriteFault` lets a fleet fail
   * the next N writes whichever server they go to.
   */
  static async start(
    id: string,
    peers: (address: string) => FakeDataServer | undefined,
    takeSharedWriteFault: () => boolean = () => false,
  ): Promise<FakeDataServer> {
    const server = new grpc.Server();
    const fake = new FakeDataServer(id, server);
    const handlers: DataServerServiceHandlers = {
      WriteBlock: (call, callback) => fake.onWrite(call, callback, peers, takeSharedWriteFault),
      ReadBlock: (call) => fake.onRead(call),
      DeleteBlock: (call, callback) => callback(null, { success: fake.blocks.delete(call.request.block_id) }),
      CopyBlock: (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'the fake does not copy' }),
    };
    server.addService(dataProto().dfs_project.DataServerService.service, handlers);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    fake.address = `127.0.0.1:${port}`;
    return fake;
  }

  heartbeat(): HeartbeatRequest {
    return {
      dataServer_id: this.id,
      dataServer_addr: this.address,
      block_count: this.blocks.size,
      free_space: 1e12,
      total_capacity: 1e12,
      block_ids_report: [...this.blocks.keys()],
    };
  }

  stop(): void {
    this.server.forceShutdown();
  }

  private onWrite(
    call: grpc.ServerReadableStream<WriteBlockRequest__Output, WriteBlockResponse>,
    callback: grpc.sendUnaryData<WriteBlockResponse>,
    peers: (address: string) => FakeDataServer | undefined,
    takeSharedWriteFault: () => boolean,
  ): void {
    let blockId: string | undefined;
    let replicas: string[] = [];
    const chunks: Buffer[] = [];
    call.on('data', (message: WriteBlockRequest__Output) => {
      if (message.metadata) {
        blockId = message.metadata.block_id;
        replicas = message.metadata.replica_locations;
      } else if (message.chunk_data) chunks.push(message.chunk_data);
    });
    call.on('end', () => {
      if (blockId === undefined) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'no metadata' });
      const data = Buffer.concat(chunks);
      const write = {
        blockId,
        replicaLocations: replicas,
        bytes: data.length,
        largestChunk: Math.max(0, ...chunks.map((c) => c.length)),
        ok: false,
      };
      this.writes.push(write);
      if (takeSharedWriteFault()) return callback({ code: grpc.status.UNAVAILABLE, details: `fake ${this.id} fails this write` });
      if (this.writeFault !== 'none' && this.writeFaultCount > 0) {
        this.writeFaultCount--;
        if (this.writeFault === 'refuse') return callback(null, { success: false });
        return callback({ code: grpc.status.UNAVAILABLE, details: `fake ${this.id} refuses writes` });
      }
      write.ok = true;
      this.blocks.set(blockId, data);
      for (const address of replicas) if (address !== this.address) peers(address)?.blocks.set(blockId, data);
      callback(null, { success: true });
    });
  }

  private onRead(call: grpc.ServerWritableStream<ReadBlockRequest__Output, ReadBlockResponse>): void {
    const blockId = call.request.block_id;
    this.reads.push(blockId);
    const data = this.blocks.get(blockId);
    const fail = (code: grpc.status, details: string): void => void call.emit('error', { code, details });
    if (this.readFault === 'unavailable') return fail(grpc.status.UNAVAILABLE, `fake ${this.id} is unavailable`);
    if (data === undefined || this.readFault === 'not-found')
      return fail(grpc.status.NOT_FOUND, `block ${blockId} not found on ${this.id}`);
    if (this.readFault === 'data-loss') return fail(grpc.status.DATA_LOSS, `block ${blockId} is corrupt on ${this.id}`);
    let body = data;
    if (this.readFault === 'short') body = data.subarray(0, Math.floor(data.length / 2));
    if (this.readFault === 'corrupt') {
      body = Buffer.from(data);
      body[0] = body[0]! ^ 0xff;
    }
    for (let at = 0; at < body.length; at += CHUNK) call.write({ chunk_data: body.subarray(at, at + CHUNK) });
    call.end();
  }
}

/** Several fakes that replicate to each other, registered with the MetaServer through heartbeats. */
export class FakeFleet {
  /** The next this-many writes fail with UNAVAILABLE, on whichever fake they land. */
  failNextWrites = 0;

  private constructor(readonly servers: FakeDataServer[]) {}

  static async start(count: number): Promise<FakeFleet> {
    const servers: FakeDataServer[] = [];
    const fleet = new FakeFleet(servers);
    const byAddress = (address: string): FakeDataServer | undefined => servers.find((s) => s.address === address);
    const takeFault = (): boolean => fleet.failNextWrites > 0 && fleet.failNextWrites-- > 0;
    for (let n = 1; n <= count; n++) servers.push(await FakeDataServer.start(`fake-ds-${n}`, byAddress, takeFault));
    return fleet;
  }

  at(address: string): FakeDataServer {
    const server = this.servers.find((s) => s.address === address);
    if (server === undefined) throw new Error(`no fake DataServer at ${address}`);
    return server;
  }

  /** One heartbeat per fake, sent with `send` (e.g. a MetaClient's call('Heartbeat', ...)). */
  async heartbeat(send: (request: HeartbeatRequest) => Promise<unknown>): Promise<void> {
    for (const server of this.servers) await send(server.heartbeat());
  }

  stop(): void {
    for (const server of this.servers) server.stop();
  }
}
