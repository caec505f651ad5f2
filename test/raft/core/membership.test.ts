import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Configuration } from '../../../src/raft/configuration';
import { checkConfiguration, emptyConfiguration } from '../../../src/raft/configuration';
import { ConfigurationHistory, applyMembershipChange } from '../../../src/raft/core/membership';
import { votersConfig } from './array-log';

function ok(result: Configuration | string): Configuration {
  if (typeof result === 'string') assert.fail(`unexpected refusal: ${result}`);
  return result;
}

function refused(result: Configuration | string): string {
  if (typeof result !== 'string') assert.fail(`unexpectedly accepted: ${JSON.stringify(result)}`);
  return result;
}

const abc = votersConfig(['a', 'b', 'c']);

test('add-voter and add-nonvoter append a new server; the input is not mutated', () => {
  const withD = ok(applyMembershipChange(abc, { kind: 'add-voter', id: 'd', address: 'addr-d' }));
  assert.deepEqual(withD.servers.at(-1), { id: 'd', address: 'addr-d', suffrage: 'voter' });
  const withE = ok(applyMembershipChange(abc, { kind: 'add-nonvoter', id: 'e', address: 'addr-e' }));
  assert.deepEqual(withE.servers.at(-1), { id: 'e', address: 'addr-e', suffrage: 'nonvoter' });
  assert.equal(abc.servers.length, 3);
});

test('add-voter promotes a non-voter; add-nonvoter never demotes a voter (hashicorp)', () => {
  const cfg = votersConfig(['a', 'b'], ['n']);
  const promoted = ok(applyMembershipChange(cfg, { kind: 'add-voter', id: 'n', address: 'addr-n2' }));
  assert.deepEqual(
    promoted.servers.find((s) => s.id === 'n'),
    { id: 'n', address: 'addr-n2', suffrage: 'voter' },
    'promoted in place, address updated',
  );
  assert.equal(promoted.servers.length, 3);
  const kept = ok(applyMembershipChange(cfg, { kind: 'add-nonvoter', id: 'a', address: 'addr-a2' }));
  assert.deepEqual(
    kept.servers.find((s) => s.id === 'a'),
    { id: 'a', address: 'addr-a2', suffrage: 'voter' },
  );
});

test('demote-voter and remove-server need a known server', () => {
  const demoted = ok(applyMembershipChange(abc, { kind: 'demote-voter', id: 'b' }));
  assert.equal(demoted.servers.find((s) => s.id === 'b')?.suffrage, 'nonvoter');
  const removed = ok(applyMembershipChange(abc, { kind: 'remove-server', id: 'b' }));
  assert.deepEqual(
    removed.servers.map((s) => s.id),
    ['a', 'c'],
  );
  assert.match(refused(applyMembershipChange(abc, { kind: 'demote-voter', id: 'x' })), /x is not in the configuration/);
  assert.match(refused(applyMembershipChange(abc, { kind: 'remove-server', id: 'x' })), /x is not in the configuration/);
});

test('a change that leaves no voter or a duplicate address is refused', () => {
  const lone = votersConfig(['a'], ['n']);
  assert.match(refused(applyMembershipChange(lone, { kind: 'remove-server', id: 'a' })), /no voters/);
  assert.match(refused(applyMembershipChange(lone, { kind: 'demote-voter', id: 'a' })), /no voters/);
  assert.match(refused(applyMembershipChange(abc, { kind: 'add-voter', id: 'd', address: 'addr-a' })), /duplicate server address addr-a/);
});

test('checkConfiguration names every problem', () => {
  assert.deepEqual(checkConfiguration(abc), []);
  assert.deepEqual(checkConfiguration(emptyConfiguration), ['configuration has no voters']);
  const bad: Configuration = {
    servers: [
      { id: '', address: 'x', suffrage: 'voter' },
      { id: 'a', address: '', suffrage: 'voter' },
      { id: 'a', address: 'x', suffrage: 'voter' },
    ],
  };
  const problems = checkConfiguration(bad);
  assert.ok(problems.includes('server with empty id'), problems.join('; '));
  assert.ok(problems.includes('server a: empty address'), problems.join('; '));
  assert.ok(problems.includes('duplicate server id a'), problems.join('; '));
  assert.ok(problems.includes('duplicate server address x'), problems.join('; '));
  const onlyNonvoters = votersConfig([], ['n']);
  assert.deepEqual(checkConfiguration(onlyNonvoters), ['configuration has no voters']);
});

test('ConfigurationHistory: latest, committed and truncateFrom', () => {
  const c1 = votersConfig(['a']);
  const c2 = votersConfig(['a', 'b']);
  const c3 = votersConfig(['a', 'b', 'c']);
  const h = new ConfigurationHistory();
  assert.equal(h.latest(), emptyConfiguration);
  assert.equal(h.latestIndex(), 0);
  h.append(1, c1);
  h.append(5, c2);
  h.append(9, c3);
  assert.equal(h.latest(), c3, 'a configuration takes effect when appended, not when committed');
  assert.equal(h.latestIndex(), 9);
  assert.equal(h.committed(0), emptyConfiguration);
  assert.equal(h.committed(4), c1);
  assert.equal(h.committed(5), c2);
  assert.equal(h.committed(100), c3);

  h.truncateFrom(10);
  assert.equal(h.latestIndex(), 9, 'nothing at or after 10');
  h.truncateFrom(9);
  assert.equal(h.latest(), c2, 'a truncated configuration rolls back to the one before');
  h.truncateFrom(2);
  assert.equal(h.latest(), c1);
});

test('ConfigurationHistory.compact keeps the newest committed configuration and everything after', () => {
  const c1 = votersConfig(['a']);
  const c2 = votersConfig(['a', 'b']);
  const c3 = votersConfig(['a', 'b', 'c']);
  const h = new ConfigurationHistory([
    { index: 1, configuration: c1 },
    { index: 5, configuration: c2 },
    { index: 9, configuration: c3 },
  ]);
  h.compact(3);
  assert.equal(h.committed(3), c1, 'nothing newer is committed: nothing dropped');
  h.compact(7);
  assert.equal(h.committed(7), c2);
  assert.equal(h.committed(4), emptyConfiguration, 'c1 is forgotten: nothing can roll back to it');
  assert.equal(h.latest(), c3, 'the uncommitted one stays');
  h.truncateFrom(9);
  assert.equal(h.latest(), c2, 'and can still roll back to the committed one');
});
