/**
 * config.yaml of a MetaServer: the repository's file loads as it documents, and a broken one gets
 * every problem reported with its key path at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { formatDurationMs, parseDurationMs } from '../../src/cli/durations';
import { loadMetaServerConfig, parseMetaServerConfig } from '../../src/cli/meta-server-config';
import { DEFAULT_UPKEEP } from '../../src/cluster/upkeep-settings';

const REPO_CONFIG = path.resolve(__dirname, '../../../config.yaml');

test("the repository's config.yaml loads: the original's peers and timings, ours beside them", () => {
  const config = loadMetaServerConfig(REPO_CONFIG);
  assert.ok(!Array.isArray(config), `problems: ${JSON.stringify(config)}`);
  assert.deepEqual(
    config.peers.map((p) => [p.id, p.raftAddr, p.grpcAddr]),
    [
      ['meta-9090', '127.0.0.1:9190', '127.0.0.1:9090'],
      ['meta-9091', '127.0.0.1:9191', '127.0.0.1:9091'],
      ['meta-9092', '127.0.0.1:9192', '127.0.0.1:9092'],
    ],
  );
  assert.equal(config.grpcPort, 9090);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.raft.heartbeatTimeoutMs, 1000);
  assert.equal(config.raft.snapshotMaxEntries, 100_000);
  assert.equal(config.raft.deferSnapshotCopies, true);
  assert.deepEqual(config.upkeep, DEFAULT_UPKEEP, 'the file states the upkeep defaults');
  assert.deepEqual(config.etcd.endpoints, ['localhost:2379']);
});

test('an empty document needs only raft.peers; everything else has its default', () => {
  assert.deepEqual(parseMetaServerConfig({}), ['raft.peers: is missing: list every MetaServer as {id, raft_addr, grpc_addr}']);
  const config = parseMetaServerConfig({ raft: { peers: [{ id: 'a', raft_addr: 'h:1', grpc_addr: 'h:2' }], heartbeat_timeout: '2s' } });
  assert.ok(!Array.isArray(config));
  assert.equal(config.dataDir, './metadb');
  assert.equal(config.raft.heartbeatTimeoutMs, 2000, "the original's duration key is honoured");
  assert.deepEqual(Object.keys(config.raft), ['heartbeatTimeoutMs'], 'only what the file sets');
});

test('every problem, with its key path, all at once', () => {
  const problems = parseMetaServerConfig({
    servre: {},
    server: { grpc_port: 70000, hots: 'x' },
    cluster: { heartbeat_timeout: '10 seconds', default_replication: 0 },
    etcd: { endpoints: 'localhost:2379' },
    raft: {
      peers: [
        { id: 'a', raft_addr: 'h:1', grpc_addr: 'h:2' },
        { id: 'a', raft_addr: 'nowhere', grpc_addr: 'h:3' },
        { raft_addr: 'h:5', grpc_addr: 'h:6' },
        'meta-9092',
      ],
      heartbeat_timeout: '1s',
      heartbeat_timeout_ms: 1000,
      leader_lease_timeout_ms: 5000,
      max_append_entries: 'many',
    },
    scheduler: { block_size: 1024 },
    logging: { level: 'loud' },
  });
  assert.ok(Array.isArray(problems));
  const expected = [
    /^servre: unknown section/,
    /^server\.grpc_port: must be an integer from 1 to 65535, got 70000$/,
    /^server\.hots: unknown key$/,
    /^cluster\.default_replication: must be an integer from 1 to 16, got 0$/,
    /^cluster\.heartbeat_timeout: "10 seconds" is not a duration/,
    /^etcd\.endpoints: must be a list of non-empty strings/,
    /^raft\.peers\[1\]\.raft_addr: must be host:port, got "nowhere"$/,
    /^raft\.peers\[2\]\.id: is missing$/,
    /^raft\.peers\[3\]: must be a mapping/,
    /^raft\.peers: id a appears twice$/,
    /^raft\.heartbeat_timeout_ms: sets the same thing as raft\.heartbeat_timeout: keep one of them$/,
    /^raft\.max_append_entries: must be an integer >= 1, got many$/,
    /^raft\.leader_lease_timeout_ms: must not exceed heartbeatTimeoutMs|^raft\.max_append_entries/,
    /^scheduler\.block_size: must be 4194304/,
    /^logging\.level: must be one of debug, info, warn, error, got "loud"$/,
  ];
  for (const pattern of expected)
    assert.ok(
      problems.some((p) => pattern.test(p)),
      `no problem matches ${pattern}:\n${problems.join('\n')}`,
    );
});

test('durations: Go-style, whole milliseconds', () => {
  assert.equal(parseDurationMs('1m30s'), 90_000);
  assert.equal(parseDurationMs('500ms'), 500);
  assert.equal(parseDurationMs('1.5s'), 1_500);
  assert.equal(parseDurationMs('2h'), 7_200_000);
  for (const bad of ['', '10', '10 s', 's', '1d', '0.5ms']) assert.equal(typeof parseDurationMs(bad), 'object', bad);
  assert.equal(formatDurationMs(90_000), '90s');
  assert.equal(formatDurationMs(120_000), '2m');
  assert.equal(formatDurationMs(1_500), '1500ms');
});
