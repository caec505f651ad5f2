/**
 * A MetaServer's HTTP side for operators: Prometheus metrics at /metrics (prom-client), /healthz
 * (the process serves: 200) and /readyz (200 once a leader is known and this node has applied up
 * to its commit index; 503 with the reason otherwise). Gauges are read from Raft, the namespace and
 * the DataServer upkeep at each scrape, so nothing is kept twice; what happens (gRPC calls, commit
 * and apply latency, snapshots) is recorded as it happens in the node's metrics (metrics/).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, type Registry, collectDefaultMetrics } from 'prom-client';
import { NamespaceUnavailableError } from '../meta/namespace-state';
import type { MetaNode } from './meta-node';
import { nodeMetrics } from './metrics/node-metrics';

const ROLES = ['follower', 'candidate', 'leader', 'shutdown'] as const;

/**
 * The registry of one node's metrics (separate per node, so in-process clusters do not mix): its
 * recorded metrics, and on first call the gauges read at scrape time and the process metrics (only
 * for a node that is served: they watch GC and the event loop).
 */
export function metaMetrics(node: MetaNode): Registry {
  const registry = nodeMetrics(node).registry;
  if (registry.getSingleMetric('minfs_raft_term') !== undefined) return registry;
  collectDefaultMetrics({ register: registry, prefix: 'minfs_' });
  const gauge = (name: string, help: string, collect: (g: Gauge) => void, labelNames: string[] = []): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        try {
          collect(this);
        } catch (error: unknown) {
          // Read while a restore swaps the namespace in (a moment): this scrape reports the gauge
          // as unknown (NaN; a labelled one has no samples) rather than failing the whole page,
          // which Prometheus would count as the node being down.
          if (!(error instanceof NamespaceUnavailableError)) throw error;
          if (labelNames.length === 0) this.set(Number.NaN);
        }
      },
    });
  };
  const stats = (): ReturnType<MetaNode['raft']['stats']> => node.raft.stats();
  gauge('minfs_raft_term', 'Current Raft term.', (g) => g.set(stats().term));
  gauge(
    'minfs_raft_state',
    'Raft role of this node (1 for the current one).',
    (g) => {
      const state = stats().state;
      for (const role of ROLES) g.set({ role }, role === state ? 1 : 0);
    },
    ['role'],
  );
  gauge('minfs_raft_first_index', 'First index in the Raft log.', (g) => g.set(stats().firstLogIndex));
  gauge('minfs_raft_last_index', 'Last index in the Raft log.', (g) => g.set(stats().lastLogIndex));
  gauge('minfs_raft_commit_index', 'Raft commit index.', (g) => g.set(stats().commitIndex));
  gauge('minfs_raft_applied_index', 'Index applied to the namespace.', (g) => g.set(stats().appliedIndex));
  gauge('minfs_raft_snapshot_index', 'Index of the newest snapshot taken or installed.', (g) => g.set(stats().snapshotIndex));
  gauge(
    'minfs_raft_replication_lag_entries',
    'Leader only: entries each follower is behind the leader log.',
    (g) => {
      const last = stats().lastLogIndex;
      for (const p of node.raft.replication()) g.set({ peer: p.id }, Math.max(0, last - p.match));
    },
    ['peer'],
  );
  gauge(
    'minfs_dataservers',
    'Leader only: DataServers heard from, by liveness.',
    (g) => {
      const counts = { live: 0, stale: 0, dead: 0 };
      for (const s of node.upkeep.tracker.all()) counts[s.liveness]++;
      for (const [liveness, n] of Object.entries(counts)) g.set({ liveness }, n);
    },
    ['liveness'],
  );
  // etcd's view (dataserver-registrations.ts): registered on every node; silent (registered, not
  // live by heartbeat) means something on the leader only; leaving ones get no new blocks.
  gauge(
    'minfs_dataservers_etcd',
    'DataServers as etcd shows them: registered; silent (leader only: registered, not heard from lately); leaving (deregistered, no new blocks).',
    (g) => {
      const { tracker } = node.upkeep;
      const registered = tracker.registrations.all();
      g.set({ state: 'registered' }, registered.length);
      g.set({ state: 'silent' }, registered.filter((r) => !tracker.heard(r.id) || tracker.liveness(r.id) !== 'live').length);
      g.set({ state: 'leaving' }, tracker.registrations.leaving().length);
    },
    ['state'],
  );
  gauge('minfs_etcd_dataserver_watch_up', '1 while the DataServer discovery holds a current etcd listing and watch.', (g) =>
    g.set(node.upkeep.tracker.registrations.etcdConnected ? 1 : 0),
  );
  gauge('minfs_blocks_pending_deletion', 'Block replicas recorded for deletion (replicated state).', (g) =>
    g.set(node.reader.upkeepCounts().gcBlocks),
  );
  gauge('minfs_block_repairs_in_flight', 'Block copies under way (replicated state).', (g) => g.set(node.reader.upkeepCounts().repairs));
  // The repair planner's finds, kept for this leadership: not cleared when a replica comes back
  // or the file goes (minfs_blocks_without_live_replica is the exact count of the last pass).
  gauge('minfs_blocks_lost', 'Leader only: blocks found with no good replica since this node became leader.', (g) =>
    g.set(node.upkeep.status().lostBlocks),
  );
  // Counted by the upkeep's periodic full check as it goes (replication-tally.ts): a scrape reads
  // the last complete pass and never scans the block map itself (10 million blocks).
  gauge(
    'minfs_blocks_under_replicated',
    'Leader only: blocks with fewer live (not dead) holders than their replication factor, copies in flight not counted, as of the last full block check.',
    (g) => g.set(node.upkeep.status().lastFullCheck.underReplicated),
  );
  gauge(
    'minfs_blocks_without_live_replica',
    'Leader only: blocks with no live (not dead) holder at all, as of the last full block check.',
    (g) => g.set(node.upkeep.status().lastFullCheck.withoutLiveReplica),
  );
  gauge(
    'minfs_block_check_last_pass_timestamp_seconds',
    'Leader only: Unix time the last full block check finished (0: none yet in this leadership, the counts above mean nothing yet).',
    (g) => g.set(node.upkeep.status().lastFullCheck.finishedAtWallMs / 1000),
  );
  // The queue of blocks the upkeep will judge: what it is about to work on, not a count of damage.
  gauge(
    'minfs_blocks_suspect',
    'Leader only: blocks queued to be checked for under-replication (a holder died or lost them, a copy failed, no copy slot yet).',
    (g) => g.set(node.upkeep.status().suspects),
  );
  return registry;
}

/** Why this node is not ready, or undefined when it is. */
export function notReady(node: MetaNode): string | undefined {
  const s = node.raft.stats();
  if (s.state === 'shutdown') return 'shutting down';
  if (s.leaderId === undefined) return 'no leader known';
  if (s.appliedIndex < s.commitIndex) return `applied ${s.appliedIndex} of ${s.commitIndex} committed`;
  return undefined;
}

export class MetricsServer {
  private constructor(
    private readonly server: Server,
    readonly address: string,
  ) {}

  /** Listens on `bind` ("host:port", port 0: any free one). */
  static async start(node: MetaNode, bind: string): Promise<MetricsServer> {
    const registry = metaMetrics(node);
    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const url = (req.url ?? '/').split('?')[0];
      if (url === '/metrics') {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType }).end(body);
      } else if (url === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      } else if (url === '/readyz') {
        const reason = notReady(node);
        res
          .writeHead(reason === undefined ? 200 : 503, { 'content-type': 'text/plain' })
          .end(reason === undefined ? 'ready\n' : `not ready: ${reason}\n`);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n');
      }
    };
    const server = createServer((req, res) => {
      handle(req, res).catch((error: unknown) => res.writeHead(500).end(`${String(error)}\n`));
    });
    const at = bind.lastIndexOf(':');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(bind.slice(at + 1)), bind.slice(0, at), () => resolve());
    });
    const { address, port } = server.address() as AddressInfo;
    return new MetricsServer(server, `${address}:${port}`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
