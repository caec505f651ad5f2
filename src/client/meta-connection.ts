/**
 * The client's connection to a MetaServer cluster, given any of its addresses. Calls go to the
 * leader, found with GetLeader (every node answers it from what it knows). When a call fails with
 * UNAVAILABLE or DEADLINE_EXCEEDED (no leader, a node that lost its leadership, a node that is
 * down or hangs), the leader is looked up again and the call re-sent, with jittered backoff, for a
 * bounded time. Calls that change the namespace carry one request_id for all their attempts: the
 * MetaServer applies a request_id at most once and answers a repeat with the first answer, so an
 * attempt whose answer was lost is never applied twice.
 */
import { randomUUID } from 'node:crypto';
import { status, type ChannelCredentials } from '@grpc/grpc-js';
import type { MetaServerServiceClient } from '../generated/dfs_project/MetaServerService';
import { MinfsError, isRetryable, needsRediscovery, toMinfsError } from './errors';
import { callMeta, newMetaStub, type MetaMethod, type MetaRequest, type MetaResponse, type MutatingMethod } from './meta-rpc';
import { DEFAULT_RETRY, pauseBeforeRetry, type RetryOptions } from './retry-policy';
import { metaChannelCredentials, tlsFailureHint, type MetaTlsOptions } from '../wire/meta-tls';

export interface MetaConnectionOptions extends Partial<RetryOptions> {
  /** Deadline of one attempt of one call (ms). */
  readonly callTimeoutMs?: number;
  /** Deadline of one GetLeader question during discovery (ms). */
  readonly discoveryTimeoutMs?: number;
  /** Told about every failed attempt that will be retried (for logs and tests). */
  readonly onRetry?: (event: RetryEvent) => void;
  /**
   * TLS to the MetaServers, for a cluster with config.yaml's tls.grpc on: `ca` verifies them,
   * `cert` and `key` are for tls.grpc.require_client_cert. Absent: plaintext. Block transfers to
   * and from DataServers stay plaintext either way (their port has no TLS).
   */
  readonly tls?: MetaTlsOptions | undefined;
}

export interface RetryEvent {
  readonly method: MetaMethod;
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly error: MinfsError;
}

const DEFAULT_CALL_TIMEOUT_MS = 8_000;
const DEFAULT_DISCOVERY_TIMEOUT_MS = 2_000;
/** The minfs CLI's flags (minfs-admin's too), which the hints name: the CLI is how most meet this. */
const TLS_FLAGS = { ca: '--ca', cert: '--cert', key: '--key' };

export class MetaConnection {
  private readonly stubs = new Map<string, MetaServerServiceClient>();
  /** Every address we know of: the configured ones, then the members GetLeader told us about. */
  private readonly known: Set<string>;
  private leader: string | undefined;
  private discovering: Promise<string> | undefined;
  private readonly retry: RetryOptions;
  private readonly callTimeoutMs: number;
  private readonly discoveryTimeoutMs: number;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;
  private readonly tls: MetaTlsOptions | undefined;
  private readonly credentials: ChannelCredentials;

  constructor(addresses: readonly string[], options: MetaConnectionOptions = {}) {
    if (addresses.length === 0) throw new MinfsError(status.INVALID_ARGUMENT, 'no MetaServer address given');
    this.known = new Set(addresses);
    this.retry = { ...DEFAULT_RETRY, ...definedOnly(options) };
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.discoveryTimeoutMs = options.discoveryTimeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS;
    this.onRetry = options.onRetry;
    this.tls = options.tls;
    this.credentials = metaChannelCredentials(options.tls);
  }

  /** The leader's address as last discovered (undefined before the first call or after a failure). */
  get currentLeader(): string | undefined {
    return this.leader;
  }

  /** A read (or Heartbeat): retried as is. */
  call<K extends MetaMethod>(method: K, request: MetaRequest<K>): Promise<MetaResponse<K>> {
    return this.withRetries(method, request);
  }

  /** A namespace change: one request_id for every attempt of this logical call. */
  mutate<K extends MutatingMethod>(method: K, request: MetaRequest<K>): Promise<MetaResponse<K>> {
    const keyed: MetaRequest<K> = Object.assign({}, request, { request_id: randomUUID() });
    return this.withRetries(method, keyed);
  }

  /** Closes every channel; the connection must not be used afterwards. */
  close(): void {
    for (const stub of this.stubs.values()) stub.close();
    this.stubs.clear();
  }

  private async withRetries<K extends MetaMethod>(method: K, request: MetaRequest<K>): Promise<MetaResponse<K>> {
    const startedAt = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const leader = await this.findLeader();
        return await callMeta(this.stub(leader), method, request, Date.now() + this.callTimeoutMs);
      } catch (error: unknown) {
        const failure = toMinfsError(error);
        if (!isRetryable(failure.code)) throw failure;
        // The leader we knew may be gone or deposed: ask again before the next attempt.
        if (needsRediscovery(failure.code)) this.leader = undefined;
        if (!(await pauseBeforeRetry(this.retry, attempt, startedAt))) throw failure;
        this.onRetry?.({ method, attempt: attempt + 1, error: failure });
      }
    }
  }

  /** The known leader, or one discovery shared by every call that needs it at the same time. */
  private findLeader(): Promise<string> {
    if (this.leader !== undefined) return Promise.resolve(this.leader);
    this.discovering ??= this.discover().finally(() => {
      this.discovering = undefined;
    });
    return this.discovering;
  }

  /**
   * Asks every known node at once and takes the first answer that names a leader: a node that is
   * down or slow then costs nothing when another one answers.
   */
  private async discover(): Promise<string> {
    const addresses = [...this.known];
    const failures: string[] = [];
    const deadline = Date.now() + this.discoveryTimeoutMs;
    const asks = addresses.map(async (address) => {
      try {
        const answer = await callMeta(this.stub(address), 'GetLeader', {}, deadline);
        for (const member of [answer.leader, ...answer.followers]) if (member?.host) this.known.add(`${member.host}:${member.port}`);
        if (answer.leader?.host) return `${answer.leader.host}:${answer.leader.port}`;
        failures.push(`${address}: knows no leader`);
      } catch (error: unknown) {
        failures.push(`${address}: ${toMinfsError(error).message}`);
      }
      throw new Error('no leader');
    });
    try {
      this.leader = await Promise.any(asks);
      return this.leader;
    } catch {
      // A TLS mismatch shows as UNAVAILABLE with a terse reason: say what it likely means.
      const hint = tlsFailureHint(failures, this.tls, TLS_FLAGS);
      throw new MinfsError(status.UNAVAILABLE, `no MetaServer leader found (${failures.join('; ')})${hint === '' ? '' : `; ${hint}`}`);
    }
  }

  private stub(address: string): MetaServerServiceClient {
    let stub = this.stubs.get(address);
    if (stub === undefined) {
      stub = newMetaStub(address, this.credentials);
      this.stubs.set(address, stub);
    }
    return stub;
  }
}

function definedOnly(options: Partial<RetryOptions>): Partial<RetryOptions> {
  const out: { -readonly [K in keyof RetryOptions]?: RetryOptions[K] } = {};
  if (options.retryForMs !== undefined) out.retryForMs = options.retryForMs;
  if (options.baseDelayMs !== undefined) out.baseDelayMs = options.baseDelayMs;
  if (options.maxDelayMs !== undefined) out.maxDelayMs = options.maxDelayMs;
  return out;
}
