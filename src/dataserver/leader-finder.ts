/**
 * Finds the MetaServer leader from a static list of MetaServer gRPC addresses: asks GetLeader of each
 * in turn until one names a leader. Each round starts after the server that answered last time, so a
 * server stuck naming a stale leader (itself, say) does not capture every rediscovery: the next round
 * hears another server first.
 */
import type * as grpc from '@grpc/grpc-js';
import type { GetLeaderResponse__Output } from '../generated/dfs_project/GetLeaderResponse';
import type { MetaServerServiceClient } from '../generated/dfs_project/MetaServerService';
import { tlsFailureHint, type MetaTlsOptions } from '../wire/meta-tls';
import { formatHostPort, isWildcardHost, parseHostPort } from './addresses';
import type { ClientPool } from './client-pool';
import type { DataServerLogger } from './logger';
import { describeStatus } from './service-errors';

/** dataserver-main's flags, which the TLS hints name. */
const TLS_FLAGS = { ca: '--meta-ca', cert: '--meta-cert', key: '--meta-key' };

export class LeaderFinder {
  private nextStart = 0;
  /** What each MetaServer said in the last round that found no leader. */
  private lastFailures: readonly string[] = [];

  constructor(
    private readonly metaServers: readonly string[],
    private readonly clients: ClientPool<MetaServerServiceClient>,
    private readonly rpcTimeoutMs: number,
    private readonly logger: DataServerLogger,
    /** Only for the hint: whether (and how) TLS is used decides what a failure likely means. */
    private readonly tls?: MetaTlsOptions,
  ) {}

  /**
   * Why the last round found no leader, for the warning: the failures are otherwise only debug
   * lines, and a TLS mismatch would leave an operator with "no MetaServer named a leader" alone.
   */
  whyNoLeader(): string {
    const hint = tlsFailureHint(this.lastFailures, this.tls, TLS_FLAGS);
    return [...this.lastFailures, ...(hint === '' ? [] : [hint])].join('; ');
  }

  /** The leader's address, or undefined if no MetaServer named one this round (or `signal` aborted). */
  async find(signal: AbortSignal): Promise<string | undefined> {
    const count = this.metaServers.length;
    const failures: string[] = [];
    for (let i = 0; i < count && !signal.aborted; i++) {
      const index = (this.nextStart + i) % count;
      const asked = this.metaServers[index]!;
      try {
        const leader = leaderAddress(await this.getLeader(asked, signal), asked);
        if (leader !== undefined) {
          this.nextStart = (index + 1) % count;
          return leader;
        }
        this.logger.debug('MetaServer knows no leader', { metaServer: asked });
        failures.push(`${asked}: knows no leader`);
      } catch (error) {
        this.logger.debug('GetLeader failed', { metaServer: asked, error: describeStatus(error) });
        failures.push(`${asked}: ${describeStatus(error)}`);
      }
    }
    this.lastFailures = failures;
    this.nextStart = (this.nextStart + 1) % count;
    return undefined;
  }

  private getLeader(address: string, signal: AbortSignal): Promise<GetLeaderResponse__Output> {
    return new Promise((resolve, reject) => {
      const call: grpc.ClientUnaryCall = this.clients
        .get(address)
        .GetLeader({}, { deadline: new Date(Date.now() + this.rpcTimeoutMs) }, (error, response) => {
          signal.removeEventListener('abort', cancel);
          if (error) reject(error);
          else if (!response) reject(new Error('GetLeader answered nothing'));
          else resolve(response);
        });
      const cancel = (): void => call.cancel();
      signal.addEventListener('abort', cancel, { once: true });
    });
  }
}

/** The leader named in a GetLeader answer; a wildcard or empty host means "the host you asked". */
function leaderAddress(response: GetLeaderResponse__Output, asked: string): string | undefined {
  const leader = response.leader;
  if (!leader || !Number.isInteger(leader.port) || leader.port <= 0 || leader.port > 65535) return undefined;
  const host = isWildcardHost(leader.host) ? parseHostPort(asked).host : leader.host;
  return formatHostPort(host, leader.port);
}
