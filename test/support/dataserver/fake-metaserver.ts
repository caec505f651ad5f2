/**
 * A MetaServer as far as a DataServer can tell: GetLeader and Heartbeat of metaserver.proto on a
 * real grpc-js server (port 0). As leader it records every heartbeat and hands out the commands queued
 * for the sender; as follower it answers heartbeats UNAVAILABLE (what our MetaServer's followers do).
 * Its GetLeader answer is whatever the test says it believes.
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Command } from '../../../src/generated/dfs_project/Command';
import type { HeartbeatRequest__Output } from '../../../src/generated/dfs_project/HeartbeatRequest';
import type { MetaServerServiceHandlers } from '../../../src/generated/dfs_project/MetaServerService';
import { metaProto } from '../../../src/wire/proto';

export class FakeMetaServer {
  role: 'leader' | 'follower' = 'follower';
  /** "host:port" this server names as leader in GetLeader; undefined: no leader known. */
  believedLeader: string | undefined;
  /** Heartbeats received as leader, in order. */
  readonly heartbeats: HeartbeatRequest__Output[] = [];
  /** Heartbeats refused as follower. */
  refusedHeartbeats = 0;
  getLeaderCalls = 0;
  /** Emits 'heartbeat' (HeartbeatRequest__Output) for each heartbeat answered as leader. */
  readonly events = new EventEmitter<{ heartbeat: [HeartbeatRequest__Output] }>();
  /** Commands for a DataServer id, sent with every heartbeat until the test clears them (the MetaServer re-sends until confirmed). */
  readonly commands = new Map<string, Command[]>();

  /** "127.0.0.1:port", once bound. */
  address = '';

  private constructor(private readonly server: grpc.Server) {}

  /** Plaintext unless `credentials` say otherwise (a TLS port for the DataServer's TLS tests). */
  static async start(credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure()): Promise<FakeMetaServer> {
    const server = new grpc.Server();
    const self = new FakeMetaServer(server);
    const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<never>): void =>
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'fake' });
    const handlers: Partial<MetaServerServiceHandlers> = {
      GetLeader: (_call, callback) => {
        self.getLeaderCalls++;
        const leader = self.believedLeader;
        if (leader === undefined) return callback(null, { followers: [] });
        const colon = leader.lastIndexOf(':');
        callback(null, { leader: { host: leader.slice(0, colon), port: Number(leader.slice(colon + 1)) }, followers: [] });
      },
      Heartbeat: (call, callback) => {
        if (self.role !== 'leader') {
          self.refusedHeartbeats++;
          return callback({ code: grpc.status.UNAVAILABLE, details: `not the leader; the leader is ${self.believedLeader ?? 'unknown'}` });
        }
        self.heartbeats.push(call.request);
        callback(null, { commands: self.commands.get(call.request.dataServer_id) ?? [] });
        self.events.emit('heartbeat', call.request);
      },
      CreateNode: unimplemented,
    };
    server.addService(metaProto().dfs_project.MetaServerService.service, handlers as MetaServerServiceHandlers);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    self.address = `127.0.0.1:${port}`;
    return self;
  }

  /** The next heartbeat received as leader that satisfies `matches`. */
  nextHeartbeat(matches: (request: HeartbeatRequest__Output) => boolean = () => true): Promise<HeartbeatRequest__Output> {
    return new Promise((resolve) => {
      const listener = (request: HeartbeatRequest__Output): void => {
        if (!matches(request)) return;
        this.events.off('heartbeat', listener);
        resolve(request);
      };
      this.events.on('heartbeat', listener);
    });
  }

  stop(): void {
    this.server.forceShutdown();
  }
}
