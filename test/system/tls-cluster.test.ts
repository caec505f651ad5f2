/**
 * TLS end to end on real processes: three metaServer processes with mutual TLS on Raft and TLS on
 * gRPC requiring client certificates (config.yaml's tls.raft and tls.grpc), one DataServer process
 * dialling them with --meta-ca/--meta-cert/--meta-key, and the built minfs CLI: a put with
 * --ca/--cert/--key and a get with MINFS_CA/MINFS_CERT/MINFS_KEY give back the same md5 (the
 * blocks themselves travel in plaintext to the DataServer, whose port has no TLS). A client
 * without the CA, and one without a client certificate, fail with exit 1 and a message that names
 * the missing flags; minfs-admin --servers with the same flags reads every node's status.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../support/dataserver/temp-dir';
import { metaServerArgs, runMetaServer, runProgram, writeClusterConfig, type MetaServerProcess } from '../support/meta-server-process';
import { makeTestPki } from '../support/tls-certificates';

const CLI = path.resolve(__dirname, '../../src/cli');

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** A built CLI program run to its end, with only PATH and `env` in its environment. */
function cli(program: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(CLI, program), ...args],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, out: stdout, err: stderr }),
    );
  });
}

function started(t: TestContext, process: MetaServerProcess): MetaServerProcess {
  t.after(() => process.kill());
  return process;
}

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

test(
  'TLS cluster: a DataServer and the minfs client dial the MetaServers over TLS; no CA, no connection',
  { timeout: 30_000 },
  async (t) => {
    const dir = tempDir(t, 'minfs-tls-cluster-');
    const pki = makeTestPki(dir);
    // Every node shows nodeA's certificate (it names 127.0.0.1, which everyone dials); the
    // DataServer and the client show nodeB's, signed by the same CA.
    const { file, grpc } = await writeClusterConfig(dir, {
      clusterId: 'tls-cluster',
      cluster: { default_replication: 1 },
      raft: { heartbeat_timeout: '300ms', election_timeout: '300ms', leader_lease_timeout: '250ms' },
      tls: {
        raft: { cert_file: pki.nodeA.certFile, key_file: pki.nodeA.keyFile, ca_file: pki.caFile },
        grpc: { cert_file: pki.nodeA.certFile, key_file: pki.nodeA.keyFile, ca_file: pki.caFile, require_client_cert: true },
      },
    });
    const meta = grpc.map((port) => `127.0.0.1:${port}`).join(',');
    const nodes = grpc.map((port) => started(t, runMetaServer(metaServerArgs(file, dir, port))));
    for (const node of nodes) await node.line((l) => l['event'] === 'serving');

    const dataServer = started(
      t,
      runProgram(path.join(CLI, 'dataserver-main.js'), [
        ...['--id', 'ds-tls', '--data', path.join(dir, 'ds-tls'), '--meta', meta, '--heartbeat-ms', '200'],
        ...['--capacity-bytes', String(1024 ** 3)],
        ...['--meta-ca', pki.caFile, '--meta-cert', pki.nodeB.certFile, '--meta-key', pki.nodeB.keyFile],
      ]),
    );
    // The leader registers a DataServer before it answers its first heartbeat: from here on it places blocks there.
    // A failure TLS explains fails the test at once rather than at its timeout (failures while
    // the MetaServers elect a leader are expected, and say "knows no leader").
    const tlsFailure = dataServer
      .line(
        (l) =>
          l['message'] === 'heartbeat failed; rediscovering the MetaServer leader' &&
          /Failed to connect|certificate|SSL/.test(String(l['error'])),
      )
      .then((l) => assert.fail(`the DataServer cannot reach the MetaServers over TLS: ${String(l['error'])}`));
    await Promise.race([dataServer.line((l) => l['message'] === 'heartbeats accepted by MetaServer leader'), tlsFailure]);

    const content = randomBytes(5 * 1024 * 1024 + 123); // two blocks
    const local = path.join(dir, 'upload.bin');
    writeFileSync(local, content);
    const tlsFlags = ['--ca', pki.caFile, '--cert', pki.nodeB.certFile, '--key', pki.nodeB.keyFile];
    const put = await cli('minfs.js', ['--meta', meta, ...tlsFlags, 'put', '--json', local, '/secure.bin']);
    assert.equal(put.code, 0, `put: ${put.err}`);
    assert.equal((JSON.parse(put.out) as { md5: string }).md5, md5(content));

    const tlsEnv = { MINFS_CA: pki.caFile, MINFS_CERT: pki.nodeB.certFile, MINFS_KEY: pki.nodeB.keyFile };
    const back = path.join(dir, 'download.bin');
    const get = await cli('minfs.js', ['get', '--json', '/secure.bin', back], { MINFS_META: meta, ...tlsEnv });
    assert.equal(get.code, 0, `get: ${get.err}`);
    assert.equal(md5(readFileSync(back)), md5(content), 'the same bytes came back');

    // --wait 0: one round of leader discovery, no retries, as the cluster is up.
    const plain = await cli('minfs.js', ['--meta', meta, '--wait', '0', 'ls', '/']);
    assert.equal(plain.code, 1, plain.err);
    assert.match(plain.err, /^minfs: ls: no MetaServer leader found \(127\.0\.0\.1:\d+: .*Failed to connect/);
    assert.match(plain.err, /if the MetaServers serve TLS \(tls\.grpc\), they drop plaintext calls: give their CA with --ca\n$/);

    // A CA that did not sign the MetaServers' certificate: the client must not trust them.
    const strangerCa = path.join(dir, 'stranger-ca.crt');
    const wrongCa = await cli('minfs.js', [
      '--meta',
      meta,
      '--wait',
      '0',
      '--ca',
      strangerCa,
      '--cert',
      pki.nodeB.certFile,
      '--key',
      pki.nodeB.keyFile,
      'ls',
      '/',
    ]);
    assert.equal(wrongCa.code, 1, wrongCa.err);
    assert.match(
      wrongCa.err,
      /self-signed certificate in certificate chain.*the MetaServer's certificate is not signed by the CA given \(--ca\)\n$/,
    );

    const noCert = await cli('minfs.js', ['--meta', meta, '--wait', '0', '--ca', pki.caFile, 'ls', '/']);
    assert.equal(noCert.code, 1, noCert.err);
    assert.match(noCert.err, /the MetaServers require a client certificate \(tls\.grpc\.require_client_cert\): give --cert and --key\n$/);

    const status = await cli('minfs-admin.js', ['--servers', meta, ...tlsFlags, '--json', 'status']);
    assert.equal(status.code, 0, `minfs-admin status: ${status.err}`);
    const states = (JSON.parse(status.out) as { nodes: { state: string }[] }).nodes.map((n) => n.state).sort();
    assert.deepEqual(states, ['follower', 'follower', 'leader']);

    for (const process of [dataServer, ...nodes]) process.child.kill('SIGTERM');
    for (const process of [dataServer, ...nodes]) assert.deepEqual(await process.exited, [0, null], process.stderr());
  },
);
