/**
 * Which MetaServers etcd says lead (`/minfs/metaServer/nodes/`), kept current by a watch on the
 * prefix, so a wait for "exactly this one leads" resolves on etcd's own events, not on polling.
 */
import type { Etcd3, Watcher } from 'etcd3';
import { META_NODES_PREFIX } from '../../src/server/etcd-registration';

export class EtcdLeaderView {
  private readonly values = new Map<string, string>();
  private readonly waiters = new Set<() => void>();
  private watcher: Watcher | undefined;

  static async open(client: Etcd3): Promise<EtcdLeaderView> {
    const view = new EtcdLeaderView();
    const now = await client.getAll().prefix(META_NODES_PREFIX).exec();
    for (const kv of now.kvs) view.values.set(kv.key.toString(), kv.value.toString());
    const watcher = await client
      .watch()
      .prefix(META_NODES_PREFIX)
      .startRevision(String(Number(now.header.revision) + 1))
      .create();
    watcher.on('put', (kv) => view.changed(() => view.values.set(kv.key.toString(), kv.value.toString())));
    watcher.on('delete', (kv) => view.changed(() => view.values.delete(kv.key.toString())));
    view.watcher = watcher;
    return view;
  }

  async close(): Promise<void> {
    await this.watcher?.cancel();
  }

  leaders(): string[] {
    return [...this.values.values()]
      .map((v) => JSON.parse(v) as { id: string; is_leader: boolean })
      .filter((r) => r.is_leader)
      .map((r) => r.id);
  }

  /** Resolves when etcd names exactly `id` as the leader. */
  until(id: string): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        const leaders = this.leaders();
        if (leaders.length === 1 && leaders[0] === id) {
          this.waiters.delete(check);
          resolve();
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  private changed(apply: () => void): void {
    apply();
    for (const w of [...this.waiters]) w();
  }
}
