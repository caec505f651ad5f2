/**
 * The namespace FSM against a plain model (support/namespace-model.ts): random command sequences
 * over a tiny path alphabet (names a, b, c; depth <= 3), with idempotency keys, retries, reused
 * keys, clocks that let keys expire, no-ops and garbage entries. The same entries go to three
 * replicas cut into batches at different points, and to a fourth restored mid-sequence from a
 * snapshot of the first. Every result must match the model's; at the end all digests are equal
 * and every path's stat and every directory's listing match the model.
 *
 * Replay a failure with FC_SEED=<printed seed>; FC_RUNS=<n> runs more (or fewer) sequences.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { LogType, type FSMSnapshot } from '../../src/raft';
import { REQUEST_ID_TTL_MS } from '../../src/meta/command-applier';
import { COMMAND_VERSION, type MetaCommand } from '../../src/meta/commands';
import { MetaFsm } from '../../src/meta/meta-fsm';
import { BLOCK_SIZE_BYTES, DIRECTORY, FILE } from '../../src/meta/node-types';
import type { MetaResult } from '../../src/meta/results';
import { Replica, T0, entries, persistView, stream, withDir, type Payload } from './support/meta-harness';
import { MODELLED_REFUSAL, NamespaceModel } from './support/namespace-model';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`namespace model property: fast-check seed ${seed}`);
const numRuns = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 120;

// ---- abstract operations, made concrete against the model when the sequence is built ----

/**
 * A literal path, a pick among the paths (`at`) or files (`file`) that exist, a new name in an
 * existing directory (`in`), or a path through an existing file (`beyond`: one or two names below it).
 */
type PathSpec =
  | string
  | { readonly at: number }
  | { readonly file: number }
  | { readonly in: number; readonly name: string }
  | { readonly beyond: number; readonly names: readonly string[] };
type KeyUse = { readonly use: 'none' } | { readonly use: 'fresh' } | { readonly use: 'reuse'; readonly pick: number };
type Body =
  | { readonly k: 'create'; readonly path: PathSpec; readonly dir: boolean; readonly parents: boolean }
  | { readonly k: 'import'; readonly items: readonly { readonly path: PathSpec; readonly dir: boolean; readonly badType: boolean }[] }
  | { readonly k: 'delete'; readonly path: PathSpec; readonly recursive: boolean }
  | { readonly k: 'purge'; readonly limit: number }
  | {
      readonly k: 'allocate';
      readonly path: PathSpec;
      readonly blocks: number;
      readonly tail: number;
      readonly create: boolean;
      readonly placementsOff: number;
    }
  | {
      readonly k: 'finalize';
      readonly path: PathSpec;
      readonly rightInode: boolean;
      readonly size: 'fit' | 'misfit' | 'zero';
      readonly md5: number;
    }
  | { readonly k: 'rename'; readonly from: PathSpec; readonly to: PathSpec }
  | { readonly k: 'noop' }
  | { readonly k: 'garbage'; readonly variant: number }
  | { readonly k: 'retry'; readonly pick: number };
type Op = { readonly body: Body; readonly key: KeyUse; readonly dt: number };

const nameArb = fc.constantFrom('a', 'b', 'c');
const pathArb: fc.Arbitrary<PathSpec> = fc.oneof(
  { weight: 1, arbitrary: fc.constant('/') },
  { weight: 10, arbitrary: fc.array(nameArb, { minLength: 1, maxLength: 3 }).map((n) => '/' + n.join('/')) },
  { weight: 8, arbitrary: fc.record({ at: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ file: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ in: fc.nat(), name: nameArb }) },
  { weight: 2, arbitrary: fc.record({ beyond: fc.nat(), names: fc.array(nameArb, { minLength: 1, maxLength: 2 }) }) },
);
/** Paths for file operations: mostly existing files. */
const filePathArb: fc.Arbitrary<PathSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ file: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ beyond: fc.nat(), names: fc.array(nameArb, { minLength: 1, maxLength: 2 }) }) },
  { weight: 2, arbitrary: pathArb },
);
const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('create' as const), path: pathArb, dir: fc.boolean(), parents: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('import' as const),
      items: fc.array(fc.record({ path: pathArb, dir: fc.boolean(), badType: fc.constantFrom(false, false, false, false, false, true) }), {
        maxLength: 5,
      }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('delete' as const), path: pathArb, recursive: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('purge' as const), limit: fc.integer({ min: 0, max: 4 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('allocate' as const),
      path: filePathArb,
      blocks: fc.integer({ min: 1, max: 3 }),
      tail: fc.constantFrom(1, 2, BLOCK_SIZE_BYTES), // bytes in the last block
      create: fc.boolean(),
      placementsOff: fc.constantFrom(0, 0, 0, 0, 0, -1, 1),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('finalize' as const),
      path: filePathArb,
      rightInode: fc.constantFrom(true, true, true, false),
      size: fc.constantFrom('fit' as const, 'fit' as const, 'misfit' as const, 'zero' as const),
      md5: fc.integer({ min: 0, max: 5 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('rename' as const), from: pathArb, to: pathArb }) },
  { weight: 1, arbitrary: fc.constant({ k: 'noop' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('garbage' as const), variant: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('retry' as const), pick: fc.nat() }) },
);
const opArb: fc.Arbitrary<Op> = fc.record({
  body: bodyArb,
  key: fc.oneof(
    { weight: 6, arbitrary: fc.constant({ use: 'none' as const }) },
    { weight: 2, arbitrary: fc.constant({ use: 'fresh' as const }) },
    { weight: 1, arbitrary: fc.record({ use: fc.constant('reuse' as const), pick: fc.nat() }) },
  ),
  // Mostly small steps; 4-minute steps make idempotency keys (10 minutes) expire within a sequence,
  // and a rare jump past the TTL expires many at once (a few per command).
  dt: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(0, 1, 1000, 90_000, 240_000) },
    { weight: 1, arbitrary: fc.constant(REQUEST_ID_TTL_MS + 1) },
  ),
});

const MD5S = [
  '',
  '0123456789abcdef0123456789abcdef',
  'ffffffffffffffffffffffffffffffff',
  'd41d8cd98f00b204e9800998ecf8427e',
  '',
  'NOT-AN-MD5',
];
const GARBAGE = [
  new Uint8Array(0),
  new Uint8Array([COMMAND_VERSION]),
  new Uint8Array([9, 0x80]),
  new Uint8Array([COMMAND_VERSION, 0xd9]),
  new Uint8Array([COMMAND_VERSION, 0x93, 1, 2, 3]),
];

/** Turns abstract ops into entry payloads, deciding inodes and sizes from the model as it goes. */
class SequenceBuilder {
  readonly payloads: Payload[] = [LogType.Configuration];
  readonly expected: MetaResult[] = [{ ok: true }];
  private at = T0;
  private keyed: MetaCommand[] = [];
  private keys = 0;

  constructor(readonly model: NamespaceModel) {}

  add(op: Op): void {
    this.at += op.dt;
    const payload = this.payload(op);
    this.payloads.push(payload);
    this.expected.push(this.model.apply(payload));
  }

  private payload(op: Op): Payload {
    const b = op.body;
    if (b.k === 'noop') return LogType.Noop;
    if (b.k === 'garbage') return GARBAGE[b.variant]!;
    if (b.k === 'retry') {
      if (this.keyed.length === 0) return LogType.Noop;
      return { ...this.keyed[b.pick % this.keyed.length]!, at: this.at };
    }
    const command = this.command(b);
    if (op.key.use === 'none') return command;
    if (op.key.use === 'reuse' && this.keyed.length > 0)
      return { ...command, requestId: this.keyed[op.key.pick % this.keyed.length]!.requestId! };
    const keyedCommand = { ...command, requestId: `req-${this.keys++}` };
    this.keyed.push(keyedCommand);
    return keyedCommand;
  }

  /** The path `spec` names in the model's current namespace. */
  private path(spec: PathSpec): string {
    if (typeof spec === 'string') return spec;
    const all = [...this.model.nodes.keys()].sort();
    const pick = (paths: string[], n: number): string => (paths.length === 0 ? '/a' : paths[n % paths.length]!);
    if ('at' in spec) return pick(all.slice(1), spec.at);
    const files = all.filter((p) => this.model.nodes.get(p)!.type === FILE);
    if ('file' in spec) return pick(files, spec.file);
    if ('beyond' in spec) return [pick(files, spec.beyond), ...spec.names].join('/');
    const dirs = all.filter((p) => this.model.nodes.get(p)!.type === DIRECTORY);
    const dir = dirs[spec.in % dirs.length]!;
    return dir === '/' ? `/${spec.name}` : `${dir}/${spec.name}`;
  }

  private command(b: Exclude<Body, { k: 'noop' | 'garbage' | 'retry' }>): MetaCommand {
    const at = this.at;
    switch (b.k) {
      case 'create':
        return { op: 'create', path: this.path(b.path), type: b.dir ? DIRECTORY : FILE, parents: b.parents, replication: 2, at };
      case 'import':
        // Paths are resolved against the namespace before the whole import applies, as a listing is.
        return {
          op: 'import',
          nodes: b.items.map((i) => [this.path(i.path), i.badType ? 1 : i.dir ? DIRECTORY : FILE] as const),
          replication: 2,
          at,
        };
      case 'delete':
        return { op: 'delete', path: this.path(b.path), recursive: b.recursive, at };
      case 'purge':
        return { op: 'purge', limit: b.limit, at };
      case 'allocate': {
        const size = (b.blocks - 1) * BLOCK_SIZE_BYTES + b.tail;
        const placements = Array.from({ length: Math.max(0, b.blocks + b.placementsOff) }, (_, i) => [`ds${(i + this.keys) % 3}:7000`]);
        return { op: 'allocate', path: this.path(b.path), size, placements, create: b.create, replication: 3, at };
      }
      case 'finalize': {
        const p = this.path(b.path);
        const node = this.model.nodes.get(p);
        const blocks = node?.blocks.length ?? 1;
        const size =
          b.size === 'zero'
            ? 0
            : b.size === 'misfit'
              ? blocks === 0
                ? 1
                : blocks * BLOCK_SIZE_BYTES + 1
              : blocks === 0
                ? 0
                : blocks * BLOCK_SIZE_BYTES - 7;
        const inode = (node?.inode ?? 2) + (b.rightInode ? 0 : 1);
        return { op: 'finalize', path: p, inode, size, md5: MD5S[b.md5]!, at };
      }
      case 'rename':
        return { op: 'rename', from: this.path(b.from), to: this.path(b.to), at };
    }
  }
}

// ---- applying and checking ----

/** [start, end) ranges over `n` entries, cut at `cuts` (taken modulo n) and at `forced`. */
function ranges(n: number, cuts: readonly number[], forced: readonly number[] = []): [number, number][] {
  const points = [...new Set([0, n, ...cuts.map((c) => c % n), ...forced])].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => [points[i]!, end]);
}

function sameOutcome(actual: MetaResult, expected: MetaResult, where: string): void {
  if (expected.ok && 'firstRefusal' in expected && 'firstRefusal' in actual) {
    const modelled = { ...actual, firstRefusal: actual.firstRefusal === '' ? '' : MODELLED_REFUSAL };
    assert.deepEqual(modelled, expected, `${where}: ${JSON.stringify(actual)}`);
  } else if (expected.ok) assert.deepEqual(actual, expected, where);
  else {
    assert.equal(actual.ok, false, `${where}: expected ${expected.kind}, got ${JSON.stringify(actual)}`);
    assert.equal(!actual.ok && actual.kind, expected.kind, `${where}: ${JSON.stringify(actual)}`);
  }
}

/** Applies payloads[from..] in the given batches, checking every result; `after(end)` runs after each batch. */
async function applyAll(
  name: string,
  fsm: MetaFsm,
  seq: SequenceBuilder,
  batches: readonly [number, number][],
  after?: (end: number) => Promise<void>,
  heldThrough = 0,
): Promise<void> {
  for (const [start, end] of batches) {
    const results = await fsm.applyBatch(entries(start + 1, seq.payloads.slice(start, end)));
    results.forEach((r, i) => {
      const what = `${name}, entry ${start + i + 1} ${describe(seq.payloads[start + i]!)}`;
      // An entry a restored copy already held is skipped, not applied again.
      if (start + i + 1 <= heldThrough) assert.deepEqual(r, { ok: true }, what);
      else sameOutcome(r, seq.expected[start + i]!, what);
    });
    await after?.(end);
  }
}

function describe(p: Payload): string {
  return p instanceof Uint8Array ? `garbage ${Buffer.from(p).toString('hex')}` : typeof p === 'object' ? JSON.stringify(p) : LogType[p];
}

/** Every path's stat, every directory's listing (2 per page), gc, trash and keys against the model. */
function compareWithModel(r: Replica, model: NamespaceModel): void {
  for (const [p, n] of model.nodes) {
    const { inode, record } = r.stat(p);
    const want = { inode: n.inode, t: n.type, s: model.sizeOf(p), h: n.md5, b: n.blocks.length, r: n.replication };
    assert.deepEqual({ inode, t: record.t, s: record.s, h: record.h, b: record.b, r: record.r }, want, `stat ${p}`);
    if (n.type === FILE) assert.deepEqual(r.reader.blocks(r.stat(p)), n.blocks, `blocks of ${p}`);
    else assert.deepEqual(r.names(p, 2), model.children(p), `listing of ${p}`);
  }
  const gc = new Map([...r.fsm.state.env.gc.getRange({})].map(({ key, value }) => [key, value]));
  for (const [id, locations] of model.gc) assert.deepEqual(gc.get(id), locations, `block ${id} in gc`);
  for (const id of gc.keys()) assert.ok(model.gc.has(id) || model.trashBlocks.has(id), `block ${id} should not be in gc`);
  assert.equal(r.reader.hasTrash(), model.trashWork > 0, 'trash');
  assert.deepEqual(r.keys<string>('requests').sort(), [...model.requests.keys()].sort(), 'remembered request ids');
  if (model.trashWork === 0) {
    assert.equal(gc.size, model.gc.size, 'gc');
    assert.equal(r.keys('inodes').length, model.nodes.size, 'inodes');
    const mapped = [...model.nodes.values()].reduce((sum, n) => sum + n.blocks.length, 0);
    assert.equal(r.keys('blocks').length, mapped, 'block mappings');
  }
}

test('namespace FSM replicas agree with the model, whatever the batch boundaries, and across a snapshot', async () => {
  const cutsArb = fc.array(fc.nat(), { maxLength: 12 });
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { minLength: 10, maxLength: 60, size: 'max' }),
      fc.boolean(),
      fc.tuple(cutsArb, cutsArb, cutsArb, cutsArb),
      fc.nat(),
      async (ops, purgeAtEnd, [cutsA, cutsB, cutsC, cutsD], snapshotPick) => {
        const model = new NamespaceModel();
        const seq = new SequenceBuilder(model);
        for (const op of ops) seq.add(op);
        if (purgeAtEnd) seq.add({ body: { k: 'purge', limit: 1000 }, key: { use: 'none' }, dt: 0 });
        const n = seq.payloads.length;
        const snapshotAt = 1 + (snapshotPick % n); // entries applied when the snapshot is taken

        await withDir(async (dir) => {
          const fsms = ['a', 'b', 'c', 'd'].map((name) => MetaFsm.open(path.join(dir, name), { snapshotChunkBytes: 512 }));
          try {
            const [a, b, c, d] = fsms as [MetaFsm, MetaFsm, MetaFsm, MetaFsm];
            // A: snapshot at a batch boundary, persisted only after A applied its next batch.
            let view: FSMSnapshot | undefined;
            let chunks: Buffer[] | undefined;
            const persist = async (): Promise<void> => {
              chunks = await persistView(view!);
            };
            await applyAll('replica A', a, seq, ranges(n, cutsA, [snapshotAt]), async (end) => {
              if (end === snapshotAt) view = await a.snapshot();
              else if (view !== undefined && chunks === undefined) await persist();
            });
            if (chunks === undefined) await persist();
            await Promise.all([
              applyAll('replica B', b, seq, ranges(n, cutsB)),
              applyAll('replica C', c, seq, ranges(n, cutsC)),
              (async () => {
                await d.restore(stream(chunks!));
                // The copy was made after A applied its next batch: it may hold more than the label.
                const held = d.appliedIndex();
                assert.ok(held >= snapshotAt && held <= n, `restored replica D at ${held}, label ${snapshotAt}`);
                const rest = ranges(n, cutsD, [snapshotAt]).filter(([start]) => start >= snapshotAt);
                await applyAll('replica D (restored)', d, seq, rest, undefined, held);
              })(),
            ]);
            const [digestA, ...others] = await Promise.all(fsms.map((f) => f.digest()));
            assert.equal(digestA!.appliedIndex, n);
            for (const [i, other] of others.entries()) assert.deepEqual(other, digestA, `digest of replica ${'BCD'[i]}`);
            compareWithModel(new Replica(a), model);
          } finally {
            await Promise.all(fsms.map((f) => f.close()));
          }
        });
      },
    ),
    { seed, numRuns },
  );
});
