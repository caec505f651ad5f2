/**
 * A DataServer's calls to the MetaServers over TLS (DataServerOptions.metaTls), against a fake
 * MetaServer on a TLS port that requires client certificates: with the CA and a certificate of
 * the cluster it heartbeats; without TLS, or without a client certificate, every heartbeat fails
 * and the failure says what the MetaServer answered and what likely fixes it.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { DataServerOptions } from '../../src/dataserver';
import { startDataServer } from '../support/dataserver/dataserver-fleet';
import { FakeMetaServer } from '../support/dataserver/fake-metaserver';
import { makeTempDir, removeDir } from '../support/dataserver/temp-dir';
import { makeTestPki, type TestPki } from '../support/tls-certificates';

const FAST: Partial<DataServerOptions> = {
  heartbeatIntervalMs: 30,
  metaRpcTimeoutMs: 2000,
  rediscoveryBackoff: { initialMs: 5, maxMs: 40 },
};

/** Each test waits on an event: a broken TLS setup must fail it rather than leave it waiting. */
const WAIT = { timeout: 10_000 };

let dir: string;
let pki: TestPki;
before(() => {
  dir = makeTempDir('ds-meta-tls-');
  pki = makeTestPki(dir);
});
after(() => removeDir(dir));

/** A leader on a TLS port with the cluster's certificate, requiring client certificates of the cluster CA. */
async function tlsLeader(t: TestContext): Promise<FakeMetaServer> {
  const credentials = grpc.ServerCredentials.createSsl(pki.ca, [{ cert_chain: pki.nodeA.cert, private_key: pki.nodeA.key }], true);
  const meta = await FakeMetaServer.start(credentials);
  t.after(() => meta.stop());
  meta.role = 'leader';
  meta.believedLeader = meta.address;
  return meta;
}

test('with the CA and a client certificate, leader lookup and heartbeats go over TLS', WAIT, async (t) => {
  const meta = await tlsLeader(t);
  const ds = await startDataServer(t, 'dataServer-1', {
    ...FAST,
    metaServers: [meta.address],
    metaTls: { ca: pki.ca, cert: pki.nodeB.cert, key: pki.nodeB.key },
  });
  const heartbeat = await ds.server.waitFor('heartbeat');
  assert.equal(heartbeat.leader, meta.address);
  assert.equal((await meta.nextHeartbeat(() => true)).dataServer_id, 'dataServer-1');
});

test('plaintext to a TLS port: every heartbeat fails, naming --meta-ca', WAIT, async (t) => {
  const meta = await tlsLeader(t);
  const ds = await startDataServer(t, 'dataServer-1', { ...FAST, metaServers: [meta.address] });
  const failed = await ds.server.waitFor('heartbeat-failed');
  assert.match(failed.error, /no MetaServer named a leader \(127\.0\.0\.1:\d+: UNAVAILABLE: .*Failed to connect/);
  assert.match(failed.error, /if the MetaServers serve TLS \(tls\.grpc\), they drop plaintext calls: give their CA with --meta-ca/);
  assert.equal(meta.heartbeats.length, 0);
});

test('the CA without a client certificate, where one is required: the failure names --meta-cert', WAIT, async (t) => {
  const meta = await tlsLeader(t);
  const ds = await startDataServer(t, 'dataServer-1', { ...FAST, metaServers: [meta.address], metaTls: { ca: pki.ca } });
  const failed = await ds.server.waitFor('heartbeat-failed');
  assert.match(failed.error, /require a client certificate \(tls\.grpc\.require_client_cert\): give --meta-cert and --meta-key/);
  assert.equal(meta.heartbeats.length, 0);
});

test('a CA that did not sign the MetaServer certificate: the failure says so', WAIT, async (t) => {
  const meta = await tlsLeader(t);
  const ds = await startDataServer(t, 'dataServer-1', {
    ...FAST,
    metaServers: [meta.address],
    metaTls: { ca: pki.strangerCa, cert: pki.nodeB.cert, key: pki.nodeB.key },
  });
  const failed = await ds.server.waitFor('heartbeat-failed');
  assert.match(failed.error, /certificate is not signed by the CA given \(--meta-ca\)/);
});
