/**
 * --join: a node started without state asks the cluster's leader to add it (MetaAdmin Join): it
 * becomes a non-voter at once and the leader promotes it to voter once it has caught up. The node
 * serves meanwhile (as a follower, once the leader reaches it); the request is retried with a
 * backoff until it succeeds, since the leader may be electing or unreachable for a while.
 */
import type { ChannelCredentials } from '@grpc/grpc-js';
import type { Logger } from '../raft';
import { AdminCallError, AdminClient, AdminClients, surveyMembers } from './admin-client';

export interface JoinRequest {
  /** gRPC addresses of members to ask (any of them; the leader is found among them and their members). */
  readonly via: readonly string[];
  readonly id: string;
  readonly raftAddress: string;
  readonly grpcAddress: string;
  /** How to reach the members (TLS when the cluster serves gRPC over TLS). */
  readonly credentials: ChannelCredentials;
  readonly logger: Logger;
}

const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 5_000;

export class ClusterJoin {
  private stopped = false;
  private wake: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(private readonly request: JoinRequest) {
    this.done = this.run();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { logger, id } = this.request;
    for (let delay = FIRST_RETRY_MS; !this.stopped; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
      try {
        const message = await this.attempt();
        logger.info('join: accepted', { reply: message });
        return;
      } catch (error: unknown) {
        logger.warn('join: not accepted yet; retrying', {
          id,
          retryInMs: delay,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async attempt(): Promise<string> {
    const clients = new AdminClients((address) => new AdminClient(address, this.request.credentials));
    const clientFor = clients.get;
    try {
      // The addresses given may be followers of a leader not among them: their members are asked too.
      const view = await surveyMembers(this.request.via, clientFor);
      if (view.statuses.size === 0) throw new Error(`none of ${this.request.via.join(', ')} answered`);
      if (view.leaderAddress === undefined) throw new Error('no leader known yet');
      const reply = await clientFor(view.leaderAddress).join(this.request.id, this.request.raftAddress, this.request.grpcAddress);
      return reply.message;
    } catch (error: unknown) {
      if (error instanceof AdminCallError) throw new Error(error.message, { cause: error });
      throw error;
    } finally {
      clients.close();
    }
  }
}
