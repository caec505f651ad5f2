/**
 * DataServer discovery against a real etcd: registrations already there (a plain address as the
 * Go DataServer writes, JSON as the original MetaServer expected) and ones put later are found,
 * malformed values are logged and ignored, a DELETE is a leaving hint; etcd killed and started
 * again is listed again and watched from there; etcd back empty (its data lost) drops the
 * registrations without calling anyone leaving. The test waits on the discovery's events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { Etcd3 } from 'etcd3';
import type { LogFields, Logger } from '../../src/raft';
import { ManualClock } from '../../src/raft/inmem';
import { DataServerRegistrations } from '../../src/cluster/dataserver-registrations';
import { DataServerDiscovery, type DiscoveryEvent } from '../../src/server/dataserver-discovery';
import { EtcdServer, etcdMissing } from '../support/etcd-server';

const PREFIX = '/dfs/dataServers/';

/** Keeps warnings, to see malformed values reported. */
class WarningLog implements Logger {
  readonly warnings: { message: string; fields: LogFields | undefined }[] = [];
  debug(): void {}
  info(): void {}
  error(): void {}
  warn(message: string, fields?: LogFields): void {
    this.warnings.push({ message, fields });
  }
}

/** Resolves with the discovery's next event that `match` accepts (listen before acting). */
function next(discovery: DataServerDiscovery, match: (e: DiscoveryEvent) => boolean): Promise<DiscoveryEvent> {
  return new Promise((resolve) => {
    const off = discovery.on((event) => {
      if (!match(event)) return;
      off();
      resolve(event);
    });
  });
}

const listings = (e: DiscoveryEvent): boolean => e.kind === 'listed';
const putOf = (key: string) => (e: DiscoveryEvent) => e.kind === 'put' && e.key === `${PREFIX}${key}`;
const deleteOf = (key: string) => (e: DiscoveryEvent) => e.kind === 'delete' && e.key === `${PREFIX}${key}`;
const keysOf = (e: DiscoveryEvent): number | undefined => (e.kind === 'listed' ? e.keys : undefined);
const ids = (registrations: DataServerRegistrations): string[] => registrations.all().map((r) => r.id);

test(
  'DataServer discovery: plain and JSON registrations, malformed ones ignored, DELETE seen, etcd restarted and emptied',
  { skip: etcdMissing(), timeout: 60_000 },
  async (t) => {
    const etcd = await EtcdServer.start();
    t.after(() => etcd.stop());
    const client = new Etcd3({ hosts: `http://${etcd.endpoint}` });
    t.after(() => client.close());

    await client.put(`${PREFIX}dataServer-1`).value('0.0.0.0:8001');
    await client
      .put(`${PREFIX}dataServer-2`)
      .value(JSON.stringify({ id: 'dataServer-2', addr: '127.0.0.1:8002', register_at: '2026-01-02T03:04:05Z' }));
    await client.put(`${PREFIX}garbage`).value('not an address');

    const registrations = new DataServerRegistrations(new ManualClock(0), 1_000);
    const log = new WarningLog();
    const discovery = new DataServerDiscovery({
      endpoints: [etcd.endpoint],
      timeoutMs: 1_000,
      prefix: PREFIX,
      sink: registrations,
      logger: log,
    });
    t.after(() => discovery.stop());
    const firstListing = next(discovery, listings);
    discovery.start();
    assert.equal(keysOf(await firstListing), 3);
    assert.equal(registrations.etcdConnected, true);
    assert.deepEqual(registrations.all(), [
      { id: 'dataServer-1', listen: '0.0.0.0:8001', dialable: false },
      { id: 'dataServer-2', listen: '127.0.0.1:8002', dialable: true, registeredAt: '2026-01-02T03:04:05Z' },
    ]);
    assert.deepEqual(
      log.warnings.map((w) => w.fields?.['key']),
      [`${PREFIX}garbage`],
      'the malformed value is logged',
    );

    // Changes after the listing come through the watch.
    let seen = next(discovery, putOf('dataServer-3'));
    await client.put(`${PREFIX}dataServer-3`).value('127.0.0.1:8003');
    assert.deepEqual(await seen, { kind: 'put', key: `${PREFIX}dataServer-3`, id: 'dataServer-3' });
    seen = next(discovery, putOf('dataServer-5'));
    await client.put(`${PREFIX}dataServer-5`).value('{"addr":8005}');
    assert.deepEqual(await seen, { kind: 'put', key: `${PREFIX}dataServer-5`, problem: 'the JSON value has no "addr" string' });
    assert.equal(log.warnings.length, 2);
    seen = next(discovery, deleteOf('dataServer-1'));
    await client.delete().key(`${PREFIX}dataServer-1`);
    assert.deepEqual(await seen, { kind: 'delete', key: `${PREFIX}dataServer-1`, id: 'dataServer-1' });
    assert.deepEqual(ids(registrations), ['dataServer-2', 'dataServer-3']);
    assert.deepEqual(registrations.leaving(), ['dataServer-1'], 'a DELETE is a leaving hint');

    // etcd killed: the view is kept; etcd back: listed again and watched from there.
    const lost = next(discovery, (e) => e.kind === 'lost');
    await etcd.pause();
    await lost;
    assert.equal(registrations.etcdConnected, false);
    assert.deepEqual(ids(registrations), ['dataServer-2', 'dataServer-3'], 'etcd away: the last view stays');
    const relisted = next(discovery, listings);
    await etcd.resume();
    assert.equal(keysOf(await relisted), 4);
    assert.equal(registrations.etcdConnected, true);
    seen = next(discovery, putOf('dataServer-4'));
    await client.put(`${PREFIX}dataServer-4`).value(JSON.stringify({ id: 'dataServer-4', addr: '[::]:8004' }));
    await seen;
    seen = next(discovery, deleteOf('dataServer-2'));
    await client.delete().key(`${PREFIX}dataServer-2`);
    await seen;
    assert.deepEqual(ids(registrations), ['dataServer-3', 'dataServer-4']);
    assert.deepEqual(registrations.leaving(), ['dataServer-1', 'dataServer-2']);

    // etcd back with its data lost: a watch resumed at the old revision would see nothing; the
    // new listing drops what is gone, and calls no one leaving on that guess.
    const lostAgain = next(discovery, (e) => e.kind === 'lost');
    await etcd.pause();
    await lostAgain;
    rmSync(path.join(etcd.dir, 'data'), { recursive: true, force: true });
    const emptyListing = next(discovery, listings);
    await etcd.resume();
    assert.equal(keysOf(await emptyListing), 0);
    assert.deepEqual(ids(registrations), []);
    assert.deepEqual(registrations.leaving(), ['dataServer-1', 'dataServer-2']);
    seen = next(discovery, putOf('dataServer-6'));
    await client.put(`${PREFIX}dataServer-6`).value('127.0.0.1:8006');
    await seen;
    assert.deepEqual(ids(registrations), ['dataServer-6'], 'watched again from the new, lower revision');
  },
);
