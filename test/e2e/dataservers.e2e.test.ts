/**
 * The whole system end to end: 3 MetaServers, 4 reference DataServers, the minfs client.
 * Files of 512 KiB, 10 MiB and 100 MiB go in and come back with their md5; a dead DataServer's
 * blocks are copied again until every file is healthy; deleted files' blocks disappear from the
 * disks; the MetaServer leader fails over in the middle, and afterwards nothing is lost or leaked:
 * every block on a DataServer belongs to a live file or waits for deletion, and the deletions drain.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { DfsCluster } from '../support/dfs-cluster/dfs-cluster';

const KiB = 1024;
const MiB = 1024 * KiB;
let cluster: DfsCluster;
let started = false;
let work: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'dfs-e2e-'));
  cluster = await DfsCluster.start();
  started = true;
});
after(async () => {
  if (started) await cluster.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A local file of `size` random bytes (written in 1 MiB pieces) and its md5. */
async function localFile(name: string, size: number): Promise<{ path: string; md5: string }> {
  const path = join(work, name);
  const out = createWriteStream(path);
  const hash = createHash('md5');
  for (let left = size; left > 0; left -= MiB) {
    const piece = randomBytes(Math.min(MiB, left));
    hash.update(piece);
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { path, md5: hash.digest('hex') };
}

const md5Of = (path: string): string => createHash('md5').update(readFileSync(path)).digest('hex');

async function allHealthy(): Promise<boolean> {
  const report = await cluster.client.replication('');
  return report.totalFiles > 0 && report.healthyFiles === report.totalFiles;
}

/** Every block on a running DataServer's disk belongs to a live file's block map or waits in gc for that server. */
async function noLeak(): Promise<{ leaked: string[]; pendingGc: number }> {
  const leader = await cluster.meta.leader();
  await leader.node.fsm.settled();
  const { reader } = leader.node;
  const leaked: string[] = [];
  for (const { server, blockId } of cluster.storedBlocks()) {
    const mapped = reader.mappedBlock(blockId)?.holders.includes(server) === true;
    const queued = reader.gcHolders(blockId)?.includes(server) === true;
    const copying = reader.repairTarget(blockId) === server;
    if (!mapped && !queued && !copying) leaked.push(`${server}:${blockId}`);
  }
  return { leaked, pendingGc: reader.upkeepCounts().gcBlocks };
}

const files = [
  { name: 'small', remote: '/data/small.bin', size: 512 * KiB },
  { name: 'medium', remote: '/data/medium.bin', size: 10 * MiB },
  { name: 'large', remote: '/data/large.bin', size: 100 * MiB },
];
const local = new Map<string, { path: string; md5: string }>();

test('put and get files of 512 KiB, 10 MiB and 100 MiB: md5 round trip, three replicas each', async () => {
  await cluster.client.mkdir('/data');
  for (const f of files) {
    const made = await localFile(f.name, f.size);
    local.set(f.remote, made);
    const put = await cluster.client.put(made.path, f.remote);
    assert.equal(put.md5, made.md5);
    const back = join(work, `${f.name}.back`);
    await cluster.client.get(f.remote, back);
    assert.equal(md5Of(back), made.md5, `${f.remote} comes back byte for byte`);
  }
  await cluster.eventually('every file healthy after the writes', allHealthy);
  const report = await cluster.client.replication('/data/large.bin');
  assert.equal(report.files[0]!.blocks.length, 25);
  for (const b of report.files[0]!.blocks) assert.equal(new Set(b.locations).size, 3);
});

test('a dead DataServer: its blocks are copied again until every file is healthy, and reads still work', async () => {
  const leader = await cluster.meta.leader();
  // The server holding the most blocks of the large file.
  const victim = cluster.running().reduce((a, b) => (a.blockIds().length >= b.blockIds().length ? a : b));
  const held = [...leader.node.reader.blocksHeldBy(victim.id)];
  assert.ok(held.length > 0);
  await cluster.kill(victim);
  await cluster.eventually('the dead server is noticed and its blocks re-replicated', async () => {
    const l = await cluster.meta.leader();
    return [...l.node.reader.blocksHeldBy(victim.id)].length === 0 && (await allHealthy());
  });
  for (const blockId of held) {
    const holders = leader.node.reader.mappedBlock(blockId)!.holders;
    assert.equal(holders.length, 3, `block ${blockId} has three holders again`);
    assert.ok(!holders.includes(victim.id));
  }
  const back = join(work, 'large.after-repair');
  await cluster.client.get('/data/large.bin', back);
  assert.equal(md5Of(back), local.get('/data/large.bin')!.md5);
});

test('deleted files: their blocks disappear from the DataServers', async () => {
  const extra = await localFile('doomed', 9 * MiB);
  await cluster.client.put(extra.path, '/data/doomed.bin');
  const leader = await cluster.meta.leader();
  const doomed = (await cluster.client.replication('/data/doomed.bin')).files[0]!.blocks.map((b) => Number(b.blockId));
  await cluster.eventually('the new file is on disk', () => doomed.every((id) => cluster.storedBlocks().some((s) => s.blockId === id)));
  await cluster.client.rm('/data/doomed.bin');
  await cluster.eventually('its blocks are gone from every disk and from gc', () => {
    const stored = new Set(cluster.storedBlocks().map((s) => s.blockId));
    return doomed.every((id) => !stored.has(id)) && doomed.every((id) => leader.node.reader.gcHolders(id) === undefined);
  });
});

test('the MetaServer leader fails over in the middle: nothing acknowledged is lost, nothing leaks', async () => {
  const before = await cluster.meta.leader();
  const during = await localFile('during', 6 * MiB);
  await cluster.client.put(during.path, '/data/during.bin');
  await cluster.client.rm('/data/medium.bin');
  await before.stop();
  // Writes and deletes go on with the new leader; the DataServers find it on their own.
  const after = await localFile('after', 5 * MiB);
  await cluster.client.put(after.path, '/data/after.bin');
  const second = await cluster.meta.leader();
  assert.notEqual(second, before);
  await cluster.eventually('every DataServer heartbeats to the new leader', () =>
    cluster.running().every((d) => d.metaLeader === second.grpc.address),
  );
  await cluster.eventually('every file healthy and every deletion done after the failover', async () => {
    const { leaked, pendingGc } = await noLeak();
    return leaked.length === 0 && pendingGc === 0 && (await allHealthy());
  });
  for (const [remote, made] of [['/data/during.bin', during], ['/data/after.bin', after], ['/data/large.bin', local.get('/data/large.bin')!]] as const) {
    const back = join(work, `${remote.replaceAll('/', '_')}.final`);
    await cluster.client.get(remote, back);
    assert.equal(md5Of(back), made.md5, `${remote} survives the failover`);
  }
  await assert.rejects(cluster.client.stat('/data/medium.bin'), /not found|no such/i);
  assert.deepEqual((await noLeak()).leaked, []);
});
