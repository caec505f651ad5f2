/**
 * A MetaServer whose data directory was damaged on purpose (a flipped byte in a Raft log record,
 * a namespace file cut short) refuses to serve that data and says so on stderr and in its exit code,
 * and `minfs-admin rebuild` brings it back from the others in one command: the node leaves the
 * membership, its damaged directory is moved aside, it rejoins as a non-voter with an empty one,
 * receives the others' state and is promoted. Afterwards all three replicas are identical. A
 * snapshot cut short is skipped: the node's own log and namespace still hold everything.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { tempDir } from '../support/dataserver/temp-dir';
import { flipLogRecordByte, truncateNamespace, truncateNewestSnapshot } from '../support/corrupt-data-dir';
import { MetaClient, staleRead } from '../support/meta-cluster/meta-client';
import { FAST_RAFT, leaderOf, runMetaServerFor, startClusterProcesses, type StartedCluster } from '../support/meta-server-process';
import { admin, adminJson, expectConsistent, type MembersJson, type StatusJson } from '../cli/admin-fixture';

const FILES = 300;

/** A cluster holding /d with FILES files, node 3 stopped (gracefully) after a snapshot of its own. */
interface StoppedThird {
  readonly cluster: StartedCluster;
  readonly third: number;
  readonly id: string;
  readonly dataDir: string;
  /** Node 3's applied index when it stopped. */
  readonly applied: number;
}

async function clusterWithThirdStopped(t: TestContext): Promise<StoppedThird> {
  const dir = tempDir(t);
  const cluster = await startClusterProcesses(t, dir, { clusterId: 'corrupt', raft: FAST_RAFT });
  const writer = new MetaClient(`127.0.0.1:${(await leaderOf(`127.0.0.1:${cluster.ports[0]}`)).port}`);
  t.after(() => writer.close());
  await writer.write('CreateNode', { path: '/d', type: 'Directory' });
  for (let i = 0; i < FILES; i++) await writer.write('CreateNode', { path: `/d/f${i}`, type: 'File' });
  const third = cluster.ports[2]!;
  const id = `meta-${third}`;
  const status = await adminJson<StatusJson>('--servers', cluster.servers, 'status');
  const applied = Number(status.nodes.find((n) => n.id === id)!.applied);
  // A snapshot of its own (the log keeps trailing_logs entries behind it, so both can be damaged).
  const taken = await admin('--servers', `127.0.0.1:${third}`, 'snapshot', 'take');
  assert.equal(taken.code, 0, taken.stderr);
  const node = cluster.nodes.get(third)!;
  node.child.kill('SIGTERM');
  assert.deepEqual(await node.exited, [0, null]);
  return { cluster, third, id, dataDir: path.join(dir, id), applied };
}

/**
 * After `damage` to node 3's directory it must refuse to start (exit 3, the damage and the rebuild
 * command on stderr); then minfs-admin rebuild and a restart with the same command line bring it
 * back identical.
 */
async function damagedNodeIsRefusedThenRebuilt(
  t: TestContext,
  damage: (dataDir: string, applied: number) => Promise<string>,
): Promise<void> {
  const { cluster, third, id, dataDir, applied } = await clusterWithThirdStopped(t);
  const what = await damage(dataDir, applied);

  const refused = runMetaServerFor(t, cluster.args(third));
  const [code] = await refused.exited;
  assert.equal(code, 3, `exit code of a node with ${what}; stderr: ${refused.stderr()}`);
  assert.match(refused.stderr(), /data directory .* is damaged/);
  assert.match(refused.stderr(), new RegExp(`minfs-admin rebuild --servers .* --node-id ${id} --data-dir`));
  assert.ok(!refused.lines.some((l) => l['event'] === 'serving'), 'it never served');

  const others = cluster.ports
    .filter((p) => p !== third)
    .map((p) => `127.0.0.1:${p}`)
    .join(',');
  const rebuild = await admin('--servers', others, 'rebuild', '--node-id', id, '--data-dir', dataDir);
  assert.equal(rebuild.code, 0, rebuild.stderr);
  const back = runMetaServerFor(t, cluster.args(third));
  await back.line((l) => l['event'] === 'serving');
  await back.line((l) => l['message'] === 'rebuilt by minfs-admin rebuild: waiting for the state from the leader');
  // Promotion is the leader's decision, in another process: ask until the membership shows it.
  for (;;) {
    const members = await adminJson<MembersJson>('--servers', others, 'members');
    if (members.members.find((m) => m.id === id)?.suffrage === 'voter') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await expectConsistent(cluster.servers, 3);
  const local = new MetaClient(`127.0.0.1:${third}`);
  try {
    const listing = await local.call('ListDirectory', { path: '/d' }, staleRead());
    assert.equal(listing.nodes.length, FILES);
  } finally {
    local.close();
  }
}

test(
  'a node with a flipped byte in its Raft log refuses to start, names the damage, and minfs-admin rebuild brings it back',
  { timeout: 120_000 },
  async (t) => {
    await damagedNodeIsRefusedThenRebuilt(t, async (dataDir, applied) => {
      const copies = await flipLogRecordByte(dataDir, applied - FILES / 2);
      return `a flipped byte in log record ${applied - FILES / 2} (${copies} copies)`;
    });
  },
);

test(
  'a node whose namespace data file was cut short refuses to start, and minfs-admin rebuild brings it back',
  { timeout: 120_000 },
  async (t) => {
    await damagedNodeIsRefusedThenRebuilt(t, (dataDir) => Promise.resolve(`a truncated namespace ${truncateNamespace(dataDir)}`));
  },
);

test(
  'a snapshot cut short is never used: the node says so, skips it and serves from its own log and namespace',
  { timeout: 120_000 },
  async (t) => {
    const { cluster, third, dataDir } = await clusterWithThirdStopped(t);
    const cut = truncateNewestSnapshot(dataDir);

    const back = runMetaServerFor(t, cluster.args(third));
    const warning = await back.line((l) => typeof l['message'] === 'string' && l['message'].startsWith('skipping a snapshot'));
    assert.ok(cut.includes(String(warning['id'])), `the warning names the damaged snapshot: ${JSON.stringify(warning)}`);
    await back.line((l) => l['event'] === 'serving');
    // A write through whichever node leads now (node 3 may have led and handed over when stopped).
    const leader = new MetaClient(`127.0.0.1:${(await leaderOf(`127.0.0.1:${cluster.ports[0]}`)).port}`);
    t.after(() => leader.close());
    await leader.write('CreateNode', { path: '/d/after', type: 'File' });
    await expectConsistent(cluster.servers, 3);
  },
);
