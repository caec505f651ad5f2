/**
 * Bad input at every RPC for a fixed budget: random bytes as the request message, and random field
 * values (odd paths, huge and negative numbers, unknown enum values, long strings) in well-formed
 * messages, sent to the leader and to a follower. The server must answer every call with a status
 * (INTERNAL only for bytes that are not a protobuf message, which grpc-js itself refuses), never
 * crash, stay writable, and end with equal replica digests.
 * Replay a failure with FC_SEED=<printed seed>.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { MetaCluster } from '../support/meta-cluster/meta-cluster';
import type { MetaClient } from '../support/meta-cluster/meta-client';
import { metaServiceDefinition } from '../../src/server/meta-service';
import { callArb } from '../support/rpc-fuzz-arbitraries';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`fuzz-rpc: fast-check seed ${seed}`);
const RUNS = 150;

let cluster: MetaCluster;
let clients: MetaClient[];

before(async () => {
  cluster = await MetaCluster.start();
  const leader = await cluster.leader();
  clients = [cluster.client(leader), cluster.client((await cluster.followers())[0]!)];
  for (let n = 1; n <= 3; n++) {
    await clients[0]!.call('Heartbeat', { dataServer_id: `ds-${n}`, dataServer_addr: `127.0.0.1:${8000 + n}`, total_capacity: 1e9, free_space: 1e9 });
  }
  await clients[0]!.call('CreateNode', { path: '/a', type: 'Directory' });
  await clients[0]!.call('CreateNode', { path: '/a/f', type: 'File' });
});
after(async () => {
  await cluster.stop();
});

test('random field values: every call answered with a proper status, never INTERNAL', async () => {
  await fc.assert(
    fc.asyncProperty(callArb, fc.nat(1), async ({ method, request }, which) => {
      try {
        await clients[which]!.call(method, request as never);
      } catch (error: unknown) {
        const code = (error as { code?: number }).code;
        assert.notEqual(code, grpc.status.INTERNAL, `${method} ${JSON.stringify(request)}: ${String(error)}`);
        assert.notEqual(code, grpc.status.UNKNOWN, `${method} ${JSON.stringify(request)}: ${String(error)}`);
      }
    }),
    { seed, numRuns: RUNS },
  );
});

test('random bytes as the request of every RPC: answered, and the server keeps working', async () => {
  const definition = metaServiceDefinition();
  const unary = Object.values(definition).filter((m) => !m.requestStream && !m.responseStream);
  const raw = new grpc.Client(clients[0]!.address, grpc.credentials.createInsecure());
  try {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...unary), fc.uint8Array({ maxLength: 64 }), async (method, bytes) => {
        const code = await new Promise<number>((resolve) => {
          raw.makeUnaryRequest(
            method.path,
            (b: Uint8Array) => Buffer.from(b),
            (b: Buffer) => b,
            bytes,
            new grpc.Metadata(),
            { deadline: Date.now() + 20_000 },
            (error) => resolve(error?.code ?? grpc.status.OK),
          );
        });
        assert.notEqual(code, grpc.status.UNKNOWN, `${method.path} with ${Buffer.from(bytes).toString('hex')}`);
      }),
      { seed, numRuns: RUNS },
    );
  } finally {
    raw.close();
  }
  await clients[1]!.call('CreateNode', { path: '/still-writable', type: 'File' });
});

test('replicas agree after the fuzzing', async () => {
  await (await cluster.leader()).grpc.purger.idle();
  const digests = await cluster.digests();
  assert.equal(new Set(digests).size, 1, digests.join(' '));
});
