/**
 * DataServer discovery through etcd (compat §4): a prefix Get of `etcd.dataServer_key_prefix`
 * (`/dfs/dataServers/`), then a watch from the revision right after that Get, so no change between
 * the two is lost. Each value is a plain "host:port" or JSON `{id, addr, register_at}`
 * (dataserver-discovery-value.ts); a malformed one is logged and ignored. What is found goes to a
 * RegistrationSink (the tracker's registrations: visibility, and DELETE as a "leaving" hint; see
 * src/cluster/dataserver-registrations.ts). Nothing here is proposed to Raft.
 *
 * etcd being away never stops the MetaServer: the discovery keeps the last view, reports itself
 * disconnected, and lists again after a capped backoff (as the registration does), then watches
 * from that listing's revision. A fresh listing rather than the client's own watch resumption:
 * etcd may have compacted the revision the watch had reached, or come back empty (restored or
 * replaced), and only a listing tells what holds now.
 */
import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import type { Logger } from '../raft';
import type { RegistrationSink } from '../cluster/dataserver-registrations';
import { etcdClient, type EtcdConnection } from './etcd-client';
import { parseDataServerRegistration } from './dataserver-discovery-value';

export interface DataServerDiscoveryOptions extends EtcdConnection {
  /** Where DataServers register, e.g. "/dfs/dataServers/". */
  readonly prefix: string;
  readonly sink: RegistrationSink;
  readonly logger: Logger;
}

/** What the discovery did, for tests and logs (a listing, or one key's change). */
export type DiscoveryEvent =
  | { readonly kind: 'listed'; readonly revision: string; readonly keys: number }
  | { readonly kind: 'put'; readonly key: string; readonly id?: string; readonly problem?: string }
  | { readonly kind: 'delete'; readonly key: string; readonly id?: string }
  | { readonly kind: 'lost'; readonly error: string };

/** A key as last seen: its value, and the DataServer it registers (none when the value was malformed). */
interface Seen {
  readonly value: string;
  readonly id: string | undefined;
}

const MIN_RETRY_MS = 200;
const MAX_RETRY_MS = 5_000;

export class DataServerDiscovery {
  private readonly client: Etcd3;
  private readonly view = new Map<string, Seen>();
  private readonly listeners = new Set<(event: DiscoveryEvent) => void>();
  private watcher: Watcher | undefined;
  /** Bumped whenever a listing or watch is given up: events of an older one are ignored. */
  private generation = 0;
  private stopped = false;
  private failing = false;
  private retryMs = MIN_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DataServerDiscoveryOptions) {
    // The watch is a long-lived stream: keepalive pings notice an etcd that vanished without
    // closing the connection (a partition); etcd refuses pings more often than every 5 s.
    this.client = etcdClient(options, { 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': options.timeoutMs });
  }

  start(): void {
    void this.list(this.generation);
  }

  /** Calls `listener` with every event from now on; returns the unsubscribe. */
  on(listener: (event: DiscoveryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    const watcher = this.watcher;
    this.watcher = undefined;
    if (watcher !== undefined) {
      // Bounded: a cancel waits for etcd's answer, and etcd may be gone.
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.options.timeoutMs).unref());
      await Promise.race([watcher.cancel().catch(() => undefined), timeout]);
    }
    this.client.close();
  }

  /** The whole prefix, then a watch from the revision after it. */
  private async list(generation: number): Promise<void> {
    let revision: string;
    try {
      const listing = await this.client.getAll().prefix(this.options.prefix).exec();
      if (generation !== this.generation) return;
      revision = listing.header.revision;
      this.replaceView(listing.kvs);
    } catch (error) {
      this.lost(generation, error);
      return;
    }
    if (this.failing) this.options.logger.info('etcd: DataServer discovery is back', { revision });
    this.failing = false;
    this.options.sink.connected(true);
    this.emit({ kind: 'listed', revision, keys: this.view.size });
    const watcher = this.client
      .watch()
      .prefix(this.options.prefix)
      .startRevision((BigInt(revision) + 1n).toString())
      .watcher(); // not create(): every handler is in place before the first event can arrive
    this.watcher = watcher;
    // The backoff starts over only once the watch holds too: an etcd that answers a Get and then
    // drops every watch is not retried at the shortest interval forever.
    watcher.on('connected', () => {
      if (generation === this.generation) this.retryMs = MIN_RETRY_MS;
    });
    watcher.on('put', (kv) => {
      if (generation === this.generation) this.put(kv);
    });
    watcher.on('delete', (kv) => {
      if (generation === this.generation) this.delete(kv);
    });
    // The client would reconnect on its own and resume from its last revision; a new listing is
    // surer (see the file comment), so this watch ends here.
    watcher.on('disconnected', (error) => this.lost(generation, error, watcher));
    // Cancelled by etcd (a compacted revision, say): the client already dropped it.
    watcher.on('error', (error) => this.lost(generation, error));
  }

  /** etcd is away (or refused the watch): keep the view, list again after the backoff. */
  private lost(generation: number, error: unknown, cancel?: Watcher): void {
    if (this.stopped || generation !== this.generation) return;
    const next = ++this.generation;
    if (this.watcher !== undefined && this.watcher === cancel) void cancel.cancel().catch(() => undefined);
    this.watcher = undefined;
    this.options.sink.connected(false);
    if (!this.failing) {
      this.options.logger.warn('etcd: DataServer discovery cannot reach etcd; keeping the last view and retrying', {
        error: String(error),
      });
    }
    this.failing = true;
    this.emit({ kind: 'lost', error: String(error) });
    const delay = this.retryMs;
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.list(next);
    }, delay);
    this.retryTimer.unref();
  }

  /** A fresh listing replaces the view: keys gone meanwhile are dropped (no leaving hint after a gap). */
  private replaceView(kvs: readonly IKeyValue[]): void {
    const listed = new Map(kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
    for (const [key, seen] of [...this.view]) {
      if (listed.has(key)) continue;
      this.view.delete(key);
      this.forget(seen.id, false);
    }
    for (const [key, value] of listed) if (this.view.get(key)?.value !== value) this.apply(key, value);
  }

  private put(kv: IKeyValue): void {
    this.apply(kv.key.toString(), kv.value.toString());
  }

  private delete(kv: IKeyValue): void {
    const key = kv.key.toString();
    const seen = this.view.get(key);
    this.view.delete(key);
    if (seen?.id !== undefined) this.options.logger.info('etcd: DataServer deregistered; no new blocks go to it', { id: seen.id, key });
    this.forget(seen?.id, true);
    this.emit({ kind: 'delete', key, ...(seen?.id === undefined ? {} : { id: seen.id }) });
  }

  /** A key's new value: registers its DataServer, or logs why it is ignored. */
  private apply(key: string, value: string): void {
    const previous = this.view.get(key);
    const parsed = parseDataServerRegistration(key, value, this.options.prefix);
    const id = parsed.ok ? parsed.registration.id : undefined;
    this.view.set(key, { value, id });
    // The key no longer names the DataServer it did (rewritten with another id, or with garbage).
    if (previous?.id !== undefined && previous.id !== id) this.forget(previous.id, false);
    if (parsed.ok) {
      const { registration } = parsed;
      this.options.sink.registered(registration);
      this.options.logger.info('etcd: DataServer registered', { id: registration.id, listen: registration.listen, key });
      this.emit({ kind: 'put', key, id: registration.id });
    } else {
      this.options.logger.warn('etcd: ignored a DataServer registration', { key, value: value.slice(0, 200), problem: parsed.problem });
      this.emit({ kind: 'put', key, problem: parsed.problem });
    }
  }

  /** `id` lost a key; it is deregistered unless another key still registers it. */
  private forget(id: string | undefined, leaving: boolean): void {
    if (id === undefined) return;
    for (const seen of this.view.values()) if (seen.id === id) return;
    this.options.sink.deregistered(id, leaving);
  }

  private emit(event: DiscoveryEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
