/**
 * config.yaml of a MetaServer: the repository's file loads as it documents, and a broken one gets
 * every problem reported with its key path at once.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { formatDurationMs, parseDurationMs } from '../../src/cli/durations';
import { loadMetaServerConfig, parseMetaServerConfig } from '../../src/cli/meta-server-config';
import { DEFAULT_UPKEEP } from '../../src/cluster/upkeep-settings';
import { makeTestPki, type TestPki } from '../support/tls-certificates';

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

/** Certificates in a directory of the test's own. */
function pkiFor(t: TestContext): { dir: string; pki: TestPki } {
  const dir = mkdtempSync(path.join(tmpdir(), 'config-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, pki: makeTestPki(dir) };
}

const PEERS = { peers: [{ id: 'a', raft_addr: 'h:1', grpc_addr: 'h:2' }] };

test('tls: the gRPC port, the Raft port and etcd each get their files; nothing set is plaintext', (t) => {
  const plain = parseMetaServerConfig({ raft: PEERS });
  assert.ok(!Array.isArray(plain));
  assert.deepEqual(plain.tls, { grpc: undefined, raft: undefined });
  assert.equal(plain.etcd.tls, undefined);

  const { pki } = pkiFor(t);
  const { certFile: cert_file, keyFile: key_file } = pki.nodeA;
  const config = parseMetaServerConfig({
    raft: PEERS,
    etcd: { tls: { ca_file: pki.caFile, cert_file, key_file } },
    tls: {
      grpc: { cert_file, key_file, ca_file: pki.caFile, require_client_cert: true },
      raft: { cert_file, key_file, ca_file: pki.caFile },
    },
  });
  assert.ok(!Array.isArray(config), `problems: ${JSON.stringify(config)}`);
  assert.deepEqual(config.tls.grpc, { cert: pki.nodeA.cert, key: pki.nodeA.key, ca: pki.ca, requireClientCert: true });
  assert.deepEqual(config.tls.raft, { cert: pki.nodeA.cert, key: pki.nodeA.key, ca: pki.ca });
  assert.deepEqual(config.etcd.tls, { ca: pki.ca, cert: pki.nodeA.cert, key: pki.nodeA.key });
  // TLS on the port without client certificates needs no CA; etcd's server check needs only its CA.
  const serverOnly = parseMetaServerConfig({ raft: PEERS, etcd: { tls: { ca_file: pki.caFile } }, tls: { grpc: { cert_file, key_file } } });
  assert.ok(!Array.isArray(serverOnly), `problems: ${JSON.stringify(serverOnly)}`);
  assert.deepEqual(serverOnly.tls.grpc, { cert: pki.nodeA.cert, key: pki.nodeA.key, ca: undefined, requireClientCert: false });
  assert.deepEqual(serverOnly.etcd.tls, { ca: pki.ca, cert: undefined, key: undefined });
});

test('tls: missing, unreadable, not PEM, mismatched and half-configured, every problem with its key path', (t) => {
  const { dir, pki } = pkiFor(t);
  const notPem = path.join(dir, 'not-pem.txt');
  writeFileSync(notPem, 'hello');
  const aDirectory = path.join(dir, 'a-directory');
  mkdirSync(aDirectory);
  const missing = path.join(dir, 'missing.crt');
  const problems = parseMetaServerConfig({
    raft: PEERS,
    etcd: { tls: { cert_file: pki.nodeA.certFile } },
    tls: {
      grpc: { cert_file: missing, require_client_cert: true },
      raft: { cert_file: pki.nodeA.certFile, key_file: pki.nodeB.keyFile, ca_file: notPem, cafile: 'x' },
      quic: {},
    },
  });
  assert.ok(Array.isArray(problems));
  const expected = [
    /^etcd\.tls\.ca_file: is missing/,
    /^etcd\.tls\.key_file: is missing: cert_file and key_file go together$/,
    /^tls\.grpc\.cert_file: \S+\/missing\.crt cannot be read \(ENOENT\)$/,
    /^tls\.grpc\.key_file: is missing: cert_file and key_file go together$/,
    /^tls\.grpc\.require_client_cert: needs ca_file/,
    /^tls\.raft\.ca_file: .*not-pem\.txt is not PEM/,
    /^tls\.raft\.cafile: unknown key$/,
    /^tls\.raft\.cert_file: does not go with key_file/,
    /^tls\.quic: unknown key$/,
  ];
  for (const pattern of expected)
    assert.ok(
      problems.some((p) => pattern.test(p)),
      `no problem matches ${pattern}:\n${problems.join('\n')}`,
    );
  assert.equal(problems.length, expected.length, problems.join('\n'));

  const more = parseMetaServerConfig({
    raft: PEERS,
    tls: { grpc: { ca_file: pki.caFile }, raft: { key_file: aDirectory } },
  });
  assert.ok(Array.isArray(more));
  assert.deepEqual(more.sort(), [
    'tls.grpc.ca_file: is set but cert_file and key_file are not: the port needs a certificate and key to serve TLS',
    `tls.raft.ca_file: is missing: mutual TLS between MetaServers needs cert_file, key_file and ca_file`,
    `tls.raft.cert_file: is missing: mutual TLS between MetaServers needs cert_file, key_file and ca_file`,
    `tls.raft.key_file: ${aDirectory} cannot be read (EISDIR)`,
  ]);
});

test("tls: config.yaml's commented TLS keys are the ones the loader reads", () => {
  // Uncomment every TLS key of the repository's file: the only problems left are its example paths.
  const text = readFileSync(REPO_CONFIG, 'utf8').replace(
    /^(\s*)# (\s*(?:tls|cert_file|key_file|ca_file|require_client_cert):.*)$/gm,
    (_, indent: string, rest: string) => `${indent}${rest.replace(/^(\s*require_client_cert:).*/, '$1 true')}`,
  );
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'config-yaml-')), 'config.yaml');
  try {
    writeFileSync(file, text);
    const problems = loadMetaServerConfig(file);
    assert.ok(Array.isArray(problems));
    assert.equal(problems.length, 9, problems.join('\n'));
    for (const p of problems) assert.match(p, /^(tls\.(grpc|raft)|etcd\.tls)\.(cert|key|ca)_file: \.\/tls\/\S+ cannot be read \(ENOENT\)$/);
  } finally {
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
