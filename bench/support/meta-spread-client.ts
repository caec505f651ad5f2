/**
 * Calls spread over every MetaServer: each call goes to a node picked at random, the way the etcd
 * peer's client (etcd3's connection pool shuffles its hosts for every call) spreads its load over
 * the etcd members. Followers forward writes to the leader and serve linearizable reads after a
 * read index from it.
 */
import { MetaClient } from '../../test/support/meta-cluster/meta-client';

export type MetaCaller = Pick<MetaClient, 'call'>;

export class SpreadMetaClient implements MetaCaller {
  private readonly clients: MetaClient[];

  constructor(addresses: readonly string[]) {
    this.clients = addresses.map((a) => new MetaClient(a));
  }

  call: MetaClient['call'] = (method, request, metadata, timeoutMs) =>
    this.clients[Math.floor(Math.random() * this.clients.length)]!.call(method, request, metadata, timeoutMs);

  close(): void {
    for (const c of this.clients) c.close();
  }
}
