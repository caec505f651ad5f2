/**
 * TLS on the MetaServer's gRPC port: a TLS client is served and a plaintext one is not; with
 * client certificates required, only a client holding one from the CA is served; and in a
 * three-node cluster with mutual TLS on Raft, a follower forwards a write to the leader over TLS.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startMetaNode, type RunningMetaNode } from '../../src/cli/meta-node-assembly';
import type { MetaServerServiceClient } from '../../src/generated/dfs_project/MetaServerService';
import { silentLogger } from '../../src/raft';
import type { GrpcTlsOptions } from '../../src/server/grpc-tls';
import { MetaGrpcServer } from '../../src/server/meta-grpc-server';
import { StaticMemberDirectory } from '../../src/server/members';
import { metaProto } from '../../src/wire/proto';
import { loneMetaNode, type LoneMetaNode } from '../support/meta-cluster/lone-meta-node';
import { TEST_RAFT } from '../support/meta-cluster/meta-cluster';
import { makeTestPki, type KeyPair, type TestPki } from '../support/tls-certificates';

let dir: string;
let pki: TestPki;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'grpc-tls-'));
  pki = makeTestPki(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function client(address: string, credentials: grpc.ChannelCredentials): MetaServerServiceClient {
  return new (metaProto().dfs_project.MetaServerService)(address, credentials);
}

/** CreateNode of a file; resolves with the gRPC status (OK or the failure's code). */
function createFile(c: MetaServerServiceClient, path: string): Promise<grpc.status> {
  return new Promise((resolve) => {
    c.CreateNode({ path, type: 'File' }, { deadline: Date.now() + 10_000 }, (error, response) => {
      if (error) resolve(error.code);
      else resolve(response?.success === true ? grpc.status.OK : grpc.status.UNKNOWN);
    });
  });
}

const tlsClient = (pair?: KeyPair): grpc.ChannelCredentials => grpc.credentials.createSsl(pki.ca, pair?.key ?? null, pair?.cert ?? null);

/** A lone leader serving gRPC with `tls`; closed when the test ends. */
async function loneServer(tls: GrpcTlsOptions): Promise<{ lone: LoneMetaNode; server: MetaGrpcServer; close: () => Promise<void> }> {
  const lone = await loneMetaNode();
  const server = await MetaGrpcServer.start(lone.node, '127.0.0.1:0', tls);
  return { lone, server, close: () => server.stop(1_000).then(() => lone.close()) };
}

test('with TLS on the port, a TLS client is served and a plaintext client is not', async () => {
  const { server, close } = await loneServer({ cert: pki.nodeA.cert, key: pki.nodeA.key });
  const secure = client(server.address, tlsClient());
  const plain = client(server.address, grpc.credentials.createInsecure());
  try {
    assert.equal(await createFile(secure, '/over-tls'), grpc.status.OK);
    assert.equal(await createFile(plain, '/in-clear'), grpc.status.UNAVAILABLE);
  } finally {
    secure.close();
    plain.close();
    await close();
  }
});

test('with client certificates required, only a client holding one from the CA is served', async () => {
  const { server, close } = await loneServer({ cert: pki.nodeA.cert, key: pki.nodeA.key, ca: pki.ca, requireClientCert: true });
  const member = client(server.address, tlsClient(pki.nodeB));
  const anonymous = client(server.address, tlsClient());
  const stranger = client(server.address, tlsClient(pki.stranger));
  try {
    assert.equal(await createFile(member, '/member'), grpc.status.OK);
    assert.equal(await createFile(anonymous, '/anonymous'), grpc.status.UNAVAILABLE);
    assert.equal(await createFile(stranger, '/stranger'), grpc.status.UNAVAILABLE);
  } finally {
    for (const c of [member, anonymous, stranger]) c.close();
    await close();
  }
});

test('client certificates required without a CA to check them: refused at start', async () => {
  const lone = await loneMetaNode();
  try {
    const started = MetaGrpcServer.start(lone.node, '127.0.0.1:0', { cert: pki.nodeA.cert, key: pki.nodeA.key, requireClientCert: true });
    // Should it start after all, it is stopped again, so that the failure does not hold the process open.
    await assert.rejects(
      started.then((server) => server.stop(100)),
      /needs a ca/,
    );
  } finally {
    await lone.close();
  }
});

/** The leader, once one is elected and has committed an entry of its term. */
async function leaderOf(nodes: readonly RunningMetaNode[]): Promise<RunningMetaNode> {
  for (;;) {
    const leader = nodes.find((n) => n.node.raft.state() === 'leader');
    if (
      leader !== undefined &&
      (await leader.node.raft.barrier().then(
        () => true,
        () => false,
      ))
    )
      return leader;
    await Promise.race(
      nodes.map(
        (n) =>
          new Promise<void>((resolve) => {
            const off = n.node.raft.on('role-changed', () => {
              off();
              resolve();
            });
          }),
      ),
    );
  }
}

test('a three-node cluster with mutual TLS on Raft elects, and a follower forwards a write to the leader over TLS', async () => {
  const members = new StaticMemberDirectory();
  const nodes: RunningMetaNode[] = [];
  const clients: MetaServerServiceClient[] = [];
  try {
    for (const [i, pair] of [pki.nodeA, pki.nodeB, pki.nodeB].entries()) {
      const id = `meta-${i + 1}`;
      const node = await startMetaNode({
        id,
        dir: join(dir, id),
        raftBind: '127.0.0.1:0',
        grpcBind: '127.0.0.1:0',
        clusterId: 'tls-test',
        members,
        logger: silentLogger,
        raft: TEST_RAFT,
        tls: {
          raft: { ca: pki.ca, cert: pair.cert, key: pair.key },
          grpc: { cert: pair.cert, key: pair.key, ca: pki.ca, requireClientCert: true },
        },
      });
      members.set(id, node.grpc.address);
      nodes.push(node);
    }
    await nodes[0]!.bootstrap({
      servers: nodes.map((n) => ({ id: n.node.settings.nodeId, address: n.raftAddress, suffrage: 'voter' as const })),
    });
    const leader = await leaderOf(nodes);
    const follower = nodes.find((n) => n !== leader)!;
    const viaFollower = client(follower.grpc.address, tlsClient(pki.nodeA));
    clients.push(viaFollower);
    // The follower cannot apply a write itself: OK means its forwarder reached the leader over TLS.
    assert.equal(await createFile(viaFollower, '/forwarded'), grpc.status.OK);
    const onLeader = client(leader.grpc.address, tlsClient(pki.nodeA));
    clients.push(onLeader);
    const info = await new Promise<string | undefined>((resolve, reject) =>
      onLeader.GetNodeInfo({ path: '/forwarded' }, { deadline: Date.now() + 10_000 }, (error, response) =>
        error ? reject(error) : resolve(response?.statInfo?.path),
      ),
    );
    assert.equal(info, '/forwarded');
  } finally {
    for (const c of clients) c.close();
    await Promise.allSettled(nodes.map((n) => n.stop()));
  }
});
