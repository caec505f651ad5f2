/**
 * The metaServer command (src/cli/meta-server.ts) as operators run it: the original's flags,
 * config.yaml, --bootstrap on every node at first start and again on restart (noted and ignored),
 * SIGTERM (leadership handed over, exit 0), and each refused start with one clear line and exit 2.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { Etcd3 } from 'etcd3';
import { tempDir } from '../support/dataserver/temp-dir';
import { EtcdServer, etcdMissing } from '../support/etcd-server';
import { freePorts } from '../support/free-ports';
import { MetaClient } from '../support/meta-cluster/meta-client';
import {
  leaderOf,
  metaServerArgs,
  runMetaServerFor,
  textOf,
  writeClusterConfig,
} from '../support/meta-server-process';
import { EtcdLeaderView } from '../support/etcd-leader-view';


async function clusterConfig(t: TestContext, etcdEndpoint?: string): Promise<{ file: string; dir: string; grpc: readonly number[] }> {
  const dir = tempDir(t);
  const { file, grpc } = await writeClusterConfig(dir, {
    ...(etcdEndpoint === undefined ? {} : { etcdEndpoint }),
    clusterId: 'cli-test',
    raft: { heartbeat_timeout: '300ms', election_timeout: '300ms', leader_lease_timeout: '250ms' },
  });
  return { file, dir, grpc };
}

/** "host:port" of the leader, as GetLeader on `address` reports it once there is one. */
async function leaderAddressVia(address: string): Promise<string> {
  const { host, port } = await leaderOf(address);
  return `${host}:${port}`;
}

test(
  'metaServer: three nodes with --bootstrap, a leader stopped by SIGTERM hands over, a restart with --bootstrap keeps the data',
  { timeout: 60_000 },
  async (t) => {
    // With etcd where it is installed: every node registers, and the leader flag moves with the leadership.
    const etcd = etcdMissing() === undefined ? await EtcdServer.start() : undefined;
    if (etcd !== undefined) t.after(() => etcd.stop());
    const etcdClient = etcd === undefined ? undefined : new Etcd3({ hosts: `http://${etcd.endpoint}` });
    if (etcdClient !== undefined) t.after(() => etcdClient.close());
    const { file, dir, grpc } = await clusterConfig(t, etcd?.endpoint);
    const etcdView = etcdClient === undefined ? undefined : await EtcdLeaderView.open(etcdClient);
    if (etcdView !== undefined) t.after(() => etcdView.close());
    /** Waits until etcd names exactly `port`'s node as the leader (on etcd's watch events). */
    const etcdNamesLeader = async (port: number): Promise<void> => etcdView?.until(`meta-${port}`);
    const argsOf = (port: number): string[] => metaServerArgs(file, dir, port);
    const nodes = new Map(grpc.map((port) => [port, runMetaServerFor(t, argsOf(port))]));
    for (const node of nodes.values()) await node.line((l) => l['event'] === 'serving');
    const leaderAddress = await leaderAddressVia(`127.0.0.1:${grpc[0]}`);
    const leaderPort = Number(leaderAddress.split(':')[1]);
    assert.ok(grpc.includes(leaderPort), `leader ${leaderAddress}`);
    const bootstrapped = [...nodes.values()].filter((n) => n.lines.some((l) => l['message'] === 'bootstrapped the cluster'));
    assert.ok(bootstrapped.length >= 1, 'a node wrote the first configuration');

    await etcdNamesLeader(leaderPort);
    const client = new MetaClient(leaderAddress);
    t.after(() => client.close());
    await client.write('CreateNode', { path: '/kept', type: 'Directory' });

    const leader = nodes.get(leaderPort)!;
    leader.child.kill('SIGTERM');
    assert.deepEqual(await leader.exited, [0, null], `exit 0 after SIGTERM; stderr: ${leader.stderr()}`);
    assert.ok(
      leader.lines.some((l) => l['message'] === 'leadership handed over'),
      `it handed the leadership over before stopping: ${JSON.stringify(leader.lines.slice(-5))}`,
    );
    // Its log file (config: logs/{id}.log) holds the same lines, flushed to the last before the exit.
    const logLines = readFileSync(path.join(dir, 'logs', `meta-${leaderPort}.log`), 'utf8')
      .trim()
      .split('\n');
    assert.equal((JSON.parse(logLines.at(-1)!) as { message: string }).message, 'stopped', 'the log ends with the stop');
    assert.ok(logLines.some((l) => l.includes('"leadership handed over"')));
    const other = grpc.find((p) => p !== leaderPort)!;
    const next = await leaderAddressVia(`127.0.0.1:${other}`);
    assert.notEqual(next, leaderAddress, 'another node leads');
    await etcdNamesLeader(Number(next.split(':')[1])); // and no other key claims it

    const again = runMetaServerFor(t, argsOf(leaderPort));
    await again.line((l) => l['event'] === 'serving');
    assert.ok(
      again.lines.some((l) => l['message'] === '--bootstrap ignored: this node already has state'),
      'bootstrap on existing state is noted and ignored',
    );
    await leaderAddressVia(`127.0.0.1:${leaderPort}`); // it has heard from the leader: its reads can be linearizable
    const restarted = new MetaClient(`127.0.0.1:${leaderPort}`);
    t.after(() => restarted.close());
    const info = await restarted.call('GetNodeInfo', { path: '/kept' });
    assert.equal(info.statInfo?.path, '/kept', 'the restarted node serves what was written before');

    nodes.set(leaderPort, again);
    for (const node of nodes.values()) node.child.kill('SIGTERM');
    for (const node of nodes.values()) assert.deepEqual(await node.exited, [0, null], node.stderr());
  },
);

test('metaServer: with etcd unreachable the nodes still elect a leader and take writes', { timeout: 30_000 }, async (t) => {
  const { file, dir, grpc } = await clusterConfig(t); // etcd at a port nobody listens on
  const [metricsPort] = await freePorts(1);
  const nodes = grpc.map((port, i) => runMetaServerFor(t, metaServerArgs(file, dir, port, i === 0 ? ['--metrics-port', String(metricsPort)] : [])));
  for (const node of nodes) await node.line((l) => l['event'] === 'serving');
  const leader = await leaderAddressVia(`127.0.0.1:${grpc[0]}`);
  const client = new MetaClient(leader);
  t.after(() => client.close());
  await client.write('CreateNode', { path: '/without-etcd', type: 'Directory' }, 5_000);
  assert.ok(
    nodes.some((n) => n.lines.some((l) => l['message'] === 'etcd: cannot register; retrying')),
    'the registration keeps trying in the background',
  );
  // The operator endpoints of the node given --metrics-port.
  const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
  assert.equal(health.status, 200);
  assert.match(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(), /^minfs_raft_term \d+$/m);
  for (const node of nodes) node.child.kill('SIGTERM');
  for (const node of nodes) assert.deepEqual(await node.exited, [0, null], node.stderr());
});

test('metaServer: refused starts say why in one line and exit 2; --version and --help answer', async (t) => {
  const { file, dir, grpc } = await clusterConfig(t);
  const version = runMetaServerFor(t, ['--version']);
  assert.deepEqual(await version.exited, [0, null]);
  assert.match(version.lines.map(textOf).join('\n'), /^\d+\.\d+\.\d+$/m);

  const help = runMetaServerFor(t, ['--help']);
  assert.deepEqual(await help.exited, [0, null]);
  const helpText = help.lines.map(textOf).join('\n');
  for (const flag of ['--config', '--port', '--raft-port', '--node-id', '--data-dir', '--bootstrap', '--version'])
    assert.ok(helpText.includes(flag), flag);

  const unknown = runMetaServerFor(t, ['--bogus']);
  assert.notEqual((await unknown.exited)[0], 0);
  assert.match(unknown.stderr(), /unknown option '--bogus'/);

  const missing = runMetaServerFor(t, ['--config', path.join(dir, 'absent.yaml')]);
  assert.deepEqual(await missing.exited, [2, null]);
  assert.match(missing.stderr(), /absent\.yaml: cannot be read \(ENOENT\)/);

  const broken = path.join(dir, 'broken.yaml');
  writeFileSync(broken, 'raft:\n  peers: []\n  heartbeat_timeout: soon\nserver:\n  grpc_port: -1\n');
  const invalid = runMetaServerFor(t, ['--config', broken]);
  assert.deepEqual(await invalid.exited, [2, null]);
  for (const key of ['raft.peers', 'raft.heartbeat_timeout', 'server.grpc_port'])
    assert.match(invalid.stderr(), new RegExp(`broken\\.yaml: ${key.replace('.', '\\.')}: `));

  const stranger = runMetaServerFor(t, ['--config', file, '--node-id', 'meta-1', '--data-dir', path.join(dir, 'x')]);
  assert.deepEqual(await stranger.exited, [2, null]);
  assert.match(stranger.stderr(), /node id meta-1 is not in raft\.peers/);

  // Its gRPC port is taken by something else.
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(grpc[0], '127.0.0.1', resolve));
  t.after(() => squatter.close());
  const busy = runMetaServerFor(t, ['--config', file, '--port', String(grpc[0]), '--data-dir', path.join(dir, 'busy')]);
  assert.deepEqual(await busy.exited, [2, null], busy.stderr());
  assert.match(busy.stderr(), /a port is in use/);
});

test('metaServer: a data directory in use, of another cluster, or at a changed Raft address is refused with exit 2, and its data is kept', { timeout: 60_000 }, async (t) => {
  const { file, dir, grpc } = await clusterConfig(t);
  const nodes = grpc.map((port) => runMetaServerFor(t, metaServerArgs(file, dir, port)));
  for (const node of nodes) await node.line((l) => l['event'] === 'serving');
  const leader = await leaderAddressVia(`127.0.0.1:${grpc[0]}`);
  const client = new MetaClient(leader);
  t.after(() => client.close());
  await client.write('CreateNode', { path: '/kept', type: 'Directory' });

  // A second process on a directory in use.
  const twin = runMetaServerFor(t, ['--config', file, '--port', String(grpc[0]), '--data-dir', path.join(dir, `meta-${grpc[0]}`), '--bootstrap']);
  assert.deepEqual(await twin.exited, [2, null], twin.stderr());
  assert.match(twin.stderr(), /is in use by process \d+/);

  for (const node of nodes) node.child.kill('SIGTERM');
  for (const node of nodes) assert.deepEqual(await node.exited, [0, null], node.stderr());

  // Node 1's directory started with another cluster's configuration.
  const otherDir = tempDir(t);
  const other = await writeClusterConfig(otherDir, { clusterId: 'cli-test' });
  const foreign = runMetaServerFor(t, ['--config', other.file, '--port', String(other.grpc[0]), '--data-dir', path.join(dir, `meta-${grpc[0]}`), '--bootstrap']);
  assert.deepEqual(await foreign.exited, [2, null], foreign.stderr());
  assert.match(foreign.stderr(), /shares no node with raft\.peers/);
  assert.equal(foreign.stderr().trim().split('\n').length, 1, 'one line');

  // Node 1's Raft address changed in config.yaml.
  const [moved] = await freePorts(1);
  const movedFile = path.join(dir, 'moved.yaml');
  writeFileSync(movedFile, readFileSync(file, 'utf8').replace(/raft_addr: 127\.0\.0\.1:(\d+)/, `raft_addr: 127.0.0.1:${moved}`));
  const relocated = runMetaServerFor(t, metaServerArgs(movedFile, dir, grpc[0]!));
  assert.deepEqual(await relocated.exited, [2, null], relocated.stderr());
  assert.match(relocated.stderr(), /would listen at 127\.0\.0\.1:\d+: its peers would dial the old address/);

  // The original command lines bring the cluster back with its data.
  const again = grpc.map((port) => runMetaServerFor(t, metaServerArgs(file, dir, port)));
  for (const node of again) await node.line((l) => l['event'] === 'serving');
  const back = new MetaClient(await leaderAddressVia(`127.0.0.1:${grpc[0]}`));
  t.after(() => back.close());
  const kept = await back.call('GetNodeInfo', { path: '/kept' });
  assert.equal(kept.statInfo?.path, '/kept', JSON.stringify(kept));
});
