/**
 * A DataServer that serves ReadBlock only when the test opens the block's gate: lets a test hold a
 * copy in the middle and look at what happens meanwhile. Logs "start <id>" when a read arrives and
 * "end <id>" when it has sent the block. WriteBlock is refused (UNIMPLEMENTED), or with `holdWrites`
 * taken in and never answered: logs "write <id>" when the metadata arrives and "write-cancelled <id>"
 * when the caller gives up.
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { DataServerServiceHandlers } from '../../../src/generated/dfs_project/DataServerService';
import type { WriteBlockRequest__Output } from '../../../src/generated/dfs_project/WriteBlockRequest';
import { dataProto } from '../../../src/wire/proto';

export class GatedSource {
  readonly log: string[] = [];
  readonly events = new EventEmitter<{ log: [string] }>();
  private readonly gates = new Map<string, { open: () => void; opened: Promise<void> }>();

  /** "127.0.0.1:port", once bound. */
  address = '';

  private constructor(
    private readonly server: grpc.Server,
    private readonly blocks: Map<string, Buffer>,
  ) {}

  static async start(blocks: Map<string, Buffer>, holdWrites = false): Promise<GatedSource> {
    const server = new grpc.Server();
    const self = new GatedSource(server, blocks);
    const refuse = (_call: unknown, callback: grpc.sendUnaryData<never>): void =>
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'gated source' });
    const handlers: DataServerServiceHandlers = {
      ReadBlock: (call) => {
        const id = call.request.block_id;
        self.record(`start ${id}`);
        void self.gate(id).opened.then(() => {
          const bytes = self.blocks.get(id);
          if (!bytes) return call.emit('error', { code: grpc.status.NOT_FOUND, details: `no block ${id}` });
          for (let offset = 0; offset < bytes.length; offset += 65536) call.write({ chunk_data: bytes.subarray(offset, offset + 65536) });
          call.end();
          self.record(`end ${id}`);
        });
      },
      WriteBlock: (call, callback) => {
        if (!holdWrites) return refuse(call, callback);
        let blockId = '?';
        call.on('data', (message: WriteBlockRequest__Output) => {
          if (message.metadata) self.record(`write ${(blockId = message.metadata.block_id)}`);
        });
        call.on('cancelled', () => self.record(`write-cancelled ${blockId}`));
      },
      DeleteBlock: refuse,
      CopyBlock: refuse,
    };
    server.addService(dataProto().dfs_project.DataServerService.service, handlers);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    self.address = `127.0.0.1:${port}`;
    return self;
  }

  open(blockId: string): void {
    this.gate(blockId).open();
  }

  /** Resolves once `entry` is in the log. */
  logged(entry: string): Promise<void> {
    if (this.log.includes(entry)) return Promise.resolve();
    return new Promise((resolve) => {
      const listener = (line: string): void => {
        if (line !== entry) return;
        this.events.off('log', listener);
        resolve();
      };
      this.events.on('log', listener);
    });
  }

  stop(): void {
    for (const gate of this.gates.values()) gate.open();
    this.server.forceShutdown();
  }

  private gate(blockId: string): { open: () => void; opened: Promise<void> } {
    let gate = this.gates.get(blockId);
    if (!gate) {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      gate = { open, opened };
      this.gates.set(blockId, gate);
    }
    return gate;
  }

  private record(entry: string): void {
    this.log.push(entry);
    this.events.emit('log', entry);
  }
}
