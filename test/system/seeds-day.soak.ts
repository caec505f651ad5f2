/**
 * The seeds' scenario with node 3 away for "a day" of traffic (issue 7 item 2, its second part),
 * run by `npm run test:seeds-day` (minutes; not part of npm test). 3 metaServer processes; 1,000
 * files in /d; node 3 stopped; then SEEDS_DAY_OPS operations (default 500,000) from 64 clients:
 * each owns a directory where it creates, deletes and renames files, and files 100-200 of /d are
 * deleted among them. The others snapshot and compact their logs as they go (every 100,000
 * entries), so node 3's missing entries are long gone. Node 3 restarts and must come back through
 * InstallSnapshot holding exactly what the clients' model says: on every node, read from its own
 * state (stale reads), each directory lists exactly the model's files, /d lists 899, and
 * minfs-admin check finds three identical replicas.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../support/dataserver/temp-dir';
import { MetaClient, staleRead } from '../support/meta-cluster/meta-client';
import { FAST_RAFT, leaderOf, runMetaServerFor, startClusterProcesses } from '../support/meta-server-process';
import { seededRandom } from '../support/process-cluster/workload';
import { adminJson, expectConsistent, type StatusJson } from '../cli/admin-fixture';

const OPERATIONS = Number(process.env['SEEDS_DAY_OPS'] ?? 500_000);
const SEED = Number(process.env['SEEDS_DAY_SEED'] ?? Date.now() % 1_000_000);
const CLIENTS = 64;
/** Live files a client keeps at most in its directory; past it, it deletes more than it creates. */
const LIVE_TARGET = 600;
const FILES = 1_000;
const DELETED = { from: 100, to: 200 };

/** One client's directory and the files it knows are there. */
class DirectoryModel {
  readonly live = new Set<string>();
  private next = 0;

  constructor(readonly dir: string) {}

  freshName(): string {
    return `f${this.next++}`;
  }

  pick(random: () => number): string {
    const names = [...this.live];
    return names[Math.floor(random() * names.length)]!;
  }
}

/** Every entry of a directory, page by page, as `node` itself holds it. */
async function listAll(client: MetaClient, dir: string): Promise<Set<string>> {
  const names = new Set<string>();
  let token = '';
  for (;;) {
    const page = await client.call('ListDirectory', { path: dir, page_size: 1_000, page_token: token }, staleRead(), 60_000);
    for (const n of page.nodes) names.add(n.path.slice(dir.length + 1));
    if (page.next_page_token === '') return names;
    token = page.next_page_token;
  }
}

test(`the seeds scenario with node 3 away for a day of traffic (${OPERATIONS} operations)`, { timeout: 3_600_000 }, async (t) => {
  process.stdout.write(`# seeds-day: SEEDS_DAY_SEED=${SEED} SEEDS_DAY_OPS=${OPERATIONS}\n`);
  const { ports, args, nodes, servers } = await startClusterProcesses(t, tempDir(t), { clusterId: 'seeds-day', raft: FAST_RAFT });
  const third = ports[2]!;
  const others = ports.filter((p) => p !== third);

  let writer = new MetaClient(`127.0.0.1:${(await leaderOf(`127.0.0.1:${ports[0]}`)).port}`);
  await writer.write('CreateNode', { path: '/d', type: 'Directory' });
  let created = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (created < FILES) await writer.write('CreateNode', { path: `/d/f${created++}`, type: 'File' });
    }),
  );
  nodes.get(third)!.child.kill('SIGTERM');
  assert.deepEqual(await nodes.get(third)!.exited, [0, null]);
  writer.close();
  writer = new MetaClient(`127.0.0.1:${(await leaderOf(`127.0.0.1:${others[0]}`)).port}`);
  t.after(() => writer.close());

  // The day: every client in its own directory, so the model of each is exact.
  const models = Array.from({ length: CLIENTS }, (_, i) => new DirectoryModel(`/day/c${i}`));
  await writer.write('CreateNode', { path: '/day', type: 'Directory' });
  for (const m of models) await writer.write('CreateNode', { path: m.dir, type: 'Directory' });
  const seedsDeletes = Array.from({ length: DELETED.to - DELETED.from + 1 }, (_, i) => `/d/f${DELETED.from + i}`);
  let done = 0;
  const started = performance.now();
  await Promise.all(
    models.map(async (model, i) => {
      const random = seededRandom(SEED + i);
      while (done < OPERATIONS) {
        done++;
        // Spread the seeds' deletes over the day.
        if (i === 0 && seedsDeletes.length > 0 && random() < 0.01) {
          await writer.write('DeleteNode', { path: seedsDeletes.pop()!, recursive: false });
          continue;
        }
        const roll = random();
        const createBias = model.live.size < LIVE_TARGET ? 0.65 : 0.35;
        if (model.live.size === 0 || roll < createBias) {
          const name = model.freshName();
          await writer.write('CreateNode', { path: `${model.dir}/${name}`, type: 'File' });
          model.live.add(name);
        } else if (roll < createBias + 0.1) {
          const from = model.pick(random);
          const to = model.freshName();
          await writer.write('Rename', { src_path: `${model.dir}/${from}`, dst_path: `${model.dir}/${to}` });
          model.live.delete(from);
          model.live.add(to);
        } else {
          const name = model.pick(random);
          await writer.write('DeleteNode', { path: `${model.dir}/${name}`, recursive: false });
          model.live.delete(name);
        }
      }
    }),
  );
  for (const path of seedsDeletes) await writer.write('DeleteNode', { path, recursive: false });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `# seeds-day: ${done} operations in ${seconds.toFixed(0)} s (${Math.round(done / seconds)}/s) while node 3 was away\n`,
  );

  const restartedAt = performance.now();
  const back = runMetaServerFor(t, args(third));
  await back.line((l) => l['event'] === 'serving');
  const received = await back.line((l) => l['message'] === 'snapshot received');
  process.stdout.write(`# seeds-day: node 3 received a snapshot at index ${String(received['index'])}\n`);
  // Then it replays the entries after that snapshot; wait until it holds everything the others
  // committed (the status lives in other processes: asked every 500 ms).
  const target = Math.max(
    ...(await adminJson<StatusJson>('--servers', others.map((p) => `127.0.0.1:${p}`).join(','), 'status')).nodes.map((n) =>
      Number(n.commit),
    ),
  );
  for (;;) {
    const status = await adminJson<StatusJson>('--servers', servers, 'status');
    const applied = Number(status.nodes.find((n) => n.id === `meta-${third}`)?.applied ?? 0);
    if (applied >= target) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  process.stdout.write(
    `# seeds-day: node 3 caught up to ${target} in ${((performance.now() - restartedAt) / 1000).toFixed(1)} s after its restart\n`,
  );
  await expectConsistent(servers, 3);

  for (const port of ports) {
    const client = new MetaClient(`127.0.0.1:${port}`);
    try {
      const d = await listAll(client, '/d');
      assert.equal(d.size, FILES - (DELETED.to - DELETED.from + 1), `meta-${port}: /d lists ${d.size}`);
      for (let i = DELETED.from; i <= DELETED.to; i++) assert.ok(!d.has(`f${i}`), `f${i} resurrected on meta-${port}`);
      for (const model of models) {
        const listed = await listAll(client, model.dir);
        assert.deepEqual([...listed].sort(), [...model.live].sort(), `meta-${port}: ${model.dir}`);
      }
    } finally {
      client.close();
    }
  }
});
