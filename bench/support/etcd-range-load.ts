/**
 * The etcd peer's range read, for bench/e2e's ListDirectory pair: shared/peers/etcd/load.js has no
 * range op (and shared/ is not ours to edit), so this is our own closed-loop load generator in its
 * image, run by EtcdPeer.runRange in a process of its own so that its CPU is not the benchmark's.
 *
 *   node dist/bench/support/etcd-range-load.js ENDPOINTS CONCURRENCY SECONDS WARMUP_SECONDS KEYS
 *
 * Like load.js: one Etcd3 client over the (comma-separated) endpoints and N workers. Before
 * anything is timed, KEYS keys of 200-byte values (load.js's value size) are put under one prefix,
 * once: a later run finds them there and skips it. Then each worker repeats a linearizable range
 * read of the prefix (getAll().prefix(...), keys and values), which must return all KEYS keys, the
 * counterpart of ListDirectory of a KEYS-entry directory. The loop is our side's (runMetaLoop):
 * WARMUP_SECONDS of unmeasured calls as our measurements have, then SECONDS measured. Prints one
 * JSON line in load.js's shape (bench, system 'etcd', op 'range-<KEYS>', concurrency, ops_per_s,
 * p50_ms, p99_ms); failed calls are counted in `errors` and make the exit code 1.
 */
import { Etcd3 } from 'etcd3';
import { runMetaLoop } from './meta-closed-loop';
import { positiveInteger, positiveNumber } from './meta-cli';
import { runParallel } from './meta-parallel';

const PREFIX = '/bench-range/';
const VALUE = 'x'.repeat(200);
/** Untimed puts in flight at once while filling the prefix. */
const FILL_IN_FLIGHT = 64;

const keyOf = (i: number): string => `${PREFIX}k${String(i).padStart(6, '0')}`;

async function fill(client: Etcd3, keys: number): Promise<void> {
  if ((await client.getAll().prefix(PREFIX).count()) === keys) return;
  await client.delete().prefix(PREFIX);
  await runParallel(keys, FILL_IN_FLIGHT, async (i) => {
    await client.put(keyOf(i)).value(VALUE);
  });
}

async function main(): Promise<void> {
  const [endpoints, concurrencyText, secondsText, warmupText, keysText] = process.argv.slice(2);
  if (endpoints === undefined || keysText === undefined)
    throw new Error('usage: etcd-range-load.js ENDPOINTS CONCURRENCY SECONDS WARMUP_SECONDS KEYS');
  const concurrency = positiveInteger('concurrency', concurrencyText ?? '');
  const seconds = positiveNumber('seconds', secondsText ?? '');
  const warmupSeconds = warmupText === '0' ? 0 : positiveNumber('warmup', warmupText ?? '');
  const keys = positiveInteger('keys', keysText);

  const client = new Etcd3({ hosts: endpoints.split(',') });
  try {
    await fill(client, keys);
    const result = await runMetaLoop({ concurrency, seconds, warmupSeconds }, async () => {
      const read = await client.getAll().prefix(PREFIX).strings();
      const got = Object.keys(read).length;
      if (got !== keys) throw new Error(`range read gave ${got} keys, not ${keys}`);
      return true;
    });
    const failed = Object.keys(result.errors).length > 0;
    const line = {
      bench: 'etcd-range-load',
      system: 'etcd',
      op: `range-${keys}`,
      concurrency,
      ops_per_s: result.ops_per_s,
      p50_ms: result.p50_ms,
      p99_ms: result.p99_ms,
      ...(failed ? { errors: result.errors } : {}),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    if (failed) process.exitCode = 1;
  } finally {
    client.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`etcd-range-load failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
