/**
 * The value of a DataServer's etcd key: the Go DataServer's plain listen address, the JSON the
 * original MetaServer expected, and what is refused (with a reason the log can show).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataServerRegistration } from '../../src/server/dataserver-discovery-value';

const PREFIX = '/dfs/dataServers/';
const parse = (id: string, value: string): ReturnType<typeof parseDataServerRegistration> =>
  parseDataServerRegistration(`${PREFIX}${id}`, value, PREFIX);

test('a plain address: the id is the key after the prefix; a wildcard host is not dialable', () => {
  assert.deepEqual(parse('dataServer-1', '0.0.0.0:8001'), {
    ok: true,
    registration: { id: 'dataServer-1', listen: '0.0.0.0:8001', dialable: false },
  });
  assert.deepEqual(parse('ds', ' 127.0.0.1:8002\n'), { ok: true, registration: { id: 'ds', listen: '127.0.0.1:8002', dialable: true } });
  assert.deepEqual(parse('ds', 'node-a.example:8003'), {
    ok: true,
    registration: { id: 'ds', listen: 'node-a.example:8003', dialable: true },
  });
  for (const wildcard of [':8001', '[::]:8001', '[::0]:8001']) {
    assert.deepEqual(parse('ds', wildcard), { ok: true, registration: { id: 'ds', listen: wildcard, dialable: false } }, wildcard);
  }
  assert.deepEqual(parse('ds', '[::1]:8001'), { ok: true, registration: { id: 'ds', listen: '[::1]:8001', dialable: true } });
});

test('JSON {id, addr, register_at}: its id wins over the key; an unreadable register_at is left out', () => {
  const at = '2026-01-02T03:04:05Z';
  assert.deepEqual(parse('key-name', JSON.stringify({ id: 'dataServer-2', addr: '127.0.0.1:8002', register_at: at })), {
    ok: true,
    registration: { id: 'dataServer-2', listen: '127.0.0.1:8002', dialable: true, registeredAt: at },
  });
  assert.deepEqual(parse('dataServer-3', JSON.stringify({ addr: '0.0.0.0:8003', register_at: '' })), {
    ok: true,
    registration: { id: 'dataServer-3', listen: '0.0.0.0:8003', dialable: false },
  });
  assert.deepEqual(parse('dataServer-4', JSON.stringify({ addr: '127.0.0.1:8004', register_at: 17 })), {
    ok: true,
    registration: { id: 'dataServer-4', listen: '127.0.0.1:8004', dialable: true },
  });
});

test('malformed values are refused with the reason', () => {
  const refused: [string, string, RegExp][] = [
    ['ds', '', /empty/],
    ['ds', '   ', /empty/],
    ['ds', 'not an address', /not host:port/],
    ['ds', '127.0.0.1', /not host:port/],
    ['ds', '127.0.0.1:0', /not host:port/],
    ['ds', '127.0.0.1:65536', /not host:port/],
    ['ds', '127.0.0.1:80x', /not host:port/],
    ['ds', '{"addr":', /neither host:port nor valid JSON/],
    ['ds', '{"id":"x"}', /no "addr" string/],
    ['ds', '{"addr":8001}', /no "addr" string/],
    ['ds', '{"addr":"bad"}', /not host:port/],
    ['ds', '{"id":7,"addr":"127.0.0.1:8001"}', /"id" is not a string/],
    ['ds', '["127.0.0.1:8001"]', /not host:port/], // not '{': read as a plain address
    ['', '127.0.0.1:8001', /no DataServer id/],
    ['', '{"id":"","addr":"127.0.0.1:8001"}', /no DataServer id/],
    ['x'.repeat(1000), '127.0.0.1:8001', /longer than/],
  ];
  for (const [id, value, reason] of refused) {
    const parsed = parse(id, value);
    assert.equal(parsed.ok, false, JSON.stringify(value));
    if (!parsed.ok) assert.match(parsed.problem, reason, JSON.stringify(value));
  }
  const outside = parseDataServerRegistration('/other/ds', '127.0.0.1:8001', PREFIX);
  assert.equal(outside.ok, false);
});
