/**
 * The client library's TLS to the MetaServers (MinfsClientOptions.tls, through MetaConnection),
 * against scripted MetaServers (GetLeader names themselves): with the cluster CA the calls go
 * over TLS; each way TLS can be set up wrong fails UNAVAILABLE, with the reason gRPC gave and a
 * hint naming what to change.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { MetaConnection, MinfsError, type MetaTlsOptions } from '../../src/client';
import { metaProto } from '../../src/wire/proto';
import { makeTempDir, removeDir } from '../support/dataserver/temp-dir';
import { makeTestPki, type TestPki } from '../support/tls-certificates';

let dir: string;
let pki: TestPki;
before(() => {
  dir = makeTempDir('client-tls-');
  pki = makeTestPki(dir);
});
after(() => removeDir(dir));

/** A MetaServer that answers GetLeader with its own address, on `host`, with `credentials`. */
async function scripted(t: TestContext, credentials: grpc.ServerCredentials, host = '127.0.0.1'): Promise<string> {
  const server = new grpc.Server();
  t.after(() => server.forceShutdown());
  let port = 0;
  server.addService(metaProto().dfs_project.MetaServerService.service, {
    GetLeader: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, { leader: { host, port }, followers: [] }),
  } as unknown as grpc.UntypedServiceImplementation);
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:0`, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return `${host}:${port}`;
}

const serverTls = (requireClientCert = false): grpc.ServerCredentials =>
  grpc.ServerCredentials.createSsl(pki.ca, [{ cert_chain: pki.nodeA.cert, private_key: pki.nodeA.key }], requireClientCert);

/** GetLeader through a MetaConnection with `tls`, one round only: resolves with the leader, or rejects. */
async function getLeader(address: string, tls: MetaTlsOptions | undefined): Promise<string> {
  const connection = new MetaConnection([address], { tls, retryForMs: 0 });
  try {
    const answer = await connection.call('GetLeader', {});
    return `${answer.leader?.host}:${answer.leader?.port}`;
  } finally {
    connection.close();
  }
}

async function refusal(address: string, tls: MetaTlsOptions | undefined): Promise<string> {
  const error = await getLeader(address, tls).then(
    () => assert.fail('the call went through'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof MinfsError, String(error));
  assert.equal(error.codeName, 'UNAVAILABLE');
  return error.message;
}

test('with the CA (and a client certificate where one is required) the calls go over TLS', async (t) => {
  const open = await scripted(t, serverTls());
  assert.equal(await getLeader(open, { ca: pki.ca }), open);
  const strict = await scripted(t, serverTls(true));
  assert.equal(await getLeader(strict, { ca: pki.ca, cert: pki.nodeB.cert, key: pki.nodeB.key }), strict);
});

test('plaintext to a TLS port, and TLS to a plaintext port: each hint says which way to turn', async (t) => {
  const secure = await scripted(t, serverTls());
  assert.match(
    await refusal(secure, undefined),
    /Failed to connect.*; if the MetaServers serve TLS \(tls\.grpc\), they drop plaintext calls: give their CA with --ca$/,
  );
  const plain = await scripted(t, grpc.ServerCredentials.createInsecure());
  assert.match(
    await refusal(plain, { ca: pki.ca }),
    /wrong version number.*; the MetaServer does not serve TLS \(tls\.grpc is off\): leave out --ca, --cert and --key$/s,
  );
});

test('a certificate the client cannot trust, and a client certificate the server does not trust', async (t) => {
  const secure = await scripted(t, serverTls());
  assert.match(await refusal(secure, { ca: pki.strangerCa }), /; the MetaServer's certificate is not signed by the CA given \(--ca\)$/);
  // No CA: the system's roots, which never signed a test certificate.
  assert.match(
    await refusal(secure, {}),
    /; the MetaServer's certificate is not signed by a CA this system trusts: give its CA with --ca$/,
  );
  const strict = await scripted(t, serverTls(true));
  assert.match(
    await refusal(strict, { ca: pki.ca }),
    /; the MetaServers require a client certificate \(tls\.grpc\.require_client_cert\): give --cert and --key$/,
  );
  assert.match(
    await refusal(strict, { ca: pki.ca, cert: pki.stranger.cert, key: pki.stranger.key }),
    /; the MetaServers may have refused this client certificate: it must be signed by their tls\.grpc\.ca_file$/,
  );
});

test('a certificate that does not name the address dialled', async (t) => {
  // 127.0.0.2 is loopback on Linux too, and the test certificates name only 127.0.0.1 and localhost.
  const elsewhere = await scripted(t, serverTls(), '127.0.0.2').catch(() => undefined);
  if (elsewhere === undefined) return t.skip('cannot bind 127.0.0.2 here');
  assert.match(await refusal(elsewhere, { ca: pki.ca }), /; the MetaServer's certificate does not name the address dialled/);
});

test('a certificate without its key is refused when the connection is made', () => {
  assert.throws(() => new MetaConnection(['127.0.0.1:1'], { tls: { ca: pki.ca, cert: pki.nodeB.cert } }), /cert and key go together/);
});
