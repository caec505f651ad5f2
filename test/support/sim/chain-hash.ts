import type { LogEntry } from '../../../src/raft/index';

/** A short, well-mixed hash of (previous prefix hash, entry): FNV-1a over both, 2 x 32 bits. */
export function chainHash(previous: string, entry: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const text = previous + '|' + entry;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(36) + '.' + b.toString(36);
}

/** What identifies an entry's content: type, term and payload. */
export function fingerprint(e: LogEntry): string {
  return `${e.type}/${e.term}/${Buffer.from(e.data).toString('latin1')}`;
}
