/**
 * The metrics of etcd's DataServer view: how many are registered, how many of those the leader does
 * not hear from, how many are leaving, and whether the discovery's etcd watch is up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortedBlockIds } from '../../src/cluster/dataserver-tracker';
import { metaMetrics } from '../../src/server/metrics-server';
import { loneMetaNode } from '../support/meta-cluster/lone-meta-node';

test('metrics: registered, silent and leaving DataServers, and the etcd watch', async (t) => {
  const lone = await loneMetaNode();
  t.after(() => lone.close());
  const { tracker } = lone.node.upkeep;
  const report = { address: '127.0.0.1:8001', blockCount: 0, freeBytes: 1, capacityBytes: 1, blocks: sortedBlockIds([]) };
  tracker.registrations.connected(true);
  tracker.registrations.registered({ id: 'ds-1', listen: '0.0.0.0:8001', dialable: false });
  tracker.registrations.registered({ id: 'ds-2', listen: '0.0.0.0:8002', dialable: false });
  tracker.registrations.registered({ id: 'ds-3', listen: '0.0.0.0:8003', dialable: false });
  tracker.heartbeat({ ...report, id: 'ds-1' });
  tracker.registrations.deregistered('ds-3', true);

  const text = await metaMetrics(lone.node).metrics();
  assert.match(text, /^minfs_dataservers_etcd\{state="registered"\} 2$/m);
  assert.match(text, /^minfs_dataservers_etcd\{state="silent"\} 1$/m, 'ds-2 is registered and never heard from');
  assert.match(text, /^minfs_dataservers_etcd\{state="leaving"\} 1$/m);
  assert.match(text, /^minfs_etcd_dataserver_watch_up 1$/m);
});
