import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { Configuration } from '../../../src/raft/configuration';
import type { LogFields, Logger } from '../../../src/raft/environment';
import { FileSnapshotStore, type FileSnapshotStoreOptions } from '../../../src/raft/file-snapshot-store';

export const CONFIG: Configuration = {
  servers: [
    { id: 'a', address: 'a:1', suffrage: 'voter' },
    { id: 'b', address: 'b:1', suffrage: 'voter' },
    { id: 'c', address: 'c:1', suffrage: 'nonvoter' },
  ],
};

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** A logger that remembers what it was told, so tests can check that skips and cleanups are reported. */
export function recordingLogger(): Logger & { lines: LogLine[]; warnings(): string[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, fields?: LogFields): void => {
      lines.push({ level, message, fields });
    };
  return {
    lines,
    warnings: () => lines.filter((l) => l.level === 'warn').map((l) => l.message),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

/** Runs `body` with a fresh temporary directory, removed afterwards. */
export async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-snapshot-store-'));
  try {
    await body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens a store in a fresh temporary directory (`<tmp>/snapshots`, so the store creates it). */
export async function withStore(
  options: FileSnapshotStoreOptions,
  body: (store: FileSnapshotStore, dir: string) => Promise<void>,
): Promise<void> {
  await withTempDir(async (tmp) => {
    const dir = path.join(tmp, 'snapshots');
    await body(await FileSnapshotStore.open(dir, options), dir);
  });
}

/** Deterministic, non-repeating-looking bytes: byte i of stream `seed`. */
export function fillPattern(buffer: Uint8Array, seed: number, offset: number): void {
  let x = (seed * 0x9e3779b1 + Math.floor(offset / 4)) >>> 0;
  for (let i = 0; i < buffer.length; i++) {
    const at = offset + i;
    if (at % 4 === 0) x = (Math.imul(seed + 1, 0x85ebca6b) ^ Math.imul(at >>> 2, 0xc2b2ae35)) >>> 0;
    buffer[i] = (x >>> ((at % 4) * 8)) & 0xff;
  }
}

export interface Written {
  readonly id: string;
  readonly sha256: string;
}

/**
 * Writes `size` bytes of pattern `seed` through a sink in chunks of `chunkBytes`, reusing one
 * buffer (the sink must copy what it has not written yet), and closes it.
 */
export async function writeSnapshot(
  store: FileSnapshotStore,
  opts: { index: number; term: number; size: number; seed?: number; chunkBytes?: number; close?: boolean },
): Promise<Written> {
  const sink = await store.create(opts.index, opts.term, CONFIG, Math.max(0, opts.index - 1));
  const chunkBytes = opts.chunkBytes ?? 64 * 1024 + 17;
  const buffer = new Uint8Array(chunkBytes);
  const hash = createHash('sha256');
  for (let offset = 0; offset < opts.size; offset += chunkBytes) {
    const chunk = buffer.subarray(0, Math.min(chunkBytes, opts.size - offset));
    fillPattern(chunk, opts.seed ?? opts.index, offset);
    hash.update(chunk);
    await sink.write(chunk);
  }
  if (opts.close ?? true) await sink.close();
  return { id: sink.id, sha256: hash.digest('hex') };
}

/** Iterates a snapshot's chunks to the end; returns the SHA-256 of the bytes and the chunk sizes. */
export async function readSnapshot(chunks: AsyncIterable<Uint8Array>): Promise<{ sha256: string; sizes: number[] }> {
  const hash = createHash('sha256');
  const sizes: number[] = [];
  for await (const chunk of chunks) {
    hash.update(chunk);
    sizes.push(chunk.byteLength);
  }
  return { sha256: hash.digest('hex'), sizes };
}

export function dataFile(dir: string, id: string): string {
  return path.join(dir, id, 'state.bin');
}

/** All of a snapshot's bytes in one buffer (small snapshots only). */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}
