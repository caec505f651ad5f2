/**
 * The MetaServer's etcd registration over TLS, against a real etcd that serves https and requires
 * client certificates: with config.yaml's etcd.tls (CA, certificate, key) the key is written; with
 * no TLS, or with the CA but no client certificate, no write gets through.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { silentLogger } from '../../src/raft';
import { EtcdRegistration, META_NODES_PREFIX, type EtcdTlsOptions, type LeadershipSource } from '../../src/server/etcd-registration';
import { etcdMissing } from '../support/etcd-server';
import { freePorts } from '../support/free-ports';
import { makeTestPki, type TestPki } from '../support/tls-certificates';

const follower: LeadershipSource = { state: () => 'follower', on: () => () => {} };

/** An etcd on https that requires client certificates of the test CA; stopped when the test ends. */
async function tlsEtcd(t: TestContext): Promise<{ endpoint: string; pki: TestPki; client: Etcd3 }> {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pki = makeTestPki(dir);
  const [clientPort, peerPort] = (await freePorts(2)) as [number, number];
  const clientUrl = `https://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    'etcd',
    [
      ...['--name', 'tls', '--data-dir', join(dir, 'data'), '--log-level', 'error'],
      ...['--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl],
      ...['--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `tls=${peerUrl}`],
      ...['--cert-file', pki.nodeA.certFile, '--key-file', pki.nodeA.keyFile, '--trusted-ca-file', pki.caFile, '--client-cert-auth'],
    ],
    { stdio: 'ignore' },
  );
  t.after(async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  });
  // Wait for its port first: a client that failed while etcd was starting keeps its circuit breaker open for seconds.
  for (let i = 0; !(await accepts(clientPort)); i++) {
    if (i > 100 || child.exitCode !== null) throw new Error('etcd did not come up');
    await new Promise((resolve) => setTimeout(resolve, 50)); // another process: nothing to wait on but its port
  }
  const client = new Etcd3({
    hosts: clientUrl,
    dialTimeout: 2_000,
    credentials: { rootCertificate: pki.ca, privateKey: pki.nodeB.key, certChain: pki.nodeB.cert },
  });
  t.after(() => client.close());
  await client.get('probe').options({ deadline: Date.now() + 5_000 });
  return { endpoint: `127.0.0.1:${clientPort}`, pki, client };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A registration of node `id` whose retries the test drives; resolves `failed` at its first failed write. */
function register(
  endpoint: string,
  id: string,
  tls: EtcdTlsOptions | undefined,
): { registration: EtcdRegistration; failed: Promise<void> } {
  let failed = (): void => {};
  const registration = new EtcdRegistration({
    endpoints: [endpoint],
    tls,
    timeoutMs: 2_000,
    nodeId: id,
    grpcAddress: '127.0.0.1:9090',
    raft: follower,
    logger: silentLogger,
    schedule: () => failed(), // a retry is scheduled only after a failed write; never run it
  });
  return { registration, failed: new Promise<void>((resolve) => (failed = resolve)) };
}

test('etcd over TLS with a client certificate: the registration is written', { skip: etcdMissing(), timeout: 60_000 }, async (t) => {
  const { endpoint, pki, client } = await tlsEtcd(t);
  const { registration, failed } = register(endpoint, 'meta-tls', { ca: pki.ca, cert: pki.nodeA.cert, key: pki.nodeA.key });
  registration.start();
  t.after(() => registration.stop());
  const key = `${META_NODES_PREFIX}meta-tls`;
  const watcher = await client.watch().key(key).create();
  t.after(() => watcher.cancel());
  const written = new Promise<string>((resolve) => watcher.on('put', (kv) => resolve(kv.value.toString())));
  const value = await Promise.race([written, failed.then(() => 'the write failed')]);
  assert.match(value, /^\{"addr":"127\.0\.0\.1:9090","id":"meta-tls"/);
});

test(
  'etcd over TLS: without TLS, or without a client certificate, no write gets through',
  { skip: etcdMissing(), timeout: 60_000 },
  async (t) => {
    const { endpoint, pki, client } = await tlsEtcd(t);
    for (const [id, tls] of [
      ['meta-plain', undefined],
      ['meta-anonymous', { ca: pki.ca }],
    ] as const) {
      const { registration, failed } = register(endpoint, id, tls);
      registration.start();
      await failed;
      await registration.stop();
      assert.equal((await client.get(`${META_NODES_PREFIX}${id}`).exec()).kvs.length, 0, id);
      assert.equal(registration.attempts, 1);
    }
  },
);
