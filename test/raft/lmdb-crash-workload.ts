/**
 * What lmdb-crash-child.ts writes and lmdb-crash.test.ts verifies: every entry is a
 * deterministic function of its index, so the parent can check content without being told it.
 */
import { LogType, type LogEntry } from '../../src/raft/log';

/** Stable-store key the child keeps incrementing; acknowledged values must never go back. */
export const CRASH_COUNTER_KEY = 'crash-test-counter';

export function crashEntry(index: number): LogEntry {
  const size = 1 + ((index * 7919) % 300);
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (index * 131 + i * 7) & 0xff;
  return {
    index,
    term: 1 + Math.floor(index / 1000),
    type: index % 50 === 0 ? LogType.Noop : LogType.Command,
    data,
  };
}

/** Lines on the child's stdout, each printed only after the write it names resolved. */
export type CrashChildLine =
  { readonly kind: 'acked'; readonly from: number; readonly to: number } | { readonly kind: 'stable'; readonly value: number };

export function formatAcked(from: number, to: number): string {
  return `acked ${from} ${to}\n`;
}

export function formatStable(value: number): string {
  return `stable ${value}\n`;
}

export function parseCrashChildLine(line: string): CrashChildLine | undefined {
  const [kind, a, b] = line.trim().split(' ');
  if (kind === 'acked' && a !== undefined && b !== undefined) return { kind, from: Number(a), to: Number(b) };
  if (kind === 'stable' && a !== undefined) return { kind, value: Number(a) };
  return undefined;
}
