/**
 * `npm run bench:repair`: time from killing a DataServer to every file healthy again. The whole
 * system in one process (3 MetaServers, D reference DataServers on loopback, blocks on this disk):
 * F files of S MiB are written through the client (replication 3), the DataServer holding the most
 * blocks is stopped, and the clock runs until GetReplicationInfo says every file is healthy.
 *
 * One JSON line: the time to detect the death (deadAfterMs of silence plus a tick), the time the
 * copies took, blocks copied and repair throughput, with the per-DataServer copy limit that
 * produced it. Options: --files 1000 --size-mib 4 --dataservers 4 --dead-after-ms 10000
 * --copies-per-server 8 --put-concurrency 8 --dir PATH.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { DfsCluster } from '../test/support/dfs-cluster/dfs-cluster';
import { positiveInteger } from './support/meta-cli';
import { runBench } from './support/bench-main';

const note = (text: string): boolean => process.stderr.write(`# ${text}\n`);
const seconds = (ms: number): number => Math.round(ms / 10) / 100;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: 'string' },
      'size-mib': { type: 'string' },
      dataservers: { type: 'string' },
      'dead-after-ms': { type: 'string' },
      'copies-per-server': { type: 'string' },
      'put-concurrency': { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const files = positiveInteger('files', values.files ?? '1000');
  const sizeMiB = positiveInteger('size-mib', values['size-mib'] ?? '4');
  const dataservers = positiveInteger('dataservers', values.dataservers ?? '4');
  const deadAfterMs = positiveInteger('dead-after-ms', values['dead-after-ms'] ?? '10000');
  const copiesPerServer = positiveInteger('copies-per-server', values['copies-per-server'] ?? '8');
  const putConcurrency = positiveInteger('put-concurrency', values['put-concurrency'] ?? '8');
  const work = mkdtempSync(join(values.dir ?? tmpdir(), 'repair-bench-'));
  const cluster = await DfsCluster.start({
    dataServers: dataservers,
    upkeep: { deadAfterMs, staleAfterMs: Math.min(5_000, deadAfterMs / 2), maxCopiesPerDataServer: copiesPerServer, checksPerTick: 50_000 },
  });
  try {
    const source = join(work, 'content');
    writeFileSync(source, randomBytes(sizeMiB * 1024 * 1024));
    await cluster.client.mkdir('/repair');
    const t0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: putConcurrency }, async () => {
        while (next < files) await cluster.client.put(source, `/repair/f${next++}`);
      }),
    );
    note(`wrote ${files} files of ${sizeMiB} MiB in ${seconds(Date.now() - t0)} s`);
    await cluster.eventually('every file healthy before the kill', async () => {
      const r = await cluster.client.replication('');
      return r.healthyFiles === r.totalFiles;
    }, 600_000);
    const leader = await cluster.meta.leader();
    const victim = cluster.running().reduce((a, b) => (a.blockIds().length >= b.blockIds().length ? a : b));
    const lostReplicas = [...leader.node.reader.blocksHeldBy(victim.id)].length;
    note(`killing ${victim.id}, which holds ${lostReplicas} replicas`);
    const killedAt = Date.now();
    await cluster.kill(victim);
    let firstRepairAt: number | undefined;
    let lastNote = Date.now();
    await cluster.eventually('every file healthy again', async () => {
      const l = await cluster.meta.leader();
      if (Date.now() - lastNote > 5_000) {
        lastNote = Date.now();
        const left = [...l.node.reader.blocksHeldBy(victim.id)].length;
        note(`${seconds(lastNote - killedAt)} s: ${left} replicas still on ${victim.id}; ${JSON.stringify(l.node.reader.upkeepCounts())} ${JSON.stringify(l.node.upkeep.status())}`);
      }
      if (firstRepairAt === undefined && l.node.reader.upkeepCounts().repairs > 0) firstRepairAt = Date.now();
      if ([...l.node.reader.blocksHeldBy(victim.id)].length > 0) return false;
      const r = await cluster.client.replication('');
      return r.healthyFiles === r.totalFiles;
    }, 3_600_000);
    const healthyAt = Date.now();
    const copyMs = healthyAt - (firstRepairAt ?? killedAt);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'repair',
        system: 'ours',
        op: 'repair',
        concurrency: copiesPerServer,
        files,
        file_mib: sizeMiB,
        dataservers,
        blocks_copied: lostReplicas,
        dead_after_ms: deadAfterMs,
        copies_per_dataserver: copiesPerServer,
        kill_to_healthy_s: seconds(healthyAt - killedAt),
        detect_s: seconds((firstRepairAt ?? healthyAt) - killedAt),
        copy_s: seconds(copyMs),
        ops_per_s: Math.round((lostReplicas / Math.max(1, copyMs)) * 1000 * 10) / 10,
        mib_per_s: Math.round(((lostReplicas * sizeMiB) / Math.max(1, copyMs)) * 1000 * 10) / 10,
      })}\n`,
    );
  } finally {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

runBench('repair', main);
