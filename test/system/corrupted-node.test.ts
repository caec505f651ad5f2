/**
 * A MetaServer whose data directory was damaged on purpose (a flipped byte in a Raft log record,
 * a snapshot cut short) refuses to serve that data and says so on stderr and in its exit code,
 * and `minfs-admin rebuild` brings it back from the others in one command: the node leaves the
 * membership, its damaged directory is moved aside, it rejoins as a non-voter with an empty one,
 * receives the others' state and is promoted. Afterwards all three replicas are identical.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { tempDir } from '../support/dataserver/temp-dir';
import { flipLogRecordByte, truncateNamespace, truncateNewestSnapshot } from '../support/corrupt-data-dir';
import { MetaClient, staleRead } from '../support/meta-cluster/meta-client';
import { leaderOf, metaServerArgs, runMetaServer, writeClusterConfig, type MetaServerProcess } from '../support/meta-server-process';
import { admin, adminJson } from '../cli/admin-fixture';

const FILES = 300;
const RAFT = { heartbeat_timeout: '300ms', election_timeout: '300ms', leader_lease_timeout: '250ms' };

interface StatusJson {
  nodes: { id: string; state: string; applied: string; commit: string }[];
}

function run(t: TestContext, args: readonly string[]): MetaServerProcess {
  const running = runMetaServer(args);
  t.after(() => running.kill());
  return running;
}

interface MembersJson {
  members: { id: string; suffrage: string }[];
}

/**
 * Three nodes, FILES files; node 3 stopped once it holds them all, then `damage` done to its
 * directory; it must refuse to start (exit 3, the damage and the rebuild command on stderr); then
 * minfs-admin rebuild and a restart with the same command line bring it back identical.
 */
async function damagedNodeIsRefusedThenRebuilt(
  t: TestContext,
  damage: (dataDir: string, applied: number) => Promise<string>,
): Promise<void> {
  const dir = tempDir(t);
  const { file, grpc: ports } = await writeClusterConfig(dir, { clusterId: 'corrupt', raft: RAFT });
  const args = (port: number): string[] => metaServerArgs(file, dir, port);
  const nodes = new Map(ports.map((port) => [port, run(t, args(port))]));
  for (const node of nodes.values()) await node.line((l) => l['event'] === 'serving');
  const servers = ports.map((p) => `127.0.0.1:${p}`).join(',');
  const writer = new MetaClient(`127.0.0.1:${(await leaderOf(`127.0.0.1:${ports[0]}`)).port}`);
  t.after(() => writer.close());
  await writer.call('CreateNode', { path: '/d', type: 'Directory' });
  for (let i = 0; i < FILES; i++) await writer.call('CreateNode', { path: `/d/f${i}`, type: 'File' });

  const third = ports[2]!;
  const id = `meta-${third}`;
  const dataDir = path.join(dir, id);
  const status = await adminJson<StatusJson>('--servers', servers, 'status');
  const applied = Number(status.nodes.find((n) => n.id === id)!.applied);
  // A snapshot of its own (the log keeps trailing_logs entries behind it, so both can be damaged).
  const taken = await admin('--servers', `127.0.0.1:${third}`, 'snapshot', 'take');
  assert.equal(taken.code, 0, taken.stderr);
  nodes.get(third)!.child.kill('SIGTERM');
  assert.deepEqual(await nodes.get(third)!.exited, [0, null]);
  const what = await damage(dataDir, applied);

  const refused = run(t, args(third));
  const [code] = await refused.exited;
  assert.equal(code, 3, `exit code of a node with ${what}; stderr: ${refused.stderr()}`);
  assert.match(refused.stderr(), /data directory .* is damaged/);
  assert.match(refused.stderr(), new RegExp(`minfs-admin rebuild --servers .* --node-id ${id} --data-dir`));
  assert.ok(!refused.lines.some((l) => l['event'] === 'serving'), 'it never served');

  const others = ports
    .filter((p) => p !== third)
    .map((p) => `127.0.0.1:${p}`)
    .join(',');
  const rebuild = await admin('--servers', others, 'rebuild', '--node-id', id, '--data-dir', dataDir);
  assert.equal(rebuild.code, 0, rebuild.stderr);
  const back = run(t, args(third));
  await back.line((l) => l['event'] === 'serving');
  await back.line((l) => l['message'] === 'rebuilt by minfs-admin rebuild: waiting for the state from the leader');
  // Promotion is the leader's decision, in another process: ask until the membership shows it.
  for (;;) {
    const members = await adminJson<MembersJson>('--servers', others, 'members');
    if (members.members.find((m) => m.id === id)?.suffrage === 'voter') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const check = await adminJson<{ verdict: string; replicas: { id: string }[] }>('--servers', servers, 'check');
  assert.equal(check.verdict, 'CONSISTENT', JSON.stringify(check));
  assert.equal(check.replicas.length, 3);
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
    const dir = tempDir(t);
    const { file, grpc: ports } = await writeClusterConfig(dir, { clusterId: 'corrupt', raft: RAFT });
    const args = (port: number): string[] => metaServerArgs(file, dir, port);
    const nodes = new Map(ports.map((port) => [port, run(t, args(port))]));
    for (const node of nodes.values()) await node.line((l) => l['event'] === 'serving');
    const writer = new MetaClient(`127.0.0.1:${(await leaderOf(`127.0.0.1:${ports[0]}`)).port}`);
    t.after(() => writer.close());
    await writer.call('CreateNode', { path: '/d', type: 'Directory' });
    for (let i = 0; i < 50; i++) await writer.call('CreateNode', { path: `/d/f${i}`, type: 'File' });
    const third = ports[2]!;
    const taken = await admin('--servers', `127.0.0.1:${third}`, 'snapshot', 'take');
    assert.equal(taken.code, 0, taken.stderr);
    nodes.get(third)!.child.kill('SIGTERM');
    assert.deepEqual(await nodes.get(third)!.exited, [0, null]);
    const cut = truncateNewestSnapshot(path.join(dir, `meta-${third}`));

    const back = run(t, args(third));
    const warning = await back.line((l) => typeof l['message'] === 'string' && l['message'].startsWith('skipping a snapshot'));
    assert.ok(cut.includes(String(warning['id'])), `the warning names the damaged snapshot: ${JSON.stringify(warning)}`);
    await back.line((l) => l['event'] === 'serving');
    const servers = ports.map((p) => `127.0.0.1:${p}`).join(',');
    // A write through whichever node leads now (node 3 may have led and handed over when stopped).
    const leader = new MetaClient(`127.0.0.1:${(await leaderOf(`127.0.0.1:${ports[0]}`)).port}`);
    t.after(() => leader.close());
    await leader.call('CreateNode', { path: '/d/after', type: 'File' });
    const check = await adminJson<{ verdict: string; replicas: { id: string }[] }>('--servers', servers, 'check');
    assert.equal(check.verdict, 'CONSISTENT', JSON.stringify(check));
    assert.equal(check.replicas.length, 3);
  },
);
