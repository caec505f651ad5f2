/**
 * MetaConnection's retry rules against a scripted MetaServer (a grpc-js server answering GetLeader
 * and CreateNode as each test says): one request_id on every attempt of a logical call, a new one
 * per call, no retry of an answer that is final, and a bounded retry budget.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { CreateNodeRequest__Output } from '../../src/generated/dfs_project/CreateNodeRequest';
import type { SimpleResponse } from '../../src/generated/dfs_project/SimpleResponse';
import { MetaConnection, MinfsError } from '../../src/client';
import { backoffDelayMs } from '../../src/client/retry-policy';
import { metaProto } from '../../src/wire/proto';

type Answer = { code: grpc.status; details: string } | 'ok';

let server: grpc.Server;
let address: string;
/** What CreateNode answers, attempt by attempt (the last one repeats). */
let script: Answer[] = [];
const seen: CreateNodeRequest__Output[] = [];

before(async () => {
  server = new grpc.Server();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  address = `127.0.0.1:${port}`;
  const handlers = {
    GetLeader: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
      callback(null, { leader: { host: '127.0.0.1', port }, followers: [] }),
    CreateNode: (call: grpc.ServerUnaryCall<CreateNodeRequest__Output, SimpleResponse>, callback: grpc.sendUnaryData<SimpleResponse>) => {
      seen.push(call.request);
      const answer = script.length > 1 ? script.shift()! : script[0]!;
      if (answer === 'ok') callback(null, { success: true, message: '' });
      else callback(answer);
    },
  };
  server.addService(metaProto().dfs_project.MetaServerService.service, handlers as unknown as grpc.UntypedServiceImplementation);
});
after(() => {
  server.forceShutdown();
});

const unavailable = { code: grpc.status.UNAVAILABLE, details: 'no leader is known right now; retry shortly' };

test('every attempt of one call carries the same request_id; the next call gets another', async () => {
  const meta = new MetaConnection([address], { baseDelayMs: 1, maxDelayMs: 2 });
  try {
    seen.length = 0;
    script = [
      unavailable,
      { code: grpc.status.DEADLINE_EXCEEDED, details: 'slow' },
      { code: grpc.status.UNAVAILABLE, details: 'still hearing from the DataServers' },
      'ok',
    ];
    await meta.mutate('CreateNode', { path: '/x', type: 'File' });
    assert.equal(seen.length, 4);
    const key = seen[0]!.request_id;
    assert.match(key, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      seen.map((r) => r.request_id),
      [key, key, key, key],
    );
    script = ['ok'];
    await meta.mutate('CreateNode', { path: '/y', type: 'File' });
    assert.notEqual(seen[4]!.request_id, key);
  } finally {
    meta.close();
  }
});

test('a final answer is not retried and keeps the server code and message', async () => {
  const meta = new MetaConnection([address], { baseDelayMs: 1, maxDelayMs: 2 });
  try {
    seen.length = 0;
    script = [{ code: grpc.status.ALREADY_EXISTS, details: 'already exists: /x' }];
    const error = await meta.mutate('CreateNode', { path: '/x', type: 'File' }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof MinfsError);
    assert.equal(error.code, grpc.status.ALREADY_EXISTS);
    assert.equal(error.codeName, 'ALREADY_EXISTS');
    assert.equal(error.message, 'already exists: /x');
    assert.equal(seen.length, 1);
  } finally {
    meta.close();
  }
});

test('retries stop once the budget is spent, with the last UNAVAILABLE', async () => {
  const meta = new MetaConnection([address], { retryForMs: 200, baseDelayMs: 10, maxDelayMs: 40 });
  try {
    seen.length = 0;
    script = [unavailable];
    const started = Date.now();
    const error = await meta.mutate('CreateNode', { path: '/x', type: 'File' }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof MinfsError);
    assert.equal(error.code, grpc.status.UNAVAILABLE);
    assert.ok(seen.length >= 3, `retried (${seen.length} attempts)`);
    assert.ok(Date.now() - started < 2_000);
  } finally {
    meta.close();
  }
});

test('no reachable MetaServer: UNAVAILABLE naming what each address said', async () => {
  const meta = new MetaConnection(['127.0.0.1:1'], { retryForMs: 0 });
  try {
    const error = await meta.call('GetNodeInfo', { path: '/' }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof MinfsError);
    assert.equal(error.code, grpc.status.UNAVAILABLE);
    assert.match(error.message, /no MetaServer leader found \(127\.0\.0\.1:1: /);
  } finally {
    meta.close();
  }
});

test('backoff grows, is capped, and keeps at least half of its step', () => {
  const options = { retryForMs: 10_000, baseDelayMs: 50, maxDelayMs: 1_000 };
  assert.equal(
    backoffDelayMs(options, 0, () => 0),
    25,
  );
  assert.equal(
    backoffDelayMs(options, 0, () => 1),
    50,
  );
  assert.equal(
    backoffDelayMs(options, 3, () => 1),
    400,
  );
  assert.equal(
    backoffDelayMs(options, 30, () => 0.5),
    750,
  );
});
