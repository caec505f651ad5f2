/**
 * The seed problem of the project, exactly, on real metaServer processes: 3 MetaServers; 1,000
 * files created in a directory; node 3 stopped; files 100-200 deleted through the API; snapshots
 * forced on the others (minfs-admin snapshot take) so that the log entries node 3 misses are
 * compacted away; node 3 restarted. It must come back through InstallSnapshot, identical to the
 * others: on every node (stale reads, straight from each node's own state) the directory lists
 * exactly 899 files and none of 100-200 exists; minfs-admin check finds the replicas identical.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { tempDir } from '../support/dataserver/temp-dir';
import { MetaClient, staleRead } from '../support/meta-cluster/meta-client';
import { leaderOf, runMetaServerFor, startClusterProcesses } from '../support/meta-server-process';
import { adminJson, expectConsistent } from '../cli/admin-fixture';
import type { StatusJson } from '../cli/admin-fixture';

const FILES = 1_000;
const DELETED = { from: 100, to: 200 };
/** Automatic snapshots off (only forced ones, so the run is reproducible); a short log tail kept. */
const RAFT = {
  heartbeat_timeout: '300ms',
  election_timeout: '300ms',
  leader_lease_timeout: '250ms',
  trailing_logs: 10,
  snapshot_interval: '1h',
  snapshot_threshold: 10_000_000,
  snapshot_max_entries: 10_000_000,
};

async function inParallel(count: number, width: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

interface TakenJson {
  node_id: string;
  index: string;
  first_log_index: string;
}

test(
  'the seeds scenario: a replica away while files are deleted and the log compacted comes back identical, none of them resurrected',
  { timeout: 120_000 },
  async (t) => {
    const { ports, args, nodes, servers } = await startClusterProcesses(t, tempDir(t), { clusterId: 'seeds', raft: RAFT });
    const third = ports[2]!;
    const others = ports.filter((p) => p !== third);

    const writer = new MetaClient(`127.0.0.1:${(await leaderOf(`127.0.0.1:${ports[0]}`)).port}`);
    t.after(() => writer.close());
    await writer.write('CreateNode', { path: '/d', type: 'Directory' });
    await inParallel(FILES, 32, (i) => writer.write('CreateNode', { path: `/d/f${i}`, type: 'File' }));

    // Node 3 stops (gracefully: a leader would hand over) once it holds every create.
    const before = await adminJson<StatusJson>('--servers', servers, 'status');
    const thirdApplied = Number(before.nodes.find((n) => n.id === `meta-${third}`)!.applied);
    nodes.get(third)!.child.kill('SIGTERM');
    assert.deepEqual(await nodes.get(third)!.exited, [0, null]);

    const leaderPort = (await leaderOf(`127.0.0.1:${others[0]}`)).port;
    const leader = new MetaClient(`127.0.0.1:${leaderPort}`);
    t.after(() => leader.close());
    await inParallel(DELETED.to - DELETED.from + 1, 16, (i) =>
      leader.write('DeleteNode', { path: `/d/f${DELETED.from + i}`, recursive: false }),
    );

    // Snapshots on the two running nodes compact their logs past everything node 3 has.
    const taken = await adminJson<TakenJson[]>('--servers', others.map((p) => `127.0.0.1:${p}`).join(','), 'snapshot', 'take');
    assert.equal(taken.length, 2);
    for (const s of taken) {
      assert.ok(
        Number(s.first_log_index) > thirdApplied + 1,
        `${s.node_id} compacted its log to ${s.first_log_index}, past node 3's ${thirdApplied}`,
      );
    }

    // A leader keeps what it queued for an unreachable peer and sends it on reconnection, which here
    // would still hold the deletes: restart the two, one at a time, so that nothing but their
    // compacted logs and snapshots is left to bring node 3 up to date.
    for (const port of others) {
      const node = nodes.get(port)!;
      node.child.kill('SIGTERM');
      assert.deepEqual(await node.exited, [0, null], node.stderr());
      const again = runMetaServerFor(t, args(port));
      nodes.set(port, again);
      await again.line((l) => l['event'] === 'serving');
      await leaderOf(`127.0.0.1:${port}`);
    }

    // Node 3 comes back: only a snapshot can bring it up to date (it logs the one it receives).
    const back = runMetaServerFor(t, args(third));
    await back.line((l) => l['event'] === 'serving');
    const received = await back.line((l) => l['message'] === 'snapshot received');
    assert.ok(Number(received['index']) >= Number(taken[0]!.index), `node 3 received the snapshot at ${String(received['index'])}`);
    await expectConsistent(servers, 3);

    // Every node's own state, read locally (stale reads answer from the node asked).
    for (const port of ports) {
      const client = new MetaClient(`127.0.0.1:${port}`);
      try {
        const listing = await client.call('ListDirectory', { path: '/d' }, staleRead());
        const names = new Set(listing.nodes.map((n) => n.path.slice('/d/'.length)));
        assert.equal(names.size, FILES - (DELETED.to - DELETED.from + 1), `meta-${port} lists ${names.size} files`);
        for (let i = DELETED.from; i <= DELETED.to; i++) assert.ok(!names.has(`f${i}`), `f${i} resurrected on meta-${port}`);
        const gone = await client.call('GetNodeInfo', { path: '/d/f150' }, staleRead()).then(
          () => undefined,
          (error: { code?: number }) => error.code,
        );
        assert.equal(gone, grpc.status.NOT_FOUND, `meta-${port}: /d/f150`);
      } finally {
        client.close();
      }
    }
  },
);
