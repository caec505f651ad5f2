/**
 * minfs-admin against real metaServer processes: status and members; a fourth node started with
 * --join becomes a non-voter and is promoted to voter once caught up; check finds every replica
 * identical at one checkpoint and reports a replica whose state was altered behind Raft's back;
 * transfer-leader, remove; bad input gets one clear message and a non-zero exit.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { openMetaEnvironment } from '../../src/meta/meta-environment';
import { tempDir } from '../support/dataserver/temp-dir';
import { MetaClient } from '../support/meta-cluster/meta-client';
import { FAST_RAFT, leaderOf, metaServerArgs, runMetaServerFor, startClusterProcesses, type MetaServerProcess } from '../support/meta-server-process';
import { admin, adminJson, configWithFourthPeer, expectConsistent } from './admin-fixture';
import type { CheckJson, MembersJson, StatusJson } from './admin-fixture';


async function startCluster(
  t: TestContext,
): Promise<{ dir: string; file: string; grpc: readonly number[]; nodes: Map<number, MetaServerProcess>; servers: string }> {
  const dir = tempDir(t);
  const { file, ports, nodes, servers } = await startClusterProcesses(t, dir, { clusterId: 'admin-test', raft: FAST_RAFT });
  await leaderOf(`127.0.0.1:${ports[0]}`);
  return { dir, file, grpc: ports, nodes, servers };
}

test(
  'minfs-admin: status, members, a node joining with --join is promoted, check, transfer-leader, remove',
  { timeout: 90_000 },
  async (t) => {
    const { dir, file, grpc, nodes, servers } = await startCluster(t);
    const client = new MetaClient(`127.0.0.1:${grpc[0]}`);
    t.after(() => client.close());
    for (let i = 0; i < 50; i++) await client.write('CreateNode', { path: `/d${i}`, type: 'Directory' });

    const status = await adminJson<StatusJson>('--servers', servers, 'status');
    assert.equal(status.nodes.length, 3);
    assert.equal(status.nodes.filter((n) => n.state === 'leader').length, 1, JSON.stringify(status));
    assert.equal(new Set(status.nodes.map((n) => n.term)).size, 1, 'one term');

    // A fourth node joins through a follower's address (the leader is found from there).
    const fourth = await configWithFourthPeer(file, dir);
    const leaderPort = (await leaderOf(`127.0.0.1:${grpc[0]}`)).port;
    const follower = grpc.find((p) => p !== leaderPort)!;
    const joiner = runMetaServerFor(t, [
      '--config',
      fourth.file,
      '--port',
      String(fourth.grpc),
      '--data-dir',
      path.join(dir, 'meta-4'),
      '--join',
      `127.0.0.1:${follower}`,
    ]);
    await joiner.line((l) => l['message'] === 'join: accepted');
    const leaderNode = nodes.get(leaderPort)!;
    // Logged once the configuration that makes it a voter is committed, and its record updated.
    await leaderNode.line((l) => l['message'] === 'promoter: promoted to voter' && l['id'] === fourth.id);
    const members = await adminJson<MembersJson>('--servers', servers, 'members');
    const joined = members.members.find((m) => m.id === fourth.id);
    assert.deepEqual(
      { suffrage: joined?.suffrage, grpc: joined?.grpc_address, promote: joined?.promote },
      { suffrage: 'voter', grpc: `127.0.0.1:${fourth.grpc}`, promote: false },
    );
    // Every replica, the joined one too, knows its gRPC address (it went through the log): status finds it.
    const four = await adminJson<StatusJson>('--servers', servers, 'status');
    assert.deepEqual(four.nodes.map((n) => n.id).sort(), [...grpc.map((p) => `meta-${p}`), fourth.id].sort());

    const check = await expectConsistent(servers, 4);
    assert.equal(new Set(check.replicas.map((r) => r.index)).size, 1, 'every digest is at the same index');

    // Leadership to the joined node, then it serves writes as the leader.
    const moved = await admin('--servers', servers, 'transfer-leader', fourth.id);
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(moved.stdout, new RegExp(`leadership moved to ${fourth.id}`));
    assert.equal((await leaderOf(`127.0.0.1:${grpc[0]}`)).port, fourth.grpc);
    await client.write('CreateNode', { path: '/after-transfer', type: 'Directory' });

    // Removing a voter: the leader (the joined node) removes an original node.
    const removed = await admin('--servers', servers, 'remove', `meta-${follower}`);
    assert.equal(removed.code, 0, removed.stderr);
    const three = await adminJson<MembersJson>('--servers', `127.0.0.1:${fourth.grpc}`, 'members');
    assert.deepEqual(
      three.members.map((m) => m.id).sort(),
      [...grpc.filter((p) => p !== follower).map((p) => `meta-${p}`), fourth.id].sort(),
    );
    void joiner;
  },
);

test('minfs-admin check reports a replica whose namespace was changed behind Raft', { timeout: 60_000 }, async (t) => {
  const { dir, grpc, nodes, servers } = await startCluster(t);
  const client = new MetaClient(`127.0.0.1:${grpc[0]}`);
  t.after(() => client.close());
  for (let i = 0; i < 20; i++) await client.write('CreateNode', { path: `/f${i}`, type: 'Directory' });
  await expectConsistent(servers, 3);

  // Stop a follower, add a record to its namespace directly, start it again.
  const leaderPort = (await leaderOf(`127.0.0.1:${grpc[0]}`)).port;
  const victim = grpc.find((p) => p !== leaderPort)!;
  const node = nodes.get(victim)!;
  node.child.kill('SIGTERM');
  await node.exited;
  const env = openMetaEnvironment(path.join(dir, `meta-${victim}`, 'namespace'));
  await env.trash.put(999_999, 1);
  await env.root.close();
  const restarted = runMetaServerFor(t, metaServerArgs(path.join(dir, 'config.yaml'), dir, victim));
  await restarted.line((l) => l['event'] === 'serving');

  const run2 = await admin('--json', '--servers', servers, 'check');
  const check = JSON.parse(run2.stdout) as CheckJson;
  assert.equal(check.verdict, 'DIFFERENT', JSON.stringify(check));
  assert.equal(run2.code, 1);
  const odd = check.replicas.filter((r) => r.hash !== check.replicas.find((x) => x.id !== `meta-${victim}`)!.hash);
  assert.deepEqual(
    odd.map((r) => r.id),
    [`meta-${victim}`],
  );
});

test('minfs-admin: bad input gets one clear message and a non-zero exit, and changes nothing', { timeout: 60_000 }, async (t) => {
  const { servers } = await startCluster(t);
  const before = await adminJson<MembersJson>('--servers', servers, 'members');
  const cases: [string[], number, RegExp][] = [
    [['add-voter', 'x', 'not-an-address'], 1, /raft_address must be host:port/],
    [['add-voter', 'has space', '127.0.0.1:1'], 1, /id must be a non-empty name without spaces/],
    [['remove', 'nobody'], 1, /nobody is not a member/],
    [['transfer-leader', 'nobody'], 1, /nobody/],
    [['frobnicate'], 2, /unknown command/],
    [['--timeout', 'soon', 'status'], 2, /invalid --timeout/],
    [['snapshot', 'restore', '/no/such/file'], 2, /no such file/],
    [['recover', '--data-dir', '/tmp/x', '--node-id', 'a', '--peers', 'a=127.0.0.1:1'], 2, /--yes/],
  ];
  for (const [argv, code, message] of cases) {
    const result = await admin('--servers', servers, ...argv);
    assert.equal(result.code, code, `${argv.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, argv.join(' '));
  }
  const unreachable = await admin('--servers', '127.0.0.1:1', 'members');
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /no MetaServer answered/);
  assert.deepEqual(await adminJson<MembersJson>('--servers', servers, 'members'), before);
});

async function exists(client: MetaClient, p: string): Promise<boolean> {
  return client.call('GetNodeInfo', { path: p }).then(
    () => true,
    (error: { code?: number }) => {
      if (error.code === 5) return false; // NOT_FOUND
      throw error;
    },
  );
}

test(
  'minfs-admin snapshot save, then restore: every replica goes back to the saved namespace; a file that is not one is refused',
  { timeout: 90_000 },
  async (t) => {
    const { dir, grpc, servers } = await startCluster(t);
    const client = new MetaClient(`127.0.0.1:${grpc[0]}`);
    t.after(() => client.close());
    for (let i = 0; i < 30; i++) await client.write('CreateNode', { path: `/saved${i}`, type: 'Directory' });
    const file = path.join(dir, 'backup.snapshot');
    const saved = await admin('--servers', servers, 'snapshot', 'save', file);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stdout, /saved \d+ bytes/);

    await client.write('CreateNode', { path: '/after-save', type: 'Directory' });
    await client.write('DeleteNode', { path: '/saved0', recursive: false });
    const garbage = path.join(dir, 'garbage.snapshot');
    writeFileSync(garbage, Buffer.alloc(100_000, 7));
    const refused = await admin('--servers', servers, 'snapshot', 'restore', garbage);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not a namespace snapshot/);
    assert.ok(await exists(client, '/after-save'), 'a refused restore changes nothing');

    const restored = await admin('--servers', servers, 'snapshot', 'restore', file);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /every replica follows from index \d+/);
    // Asked of the leader: a follower may still be installing the restored state (it answers UNAVAILABLE meanwhile).
    const leader = new MetaClient(`127.0.0.1:${(await leaderOf(`127.0.0.1:${grpc[0]}`)).port}`);
    t.after(() => leader.close());
    assert.equal(await exists(leader, '/after-save'), false, 'written after the save: gone');
    assert.equal(await exists(leader, '/saved0'), true, 'deleted after the save: back');
    await leader.write('CreateNode', { path: '/after-restore', type: 'Directory' });
    await expectConsistent(servers, 3);
  },
);

test(
  'minfs-admin recover: the survivor of a cluster that lost two nodes for good starts alone with its data; a fresh node joins it',
  { timeout: 90_000 },
  async (t) => {
    const { dir, file, grpc, nodes } = await startCluster(t);
    const client = new MetaClient(`127.0.0.1:${grpc[0]}`);
    t.after(() => client.close());
    for (let i = 0; i < 20; i++) await client.write('CreateNode', { path: `/kept${i}`, type: 'Directory' });
    const [survivor, ...lost] = grpc as [number, number, number];
    for (const port of lost) {
      nodes.get(port)!.kill();
      await nodes.get(port)!.exited;
    }
    const peers = (parse(readFileSync(file, 'utf8')) as { raft: { peers: { id: string; raft_addr: string }[] } }).raft.peers;
    const self = peers.find((p) => p.id === `meta-${survivor}`)!;
    const recoverArgs = [
      'recover',
      '--data-dir',
      path.join(dir, `meta-${survivor}`),
      '--node-id',
      self.id,
      '--peers',
      `${self.id}=${self.raft_addr}`,
      '--yes',
    ];
    const busy = await admin(...recoverArgs);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /in use by process \d+: stop that metaServer first/);
    const old = nodes.get(survivor)!;
    old.child.kill('SIGTERM');
    await old.exited;

    const recovered = await admin(...recoverArgs);
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.match(recovered.stdout, new RegExp(`recovered ${self.id}: state at index \\d+`));
    const again = runMetaServerFor(t, metaServerArgs(file, dir, survivor));
    await again.line((l) => l['event'] === 'serving');
    assert.equal((await leaderOf(`127.0.0.1:${survivor}`)).port, survivor, 'it elects itself alone');
    const alone = new MetaClient(`127.0.0.1:${survivor}`);
    t.after(() => alone.close());
    for (let i = 0; i < 20; i++) assert.ok(await exists(alone, `/kept${i}`), `/kept${i}`);
    await alone.write('CreateNode', { path: '/after-recovery', type: 'Directory' });

    const fourth = await configWithFourthPeer(file, dir);
    const joiner = runMetaServerFor(t, [
      '--config',
      fourth.file,
      '--port',
      String(fourth.grpc),
      '--data-dir',
      path.join(dir, 'meta-4'),
      '--join',
      `127.0.0.1:${survivor}`,
    ]);
    await again.line((l) => l['message'] === 'promoter: promoted to voter' && l['id'] === fourth.id);
    const check = await expectConsistent(`127.0.0.1:${survivor}`, 2);
    assert.deepEqual(check.replicas.map((r) => r.id).sort(), [self.id, fourth.id].sort());
    void joiner;
  },
);
