/**
 * A promise-shaped client of one MetaServer's MetaAdmin service, and the leader lookup minfs-admin
 * and --join start from.
 */
import * as grpc from '@grpc/grpc-js';
import type { ChangeReply__Output } from '../generated/minfs/admin/ChangeReply';
import type { Digest__Output } from '../generated/minfs/admin/Digest';
import type { MembersReply__Output } from '../generated/minfs/admin/MembersReply';
import type { MetaAdminClient } from '../generated/minfs/admin/MetaAdmin';
import type { NodeStatus__Output } from '../generated/minfs/admin/NodeStatus';
import type { TakenSnapshot__Output } from '../generated/minfs/admin/TakenSnapshot';
import type { ImportNode } from '../generated/minfs/admin/ImportNode';
import type { ImportReply__Output } from '../generated/minfs/admin/ImportReply';
import { adminProto } from '../wire/proto';
import { META_RECONNECT_OPTIONS } from '../wire/reconnect';

/** A failed admin call, with the server's status and message. */
export class AdminCallError extends Error {
  constructor(
    readonly address: string,
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(`${address}: ${details === '' ? grpc.status[code] : details}`);
    this.name = 'AdminCallError';
  }
}

/** No MetaServer asked names a leader: none is elected right now (an election), or none answers. */
export class NoLeaderFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoLeaderFoundError';
  }
}

type Callback<T> = (error: grpc.ServiceError | null, value?: T) => void;

export class AdminClient {
  private readonly client: MetaAdminClient;

  constructor(
    readonly address: string,
    credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
    private readonly timeoutMs = 10_000,
  ) {
    const Client = adminProto().minfs.admin.MetaAdmin;
    this.client = new Client(address, credentials, META_RECONNECT_OPTIONS);
  }

  private call<T>(start: (options: grpc.CallOptions, callback: Callback<T>) => void, timeoutMs = this.timeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      start({ deadline: Date.now() + timeoutMs }, (error, value) => {
        if (error !== null) reject(new AdminCallError(this.address, error.code, error.details));
        else if (value === undefined) reject(new AdminCallError(this.address, grpc.status.INTERNAL, 'empty answer'));
        else resolve(value);
      }),
    );
  }

  status(timeoutMs?: number): Promise<NodeStatus__Output> {
    return this.call((o, cb) => this.client.Status({}, o, cb), timeoutMs);
  }

  members(): Promise<MembersReply__Output> {
    return this.call((o, cb) => this.client.Members({}, o, cb));
  }

  addVoter(id: string, raftAddress: string, grpcAddress: string): Promise<ChangeReply__Output> {
    return this.call((o, cb) => this.client.AddVoter({ id, raft_address: raftAddress, grpc_address: grpcAddress }, o, cb));
  }

  addNonvoter(id: string, raftAddress: string, grpcAddress: string): Promise<ChangeReply__Output> {
    return this.call((o, cb) => this.client.AddNonvoter({ id, raft_address: raftAddress, grpc_address: grpcAddress }, o, cb));
  }

  join(id: string, raftAddress: string, grpcAddress: string): Promise<ChangeReply__Output> {
    return this.call((o, cb) => this.client.Join({ id, raft_address: raftAddress, grpc_address: grpcAddress }, o, cb));
  }

  remove(id: string): Promise<ChangeReply__Output> {
    return this.call((o, cb) => this.client.RemoveServer({ id }, o, cb));
  }

  transferLeadership(targetId: string): Promise<ChangeReply__Output> {
    return this.call((o, cb) => this.client.TransferLeadership({ target_id: targetId }, o, cb));
  }

  checkpoint(): Promise<string> {
    return this.call<{ checkpoint_id: string }>((o, cb) => this.client.Checkpoint({}, o, cb)).then((r) => r.checkpoint_id);
  }

  checkpointDigest(checkpointId: string, waitMs: number): Promise<Digest__Output> {
    return this.call((o, cb) => this.client.CheckpointDigest({ checkpoint_id: checkpointId, timeout_ms: waitMs }, o, cb), waitMs + 5_000);
  }

  /** This node snapshots now and compacts its log. */
  takeSnapshot(): Promise<TakenSnapshot__Output> {
    return this.call((o, cb) => this.client.TakeSnapshot({}, o, cb), Math.max(this.timeoutMs, 600_000));
  }

  /** Leader only: creates `nodes` (at most 10,000) through one log entry; `requestId` makes a resend harmless. */
  importNodes(nodes: readonly ImportNode[], requestId = ''): Promise<ImportReply__Output> {
    return this.call((o, cb) => this.client.Import({ nodes: [...nodes], request_id: requestId }, o, cb));
  }

  /** The leader's snapshot, chunk by chunk. */
  async *snapshotSave(): AsyncGenerator<Buffer> {
    const stream = this.client.SnapshotSave({});
    try {
      for await (const chunk of stream as AsyncIterable<{ data: Buffer }>) yield chunk.data;
    } catch (error: unknown) {
      const e = error as Partial<grpc.ServiceError>;
      throw new AdminCallError(this.address, e.code ?? grpc.status.UNKNOWN, e.details ?? String(error));
    }
  }

  snapshotRestore(source: AsyncIterable<Uint8Array>, timeoutMs: number): Promise<ChangeReply__Output> {
    return new Promise<ChangeReply__Output>((resolve, reject) => {
      const stream = this.client.SnapshotRestore({ deadline: Date.now() + timeoutMs }, (error, reply) => {
        if (error !== null) reject(new AdminCallError(this.address, error.code, error.details));
        else resolve(reply ?? { message: '' });
      });
      void (async () => {
        try {
          for await (const data of source) {
            if (!stream.write({ data })) await new Promise<void>((r) => stream.once('drain', r));
          }
          stream.end();
        } catch (error: unknown) {
          stream.cancel();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      })();
    });
  }

  close(): void {
    this.client.close();
  }
}

/** One client per address, made on first use; close() closes them all. */
export class AdminClients {
  private readonly byAddress = new Map<string, AdminClient>();

  constructor(private readonly make: (address: string) => AdminClient) {}

  readonly get = (address: string): AdminClient => {
    let client = this.byAddress.get(address);
    if (client === undefined) this.byAddress.set(address, (client = this.make(address)));
    return client;
  };

  close(): void {
    for (const client of this.byAddress.values()) client.close();
  }
}

/** Where the cluster stands, as far as the given addresses answer. */
export interface ClusterView {
  /** Status of each address that answered, by address. */
  readonly statuses: Map<string, NodeStatus__Output>;
  /** Addresses that did not answer, with why. */
  readonly unreachable: Map<string, string>;
  /** The leader's gRPC address, when one answered as leader. */
  readonly leaderAddress: string | undefined;
}

/** Asks every address for its status at once; the leader is the one that says it leads. */
export async function surveyCluster(
  addresses: readonly string[],
  clientFor: (address: string) => AdminClient,
  timeoutMs = 3_000,
): Promise<ClusterView> {
  const statuses = new Map<string, NodeStatus__Output>();
  const unreachable = new Map<string, string>();
  await Promise.all(
    [...new Set(addresses)].map((address) =>
      clientFor(address)
        .status(timeoutMs)
        .then(
          (s) => void statuses.set(address, s),
          (error: unknown) =>
            void unreachable.set(address, error instanceof AdminCallError ? error.details || grpc.status[error.code] : String(error)),
        ),
    ),
  );
  const leaderAddress = [...statuses].find(([, s]) => s.state === 'leader')?.[0];
  return { statuses, unreachable, leaderAddress };
}

/**
 * surveyCluster over `seeds` and every member's gRPC address that the first answering node knows:
 * the seeds may be a few followers, and members that joined are in no config file.
 */
export async function surveyMembers(seeds: readonly string[], clientFor: (address: string) => AdminClient): Promise<ClusterView> {
  const first = await surveyCluster(seeds, clientFor);
  const more = new Set<string>();
  for (const address of first.statuses.keys()) {
    const reply = await clientFor(address)
      .members()
      .catch(() => undefined);
    for (const m of reply?.members ?? []) if (m.grpc_address !== '' && !first.statuses.has(m.grpc_address)) more.add(m.grpc_address);
    if (reply !== undefined) break;
  }
  if (more.size === 0) return first;
  const second = await surveyCluster([...more], clientFor);
  return {
    statuses: new Map([...first.statuses, ...second.statuses]),
    unreachable: new Map([...first.unreachable, ...second.unreachable]),
    leaderAddress: first.leaderAddress ?? second.leaderAddress,
  };
}
